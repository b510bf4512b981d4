"""Admin maintenance: integrity checks and online backups, on either backend (restores: store/db/restore.py)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url

from calldesk import output_files
from calldesk.errors import InvalidInput, StoreError
from calldesk.store.db.engine import normalise_url, sqlite_path
from calldesk.store.db.ownership import require_owner
from calldesk.store.db.schema import current_revision, head_revision

Progress = Callable[[int, int], None]  # (done, total)
PAGES_PER_STEP = 256
SIDE_FILES = ("-wal", "-shm", "-journal")
RESTORE_STEM = "restore"  # a staged restore: .restore.calldesk-PID-....partial (SQLite: beside the store; PG: temp)


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


AUDIT_TRIGGERS = {"sqlite": ("auditevent_no_update", "auditevent_no_delete"),
                  "postgresql": ("auditevent_no_change", "auditevent_no_truncate", "auditevent_actor")}


# PostgreSQL's NOTIFY on every change to cases (store/db/changes.py listens), installed by migration 0007.
NOTIFY_TRIGGER, NOTIFY_SINCE = "cases_changed", "0007"


def _triggers(conn: Connection, dialect: str) -> set[str]:
    if dialect == "sqlite":
        return {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return {r[0] for r in conn.execute(text(
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal"))}


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
            if report.revision == report.head:  # the database's own enforcement is calldesk's, and no more
                from calldesk.store.db.security_check import problems

                report.problems.extend(f"database rules: {p}" for p in problems(conn))
        present = _triggers(conn, engine.dialect.name)
        for trigger in sorted(set(AUDIT_TRIGGERS[engine.dialect.name]) - present):
            report.problems.append(f"audit trail: trigger {trigger} is missing (the trail is not append-only)")
        live = engine.dialect.name != "postgresql" or (report.revision or "") < NOTIFY_SINCE
        if not live and NOTIFY_TRIGGER not in present:
            report.problems.append(f"queue: trigger {NOTIFY_TRIGGER} on cases is missing, so open queues do not "
                                   "update by themselves (migration 0007 creates it; restore a whole backup)")
        for table in sorted(inspect(conn).get_table_names()):
            if table == "alembic_version":
                continue
            quoted = engine.dialect.identifier_preparer.quote(table)
            report.tables[table] = int(conn.exec_driver_sql(f"SELECT count(*) FROM {quoted}").scalar_one())
    return report


def is_live_file(path: Path, store_file: Path | None) -> bool:
    """Whether `path` names the live SQLite store or one of its -wal/-shm/-journal files, by any path: a link to
    its folder, `..`, a hard link (folders and files compared by device and inode, not by their names)."""
    if store_file is None:
        return False
    names = {store_file.name + side for side in ("", *SIDE_FILES)}
    try:
        folder, live_folder = os.stat(path.parent), os.stat(store_file.parent)
    except OSError:
        return False
    if (folder.st_dev, folder.st_ino) == (live_folder.st_dev, live_folder.st_ino) and path.name in names:
        return True
    try:
        info = os.stat(path)
    except OSError:
        return False
    for name in names:
        try:
            live = os.stat(store_file.parent / name)
        except OSError:
            continue
        if (live.st_dev, live.st_ino) == (info.st_dev, info.st_ino):
            return True
    return False


def remove_leftovers(url: str, *folders: Path) -> list[Path]:
    """Remove the copies of the store that killed backups and restores left (in the store's folder, the given
    folders and, for a PostgreSQL restore's SQL, the temporary folder); returns what was removed."""
    store_file = sqlite_path(url)
    places = {Path(os.path.abspath(f)) for f in folders}
    if store_file is not None:
        places.add(Path(os.path.abspath(store_file)).parent)
    removed = [path for folder in sorted(places) for path in output_files.remove_leftovers(folder)]
    return removed + output_files.remove_leftovers(Path(tempfile.gettempdir()), prefix=f".{RESTORE_STEM}.")


def describe_removed(removed: list[Path]) -> str:
    """One sentence on the leftover copies removed (empty when there were none)."""
    if not removed:
        return ""
    return (f"Removed {len(removed)} leftover copies of the store from interrupted backups/restores: "
            f"{', '.join(str(p) for p in removed)}.")


def backup(engine: Engine, url: str, target: Path, *, progress: Progress | None = None) -> Path:
    """Copy the live store to `target` while agents keep writing; returns the file written.

    The copy is written owner-only under a temporary name in the target's folder, checked, then renamed over
    `target`: a failed backup leaves whatever was at `target` as it was.
    """
    require_owner(engine, "back up the store (it reads every table and key)")
    path = output_files.checked_target(target, "backup")
    store_file = sqlite_path(url)
    if is_live_file(path, store_file):
        raise InvalidInput(f"{target} is the live store itself; give another file name for the backup.")
    with output_files.replacing(path, "backup") as partial:
        _backup_to(engine, url, store_file, partial, progress)
    return path


def _backup_to(engine: Engine, url: str, path: Path | None, target: Path, progress: Progress | None) -> None:
    if engine.dialect.name == "sqlite":
        if path is None:
            raise InvalidInput("An in-memory store cannot be backed up.")
        _sqlite_backup(path, target, progress)
    else:
        _pg_dump(url, target, progress)


def _copy_page_steps(src: sqlite3.Connection, dst: sqlite3.Connection, progress: Progress | None) -> None:
    """SQLite's online backup, a few pages at a time, reporting (done, total) pages."""
    report = (lambda _status, remaining, total: progress(total - remaining, total)) if progress else None
    src.backup(dst, pages=PAGES_PER_STEP, progress=report)


def _sqlite_backup(source: Path, target: Path, progress: Progress | None) -> None:
    src = sqlite3.connect(source, timeout=10)
    dst = sqlite3.connect(target)
    try:
        # Hold one read snapshot for the whole copy: concurrent WAL writers do not restart it.
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _copy_page_steps(src, dst, progress)
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode = DELETE")
        verdict = dst.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise StoreError(f"The backup failed: {exc}; nothing was written.") from None
    finally:
        dst.close()
        src.close()
    if verdict != "ok":
        raise StoreError(f"The backup copy did not check out ({verdict}); nothing was written.")


def _libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The URL for pg_dump/pg_restore without its password (which goes in PGPASSWORD, not on `ps`)."""
    parsed = make_url(normalise_url(url)).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(password=None).render_as_string(hide_password=False), env


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "no output"


def _pg_program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StoreError(f"{name} is not installed; install PostgreSQL's client programs (postgresql-client).")
    return found


def _pg_dump(url: str, target: Path, progress: Progress | None) -> None:
    if progress:
        progress(0, 1)
    dbname, env = _libpq_target(url)
    result = subprocess.run(
        [_pg_program("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", f"--dbname={dbname}"],
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


# Tables whose rows hold free text an abuse mark scrubs (old row versions of it linger until vacuumed).
NARRATIVE_TABLES = ("cases", "followup", "resolution", "escalation", "callback", "draft")


def _vacuum(engine: Engine, statement: str) -> None:
    # VACUUM runs outside any transaction (the SQLite driver connection is in autocommit).
    from calldesk.store.db.uow import translate

    try:
        if engine.dialect.name == "sqlite":
            raw = engine.raw_connection()
            try:
                raw.driver_connection.execute(statement)  # type: ignore[union-attr]
            finally:
                raw.close()
            return
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(statement)
    except sqlite3.Error as exc:
        raise StoreError(f"The store cannot be compacted now: {exc}.") from None
    except Exception as exc:
        translated = translate(exc)
        if translated is None:
            raise
        raise translated from None


def vacuum_after_scrub(engine: Engine) -> None:
    """After an abuse mark on PostgreSQL: VACUUM the tables it touched, so the dead row versions that held the
    narrative are marked free (only their owner may; for other roles PostgreSQL skips it with a warning)."""
    if engine.dialect.name != "postgresql":
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _vacuum(engine, f"VACUUM {', '.join(NARRATIVE_TABLES)}")


def compact(engine: Engine) -> list[str]:
    """Rewrite the store so no old version of scrubbed text survives in its files; returns what was done.

    SQLite: VACUUM (the file is rebuilt; secure_delete already zeroes freed pages) and the WAL truncated.
    PostgreSQL: VACUUM FULL of every calldesk table (rewritten, dead row versions dropped; it locks each table
    while it runs, so do it when the desks are quiet).
    """
    from calldesk.store.db.engine import checkpoint

    if engine.dialect.name == "sqlite":
        _vacuum(engine, "VACUUM")
        return ["vacuumed the file", "emptied the WAL" if checkpoint(engine) else "WAL busy: run again when quiet"]
    require_owner(engine, "compact the store (only a table's owner rewrites it)")
    with engine.connect() as conn:
        tables = sorted(t for t in inspect(conn).get_table_names() if t != "alembic_version")
    quoted = ", ".join(engine.dialect.identifier_preparer.quote(t) for t in tables)
    _vacuum(engine, f"VACUUM (FULL, ANALYZE) {quoted}")
    return [f"rewrote {len(tables)} tables (VACUUM FULL)"]
