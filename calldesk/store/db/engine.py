"""Engine factory: SQLite (WAL, FULL sync, foreign keys, BEGIN IMMEDIATE) or PostgreSQL from one URL."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError

from calldesk.errors import StoreError

BUSY_TIMEOUT_MS = 10_000
IDLE_BEFORE_PING_S = 5.0


class _NoRowValues(logging.Filter):
    """SQLAlchemy logs fetched rows at DEBUG; rows hold personal data, so they never reach a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(("Row ", "Col ")))


logging.getLogger("sqlalchemy.engine.Engine").addFilter(_NoRowValues())
READONLY = "calldesk_readonly"


def normalise_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and use the psycopg 3 driver for both."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for PostgreSQL and in-memory stores."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


SQLITE_MAGIC = b"SQLite format 3\x00"
MULTI_USER_HINT = "for several people on one machine use PostgreSQL (README: 'Several people on one machine')"


def _prepare_sqlite_file(path: Path, *, create: bool) -> None:
    """Check the file is a store this OS user may open; create it owner-only when `create` (first start).

    Nothing is chmodded: a new store is owner-only from its first byte, an existing file is left as it is.
    """
    another_user = (f"The store {path} belongs to another OS user; a SQLite store is used by its owner alone: "
                    f"{MULTI_USER_HINT}.")
    try:
        info = os.stat(path)
    except PermissionError:
        raise StoreError(another_user) from None
    except FileNotFoundError:
        if not create:
            where = "" if path.parent.is_dir() else f": the folder {path.parent} does not exist"
            raise StoreError(f"No calldesk store at {path}{where} (check --db; `calldesk db upgrade` creates a "
                             "new store).") from None
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR | os.O_NOFOLLOW, 0o600))
        except OSError as exc:
            raise StoreError(f"Cannot create the store {path}: {exc.strerror}.") from None
        return
    except OSError as exc:
        raise StoreError(f"Cannot use the store {path}: {exc.strerror}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path} is not a calldesk store (not a regular file); nothing was changed.")
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(another_user)
    if info.st_size:
        with open(path, "rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise StoreError(f"{path} is not a calldesk store (not a SQLite database); nothing was changed.")


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own BEGIN is deferred).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")  # a saved case survives a power cut
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA secure_delete = ON")  # deleted text is zeroed, not left in free pages
    cur.close()


def _on_sqlite_begin(conn: Any) -> None:
    # Writers take the write lock up front so concurrent agents wait (busy_timeout) instead of failing.
    readonly = conn.get_execution_options().get(READONLY, False)
    conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def make_engine(url: str, *, create: bool = True) -> Engine:
    """An engine for the store at `url`. A missing SQLite file (and its folder) is created owner-only when
    `create`, else refused; an existing file must be a SQLite database this OS user may open."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"Not a database URL: {url!r} (use sqlite:///PATH or postgresql://...)") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            _prepare_sqlite_file(path, create=create)
        engine = create_engine(
            url,
            echo=False,
            hide_parameters=True,  # logs never hold personal data
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    if backend == "postgresql":
        engine = create_engine(url, echo=False, hide_parameters=True)
        event.listen(engine, "checkin", _idle_since)
        event.listen(engine, "checkout", lambda dbapi_connection, record, _proxy: _ping_if_idle(
            engine, dbapi_connection, record))
        return engine
    raise StoreError(f"calldesk stores data in SQLite or PostgreSQL, not {backend!r}.")


def _idle_since(dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(engine: Engine, dbapi_connection: Any, record: Any) -> None:
    """A pooled connection idle a while is tried before use (the server may have restarted, a firewall may have
    cut it): a dead one is replaced, unseen. One used a moment ago is not: a desk saving calls back to back, or a
    save's two connections, pay no round trip for it (SQLAlchemy's "pessimistic" handling, only when idle)."""
    if time.monotonic() - record.info.get("idle_since", 0.0) < IDLE_BEFORE_PING_S:
        return
    try:
        alive = engine.dialect.do_ping(dbapi_connection)
    except engine.dialect.loaded_dbapi.Error as exc:
        raise DisconnectionError() from exc  # the pool makes a new connection
    if not alive:
        raise DisconnectionError()


def readonly(engine: Engine) -> Engine:
    """The same engine, but transactions do not take SQLite's write lock."""
    return engine.execution_options(**{READONLY: True})


def describe(url: str) -> str:
    """The store's URL with any password hidden, for screens and logs."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def checkpoint(engine: Engine) -> bool:
    """One TRUNCATE checkpoint that waits for nobody: SQLite's WAL folded into the main file and emptied.

    True when the WAL was emptied; False when another connection's read (or write) kept it, and on PostgreSQL,
    where there is none. calldesk.store.db.scrub retries it in the background after an abuse mark.
    """
    if engine.dialect.name != "sqlite":
        return False
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        # Outside any transaction (the driver connection runs in autocommit); busy_timeout 0: a reader on an
        # older snapshot makes it return busy at once instead of blocking the agent for the whole timeout.
        driver.execute("PRAGMA busy_timeout = 0")
        try:
            busy, _log, _done = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError:  # a writer holds the lock right now
            busy = 1
        finally:
            driver.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return bool(busy == 0)
    finally:
        raw.close()
