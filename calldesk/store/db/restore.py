"""Restoring a backup: verified in full before anything is swapped; a failed restore leaves the store as it was.

SQLite: the backup is checked (SQLite header, integrity, foreign keys, a known schema revision, every table,
index and trigger of that revision), copied to a staging file beside the store, upgraded, given the replaced
store's audit events and one of its own, checked again, and only then copied into the store in one step.
PostgreSQL: the dump is listed and turned into SQL (a truncated dump fails here), then replayed in ONE
transaction that moves the old schema aside, restores, checks the revision and the audit triggers, carries the
replaced audit events over, records the restore and drops the old schema; any error rolls all of it back.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import Engine, text

from calldesk import output_files
from calldesk.errors import InvalidInput, StoreError
from calldesk.models import utcnow
from calldesk.store.db.engine import SQLITE_MAGIC, make_engine, sqlite_path
from calldesk.store.db.maintenance import (
    NOTIFY_SINCE,
    NOTIFY_TRIGGER,
    RESTORE_STEM,
    Progress,
    _copy_page_steps,
    _libpq_target,
    _pg_program,
    is_live,
    is_live_file,
)
from calldesk.store.db.ownership import require_owner
from calldesk.store.db.schema import HEAD, upgrade
from calldesk.store.db.users import Actor

# A backup at an older one is upgraded after the checks; 0008 and 0009 were earlier releases' (their backups restore).
KNOWN_REVISIONS = ("0001", "0003", "0008", "0009", HEAD)
AUDIT_COLUMNS = "at, actor, action, entity, entity_id, case_id, field, old, new, changes"
REPLACED = "replaced "  # prefix of the action of an event carried over from the store a restore replaced
PG_TRIGGERS = ("auditevent_no_change", "auditevent_no_truncate")


def restore(engine: Engine, url: str, source: Path, *, actor: Actor, force: bool,
            progress: Progress | None = None) -> None:
    """Replace the store's contents with the backup at `source`; refuses a live store unless `force`."""
    require_owner(engine, "restore the store")
    source = source.expanduser()
    try:
        info = os.stat(source)
    except OSError:
        raise InvalidInput(f"No backup file at {source}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{source} is not a regular file; nothing was restored.")
    if is_live_file(source, sqlite_path(url)):  # its main file without its WAL: saves would be lost
        raise InvalidInput(f"{source} is the live store itself, not a backup of it; nothing was restored.")
    if not force and is_live(engine):
        raise InvalidInput("The store holds live data; add --force to overwrite it with the backup.")
    if engine.dialect.name == "sqlite":
        _sqlite_restore(engine, url, source, actor, progress)
    else:
        _pg_restore(engine, url, source, actor, progress)


# --- SQLite ---------------------------------------------------------------------------------------------

@functools.cache
def _reference_schema(revision: str) -> frozenset[tuple[str, str, str]]:
    """(type, name, sql) of every table, index and trigger a store at `revision` has."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'reference.db'}")
        upgrade(engine, revision)
        engine.dispose()
        conn = sqlite3.connect(Path(folder) / "reference.db")
        try:
            return _schema_of(conn)
        finally:
            conn.close()


def _schema_of(conn: sqlite3.Connection) -> frozenset[tuple[str, str, str]]:
    rows = conn.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master "
                        "WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%'")
    return frozenset((kind, name, " ".join(sql.split())) for kind, name, sql in rows)


def _verify_sqlite_backup(source: Path) -> str:
    """The backup's schema revision, or InvalidInput saying why it is not a whole calldesk backup."""
    refused = f"{source} is not a calldesk backup"
    with open(source, "rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise InvalidInput(f"{refused} (not a SQLite database); nothing was restored.")
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise InvalidInput(f"{refused} ({exc}); nothing was restored.") from None
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise InvalidInput(f"{source} is damaged ({verdict}); nothing was restored.")
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise InvalidInput(f"{source} has rows pointing at missing rows; nothing was restored.")
        schema = _schema_of(conn)
        if ("table", "alembic_version") not in {(k, n) for k, n, _ in schema}:
            raise InvalidInput(f"{refused} (no calldesk schema); nothing was restored.")
        revisions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.Error as exc:
        raise InvalidInput(f"{refused} ({exc}); nothing was restored.") from None
    finally:
        conn.close()
    if len(revisions) != 1 or revisions[0] not in KNOWN_REVISIONS:
        raise InvalidInput(f"{refused} (unknown schema revision {revisions}); nothing was restored.")
    missing = _reference_schema(revisions[0]) - schema
    extra = {(k, n) for k, n, _ in schema} - {(k, n) for k, n, _ in _reference_schema(revisions[0])}
    if missing or extra:
        names = sorted({n for _, n, _ in missing} | {n for _, n in extra})
        raise InvalidInput(f"{refused}: its tables, indexes or triggers differ from calldesk's "
                           f"({', '.join(names[:5])}); nothing was restored.")
    return revisions[0]


def _replaced(event: tuple[object, ...]) -> tuple[object, ...]:
    """An event of the replaced store, as kept in the restored trail: its action marked, no case id (the
    restored store may reuse that id for another case)."""
    at, actor, action, entity, entity_id, _case_id, field, old, new, changes = event
    marked = action if str(action).startswith(REPLACED) else f"{REPLACED}{action}"[:60]
    return at, actor, marked, entity, entity_id, None, field, old, new, changes


def _carry_trail(live: Path, staged: sqlite3.Connection, source: Path, actor: Actor) -> None:
    """The replaced store's audit events the backup lacks, then the restore's own event."""
    old = sqlite3.connect(live, timeout=10)
    try:
        events = old.execute(f"SELECT {AUDIT_COLUMNS} FROM auditevent ORDER BY id").fetchall()
    except sqlite3.Error:
        events = []  # the store being replaced is not readable: the backup's trail is all there is
    finally:
        old.close()
    present = set(staged.execute(f"SELECT {AUDIT_COLUMNS} FROM auditevent").fetchall())
    carried = [_replaced(e) for e in events if e not in present]
    marks = ", ".join("?" * len(AUDIT_COLUMNS.split(",")))
    staged.executemany(f"INSERT INTO auditevent ({AUDIT_COLUMNS}) VALUES ({marks})", carried)
    at = utcnow().replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    staged.execute(f"INSERT INTO auditevent ({AUDIT_COLUMNS}) VALUES ({marks})",
                   (at, actor.username, "store.restore", "store", source.name[:64], None, "events_carried_over",
                    None, str(len(carried)), json.dumps({"events_carried_over": [None, str(len(carried))]})))
    staged.commit()


def _sqlite_restore(engine: Engine, url: str, source: Path, actor: Actor, progress: Progress | None) -> None:
    path = sqlite_path(url)
    if path is None:
        raise InvalidInput("An in-memory store cannot be restored into.")
    revision = _verify_sqlite_backup(source)
    try:
        staged_path = output_files.partial_file(path.parent, RESTORE_STEM)
    except OSError as exc:
        raise StoreError(f"Cannot stage the restore beside the store: {exc.strerror}; nothing was restored.") from None
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
        staged = sqlite3.connect(staged_path)
        try:
            src.backup(staged)
        finally:
            src.close()
            staged.close()
        if revision != HEAD:
            staged_engine = make_engine(f"sqlite:///{staged_path}")
            upgrade(staged_engine)
            staged_engine.dispose()
        staged = sqlite3.connect(staged_path)
        try:
            staged.execute("PRAGMA journal_mode = DELETE")
            _carry_trail(path, staged, source, actor)
            if staged.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise StoreError("The restored copy did not check out; nothing was restored.")
            engine.dispose()
            dst = sqlite3.connect(path, timeout=2)
            try:
                # Out of WAL mode first (this folds and removes the WAL, and needs every other desk idle):
                # frames left in a WAL would later be checkpointed over the restored pages.
                try:
                    mode = dst.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
                except sqlite3.OperationalError:
                    mode = "busy"
                if mode != "delete":
                    raise StoreError("The store is in use (a desk is saving or reading); close the desks and "
                                     "restore again. Nothing was restored.")
                _copy_page_steps(staged, dst, progress)  # one transaction on the store: all of it or nothing
                dst.execute("PRAGMA journal_mode = WAL")
            finally:
                dst.close()
        finally:
            staged.close()
    except sqlite3.Error as exc:
        raise StoreError(f"The restore failed ({exc}); the store was left as it was.") from None
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(staged_path) + suffix).unlink(missing_ok=True)


# --- PostgreSQL -----------------------------------------------------------------------------------------

def _pg_checks(actor: Actor, source: Path) -> str:
    """SQL run inside the restore's transaction, after the dump: refuse, carry the trail, record the restore."""
    known = ", ".join(f"'{r}'" for r in KNOWN_REVISIONS)
    triggers = ", ".join(f"'{t}'" for t in PG_TRIGGERS)
    who = actor.username.replace("'", "''")
    what = source.name[:64].replace("'", "''")
    carried_columns = AUDIT_COLUMNS.replace(
        "action", f"CASE WHEN o.action LIKE '{REPLACED}%' THEN o.action ELSE left('{REPLACED}' || o.action, 60) END"
    ).replace("case_id", "NULL")
    same = " AND ".join(f"n.{c} IS NOT DISTINCT FROM o.{c}" for c in AUDIT_COLUMNS.split(", "))
    return f"""
DO $calldesk$ BEGIN
  IF (SELECT count(*) FROM public.alembic_version WHERE version_num IN ({known})) <> 1 THEN
    RAISE EXCEPTION 'calldesk: the backup has no known calldesk schema revision';
  END IF;
  IF (SELECT count(*) FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
      JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
      WHERE s.nspname = 'public' AND c.relname = 'auditevent' AND t.tgname IN ({triggers})) <> 2 THEN
    RAISE EXCEPTION 'calldesk: the backup lacks the audit trail''s append-only triggers';
  END IF;
  IF (SELECT max(version_num) FROM public.alembic_version) >= '{NOTIFY_SINCE}' AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
      JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
      WHERE s.nspname = 'public' AND c.relname = 'cases' AND t.tgname = '{NOTIFY_TRIGGER}') THEN
    RAISE EXCEPTION 'calldesk: the backup lacks the cases_changed trigger (open queues would not be live)';
  END IF;
END $calldesk$;
WITH carried AS (
  INSERT INTO public.auditevent ({AUDIT_COLUMNS})
  SELECT {carried_columns} FROM calldesk_replaced.auditevent o
  WHERE NOT EXISTS (SELECT 1 FROM public.auditevent n WHERE {same}) ORDER BY o.id
  RETURNING 1)
INSERT INTO public.auditevent ({AUDIT_COLUMNS})
SELECT now(), '{who}', 'store.restore', 'store', '{what}', NULL, 'events_carried_over', NULL, n::text,
       json_build_object('events_carried_over', json_build_array(NULL, n::text))::text
FROM (SELECT count(*) AS n FROM carried) c;
DROP SCHEMA calldesk_replaced CASCADE;
"""


def _enforcement() -> str:
    """psql lines run after the dump, in the restore's transaction: refuse a backup that holds anything calldesk
    did not make (calldesk.store.db.security_check), then make calldesk's own enforcement again over what it holds
    (a backup at the newest revision; an older one gets it from `calldesk db upgrade`)."""
    from calldesk.store.db import security, security_check

    made = ";\n".join(security.statements())
    return (f"{security_check.refuse_extras_sql(also_schemas=('calldesk_replaced',))}\n"
            f"SELECT max(version_num) = '{HEAD}' AS calldesk_at_head FROM public.alembic_version \\gset\n"
            f"\\if :calldesk_at_head\n{made};\n"
            f"{security.STAMP_SQL};\n\\endif")


# Client sessions of the store's database other than this one (autovacuum and the like are not counted).
OTHER_SESSIONS = ("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = current_database() "
                  "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")


def _sessions_refusal(count: int) -> str:
    return (f"The store's database has {count} other session{'s' if count != 1 else ''} connected (desks, scripts or "
            "tools that could save meanwhile); close them and restore again. Nothing was restored.")


def _refuse_other_sessions(engine: Engine) -> None:
    """A desk saving during the swap would save into the replaced schema, dropped at the end: its acknowledged
    save would be lost. So a restore needs the database to itself (the restore's transaction checks again)."""
    engine.dispose()  # this process's own pooled connections are not other sessions
    with engine.connect() as conn:
        count = int(conn.execute(text(OTHER_SESSIONS)).scalar_one())
    engine.dispose()
    if count:
        raise StoreError(_sessions_refusal(count))


def _pg_exclusive() -> str:
    """SQL run first in the restore's transaction: every calldesk table locked (a desk connecting now waits, and
    then writes into the restored tables), then refused if any other session is connected."""
    refusal = _sessions_refusal(0).replace("0 other sessions", "% other session(s)").replace("'", "''")
    return f"""
SET LOCAL lock_timeout = '10s';
DO $calldesk$ DECLARE t record; n integer; BEGIN
  FOR t IN SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('LOCK TABLE public.%I IN ACCESS EXCLUSIVE MODE', t.tablename);
  END LOOP;
  {OTHER_SESSIONS.replace("SELECT count(*)", "SELECT count(*) INTO n")};
  IF n > 0 THEN RAISE EXCEPTION '{refusal}', n; END IF;
END $calldesk$;
"""


def _pg_restore(engine: Engine, url: str, source: Path, actor: Actor, progress: Progress | None) -> None:
    if progress:
        progress(0, 2)
    listing = subprocess.run([_pg_program("pg_restore"), "--list", str(source)], capture_output=True, text=True,
                             check=False)
    needed = ("TABLE DATA public cases", "TABLE DATA public alembic_version", "TABLE DATA public auditevent",
              *(f"TRIGGER public auditevent {t}" for t in PG_TRIGGERS))
    if listing.returncode != 0 or not all(n in listing.stdout for n in needed):
        raise InvalidInput(f"{source} is not a calldesk PostgreSQL backup; nothing was restored.")
    dbname, env = _libpq_target(url)
    folder = output_files.partial_folder(RESTORE_STEM)  # owner-only: it holds the data; a killed run's is removed
    try:
        script = folder / "restore.sql"
        made = subprocess.run([_pg_program("pg_restore"), "--no-owner", f"--file={script}", str(source)],
                              capture_output=True, text=True, check=False)
        if made.returncode != 0:
            raise InvalidInput(f"{source} is damaged or truncated ({_last(made.stderr)}); nothing was restored.")
        if progress:
            progress(1, 2)
        _refuse_other_sessions(engine)
        wrapper = folder / "wrapper.sql"
        wrapper.write_text(
            f"\\set ON_ERROR_STOP on\nBEGIN;\n{_pg_exclusive()}\nALTER SCHEMA public RENAME TO calldesk_replaced;\n"
            "CREATE SCHEMA public;\n"
            f"\\i {script}\n{_enforcement()}\n{_pg_checks(actor, source)}\nCOMMIT;\n", encoding="utf-8")
        engine.dispose()
        result = subprocess.run([_pg_program("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", f"--file={wrapper}",
                                 f"--dbname={dbname}"], capture_output=True, text=True, check=False, env=env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if result.returncode != 0:
        raise StoreError(f"The restore failed and was rolled back, the store is unchanged: {_last(result.stderr)}")
    if progress:
        progress(2, 2)


def _last(text: str) -> str:
    """psql's or pg_restore's reason in one line: its last ERROR (not the CONTEXT after it), else its last line."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    errors = [line.split("ERROR:", 1)[1].strip() for line in lines if "ERROR:" in line]
    if errors:
        return errors[-1].removeprefix("calldesk: ")
    return lines[-1].removeprefix("psql:").strip() if lines else "no output"
