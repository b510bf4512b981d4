"""Admin maintenance: integrity checks, online backups and restores, on either backend."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from calldesk.errors import InvalidInput, StoreError
from calldesk.store.engine import normalise_url, sqlite_path
from calldesk.store.schema import current_revision, head_revision

Progress = Callable[[int, int], None]  # (done, total)
PAGES_PER_STEP = 256


@dataclass
class CheckReport:
    """What `db check` found: ok when `problems` is empty."""

    backend: str
    revision: str | None
    head: str | None
    tables: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(engine: Engine) -> CheckReport:
    """Integrity, foreign keys, schema revision and row counts."""
    report = CheckReport(engine.dialect.name, current_revision(engine), head_revision())
    if report.revision != report.head:
        report.problems.append(
            f"schema is at {report.revision or 'nothing'}, expected {report.head}: run `calldesk db upgrade`")
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                report.problems.extend(f"integrity: {line}" for line in integrity)
            for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
                report.problems.append(f"foreign key: {table} row {rowid} points at a missing {parent}")
        else:
            invalid = conn.execute(text(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE NOT convalidated"
            )).all()
            report.problems.extend(f"constraint not validated: {t}.{c}" for t, c in invalid)
        for table in sorted(inspect(conn).get_table_names()):
            if table == "alembic_version":
                continue
            quoted = engine.dialect.identifier_preparer.quote(table)
            report.tables[table] = int(conn.exec_driver_sql(f"SELECT count(*) FROM {quoted}").scalar_one())
    return report


def backup(engine: Engine, url: str, target: Path, *, progress: Progress | None = None) -> Path:
    """Copy the live store to `target` while agents keep writing; returns the file written."""
    target = target.expanduser()
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; give a file name for the backup.")
    target.parent.mkdir(parents=True, exist_ok=True)
    path = sqlite_path(url)
    old_umask = os.umask(0o077)  # the copy holds personal data: owner-only from its first byte
    try:
        _backup_to(engine, url, path, target, progress)
    finally:
        os.umask(old_umask)
    target.chmod(0o600)
    return target


def _backup_to(engine: Engine, url: str, path: Path | None, target: Path, progress: Progress | None) -> None:
    if engine.dialect.name == "sqlite":
        if path is None:
            raise InvalidInput("An in-memory store cannot be backed up.")
        _sqlite_backup(path, target, progress)
    else:
        _pg_dump(url, target, progress)


def _copy_pages(src: sqlite3.Connection, dst: sqlite3.Connection, progress: Progress | None) -> None:
    """SQLite's online backup, a few pages at a time, reporting (done, total) pages."""
    report = (lambda _status, remaining, total: progress(total - remaining, total)) if progress else None
    src.backup(dst, pages=PAGES_PER_STEP, progress=report)


def _sqlite_backup(source: Path, target: Path, progress: Progress | None) -> None:
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=10)
    dst = sqlite3.connect(tmp)
    try:
        # Hold one read snapshot for the whole copy: concurrent WAL writers do not restart it.
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _copy_pages(src, dst, progress)
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()
    tmp.replace(target)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL for pg_dump/pg_restore without its password (which goes in PGPASSWORD, not on `ps`)."""
    parsed = make_url(normalise_url(url)).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(password=None).render_as_string(hide_password=False), env


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "no output"


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StoreError(f"{name} is not installed; install PostgreSQL's client programs (postgresql-client).")
    return found


def _pg_dump(url: str, target: Path, progress: Progress | None) -> None:
    if progress:
        progress(0, 1)
    dbname, env = _libpq(url)
    result = subprocess.run(
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", f"--dbname={dbname}"],
        capture_output=True, text=True, check=False, env=env,
    )
    if result.returncode != 0:
        raise StoreError(f"pg_dump failed: {_last_line(result.stderr)}")
    if progress:
        progress(1, 1)


def is_live(engine: Engine) -> bool:
    """A store with any cases or more than its first user counts as live."""
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        if "cases" not in names:
            return False
        cases = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()
        users = conn.execute(text("SELECT count(*) FROM app_user")).scalar_one()
    return bool(cases) or users > 1


def restore(engine: Engine, url: str, source: Path, *, force: bool, progress: Progress | None = None) -> None:
    """Replace the store's contents with the backup at `source`; refuses a live store unless `force`."""
    source = source.expanduser()
    if not source.is_file():
        raise InvalidInput(f"No backup file at {source}.")
    if not force and is_live(engine):
        raise InvalidInput("The store holds live data; add --force to overwrite it with the backup.")
    if engine.dialect.name == "sqlite":
        _sqlite_restore(engine, url, source, progress)
    else:
        _pg_restore(engine, url, source, progress)


def _sqlite_restore(engine: Engine, url: str, source: Path, progress: Progress | None) -> None:
    path = sqlite_path(url)
    if path is None:
        raise InvalidInput("An in-memory store cannot be restored into.")
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        verdict = src.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{source} is not a calldesk SQLite backup ({exc}).") from exc
    if verdict != "ok":
        src.close()
        raise InvalidInput(f"{source} is damaged ({verdict}); nothing was restored.")
    tables = {row[0] for row in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"cases", "auditevent", "alembic_version"} <= tables:
        src.close()
        raise InvalidInput(f"{source} is not a calldesk backup; nothing was restored.")
    engine.dispose()
    dst = sqlite3.connect(path, timeout=10)
    try:
        _copy_pages(src, dst, progress)
    finally:
        dst.close()
        src.close()


def _pg_restore(engine: Engine, url: str, source: Path, progress: Progress | None) -> None:
    if progress:
        progress(0, 1)
    listing = subprocess.run([_pg_tool("pg_restore"), "--list", str(source)], capture_output=True, text=True,
                             check=False)
    if listing.returncode != 0 or "TABLE DATA public cases" not in listing.stdout:
        raise InvalidInput(f"{source} is not a calldesk PostgreSQL backup; nothing was restored.")
    engine.dispose()
    with engine.begin() as conn:
        # A clean slate: the backup brings every table, trigger and function back.
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    dbname, env = _libpq(url)
    result = subprocess.run(
        [_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction", f"--dbname={dbname}",
         str(source)],
        capture_output=True, text=True, check=False, env=env,
    )
    if result.returncode != 0:
        raise StoreError(f"pg_restore failed: {_last_line(result.stderr)}")
    if progress:
        progress(1, 1)
