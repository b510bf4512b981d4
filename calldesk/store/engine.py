"""Engine factory: SQLite (WAL, FULL sync, foreign keys, BEGIN IMMEDIATE) or PostgreSQL from one URL."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from calldesk.errors import StoreError

BUSY_TIMEOUT_MS = 10_000


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


def _prepare_sqlite_file(path: Path) -> None:
    # The store holds personal data: folder and file readable by the owner only.
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


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


def make_engine(url: str) -> Engine:
    """An engine for the store at `url`; SQLite files and their folder are created owner-only."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"Not a database URL: {url!r} (use sqlite:///PATH or postgresql://...)") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            _prepare_sqlite_file(path)
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
        return create_engine(url, echo=False, hide_parameters=True, pool_pre_ping=True)
    raise StoreError(f"calldesk stores data in SQLite or PostgreSQL, not {backend!r}.")


def readonly(engine: Engine) -> Engine:
    """The same engine, but transactions do not take SQLite's write lock."""
    return engine.execution_options(**{READONLY: True})


def describe(url: str) -> str:
    """The store's URL with any password hidden, for screens and logs."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def checkpoint(engine: Engine) -> bool:
    """One TRUNCATE checkpoint that waits for nobody: SQLite's WAL folded into the main file and emptied.

    True when the WAL was emptied; False when another connection's read (or write) kept it, and on PostgreSQL,
    where there is none. calldesk.store.scrub retries it in the background after an abuse mark.
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
