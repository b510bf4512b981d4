"""Backups that cannot destroy and restores that cannot empty, on both backends, with the real CLI."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import func, select

from calldesk.models import AuditEvent, Case
from calldesk.store.db import maintenance
from calldesk.store.db.engine import sqlite_path
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.integration.helpers import call

ROOT = Path(__file__).resolve().parents[2]


def _counts(store: Store) -> tuple[int, int, int]:
    with store.uow(readonly=True) as uow:
        cases = uow.session.exec(select(func.count()).select_from(Case)).one()
        events = uow.session.exec(select(func.count()).select_from(AuditEvent)).one()
        restores = uow.session.exec(select(func.count()).select_from(AuditEvent)
                                    .where(AuditEvent.action == "store.restore")).one()
    return cases, events, restores


def test_backup_refuses_the_store_itself_links_devices_and_missing_folders(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    call(store, staff["agent"])
    before = _counts(store)
    refused: list[tuple[str, str]] = [(str(tmp_path / "no" / "such" / "folder.bin"), "No folder")]
    live = sqlite_path(store.url)
    if live is not None:
        refused += [(str(live), "live store itself"), (f"{live}-wal", "live store itself"),
                    (str(live.parent / ".." / live.parent.name / live.name), "live store itself")]
        hard = tmp_path / "hard-link.db"
        os.link(live, hard)
        refused.append((str(hard), "live store itself"))
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.bin"
    link.symlink_to(victim)
    refused += [(str(link), "symbolic link"), ("/dev/full", "not a regular file"), (str(tmp_path), "folder")]
    for target, message in refused:
        code, out, err = run(store.url, "db", "backup", target)
        assert code == 1 and message in err and len(err.strip().splitlines()) == 1, (target, err)
    assert victim.read_text() == "keep me" and link.is_symlink()
    assert Path("/dev/full").is_char_device()
    assert not list(tmp_path.glob(".*.partial"))
    assert _counts(store) == before
    assert maintenance.check(store.engine).ok


def _writer(url: str, user: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.integration.writer", url, user, str(count)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
@pytest.mark.serial  # a writer process races the backup
def test_backup_under_load_holds_what_the_writer_committed_before_it_started(
        store: Store, staff: dict[str, Actor], tmp_path: Path, backend: str) -> None:
    for i in range(10):
        call(store, staff["agent"], caller_name=f"Before {i}", phone=f"21355501{i:02d}")
    start = _counts(store)[0]
    writer = _writer(store.url, "pat", 120)
    deadline = time.monotonic() + 60
    while _counts(store)[0] <= start:  # the writer has committed at least once before the backup starts
        assert time.monotonic() < deadline and writer.poll() is None, "the writer never committed"
        time.sleep(0.05)
    at_start = _counts(store)[0]
    target = tmp_path / "live-backup.bin"
    code, out, err = run(store.url, "db", "backup", str(target))
    assert code == 0, err
    _, werr = writer.communicate(timeout=180)
    assert writer.returncode == 0, werr[-400:]
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    # A restore needs the desks closed: it says so while one holds the store (this test's own connection).
    code, _, err = run(store.url, "db", "restore", str(target), "--force")
    # (On PostgreSQL this test's store may hold two: a case's number is taken on a connection of its own.)
    said = "close the desks" if backend == "sqlite" else r"\d+ other sessions? connected"
    assert code == 1 and re.search(said, err) and _counts(store)[0] >= start + 120, err
    store.engine.dispose()
    assert run(store.url, "db", "restore", str(target), "--force")[0] == 0
    cases, _, restores = _counts(store)
    assert cases >= at_start > start and restores == 1
    report = maintenance.check(store.engine)
    assert report.ok, report.problems
    with store.uow(readonly=True) as uow:
        audited = uow.session.exec(select(func.count(func.distinct(AuditEvent.case_id)))
                                   .where(AuditEvent.action == "case.open")).one()
        carried = uow.session.exec(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.action == "replaced case.open")).one()
        note = uow.session.exec(select(AuditEvent.new).where(AuditEvent.action == "store.restore")).one()
    # Every restored case has its trail; the cases the restore replaced keep theirs, marked as replaced.
    assert audited == cases and carried >= start + 120 - cases, (note, carried, cases)


def _truncated(backup: Path, tmp_path: Path) -> Path:
    data = backup.read_bytes()
    cut = tmp_path / "truncated.bin"
    cut.write_bytes(data[: int(len(data) * 0.7)])
    return cut


def test_truncated_and_fake_backups_leave_the_store_unchanged(
        store: Store, staff: dict[str, Actor], tmp_path: Path, backend: str) -> None:
    call(store, staff["agent"], caller_name="Kept Caller")
    good = tmp_path / "good.bin"
    assert run(store.url, "db", "backup", str(good))[0] == 0
    call(store, staff["agent"], caller_name="After Backup")
    before = _counts(store)
    fakes = [_truncated(good, tmp_path)]
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"PGDMP" + os.urandom(4000) if backend == "postgres" else b"SQLite format 3\x00" + bytes(4000))
    fakes.append(junk)
    if backend == "sqlite":
        lookalike = tmp_path / "lookalike.db"
        conn = sqlite3.connect(lookalike)
        conn.executescript("CREATE TABLE cases (x); CREATE TABLE auditevent (y); CREATE TABLE alembic_version "
                           "(version_num); INSERT INTO alembic_version VALUES ('0002');")
        conn.close()
        no_triggers = tmp_path / "no-triggers.db"
        no_triggers.write_bytes(good.read_bytes())
        conn = sqlite3.connect(no_triggers)
        conn.executescript("DROP TRIGGER auditevent_no_update; DROP TRIGGER auditevent_no_delete;")
        conn.close()
        fakes += [lookalike, no_triggers]
    store.engine.dispose()  # (a restore needs every desk closed: the fakes must be refused for what they are)
    for fake in fakes:
        code, out, err = run(store.url, "db", "restore", str(fake), "--force")
        assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in out + err, (fake, err)
        assert _counts(store) == before, fake
        assert maintenance.check(store.engine).ok
    # The store is still usable and a real backup still restores through the CLI.
    store.engine.dispose()  # (a SQLite restore needs every desk closed)
    assert run(store.url, "db", "restore", str(good), "--force")[0] == 0
    code, out, _ = run(store.url, "case", "list", "--json")
    assert code == 0 and [c["caller_name"] for c in json.loads(out)] == ["Kept Caller"]


def test_read_only_commands_on_a_mistyped_path_create_nothing_and_chmod_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "calldesk.db"
    plain = tmp_path / "notes.txt"
    plain.write_text("not a store")
    plain.chmod(0o644)
    for url in (f"sqlite:///{missing}", f"sqlite:///{tmp_path / 'typo.db'}", f"sqlite:///{plain}",
                "sqlite:////dev/null"):
        for args in (["case", "list"], ["user", "list"], ["db", "check"]):
            code, out, err = run(url, *args)
            assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in out + err, (url, err)
    assert not missing.parent.exists() and not (tmp_path / "typo.db").exists()
    assert oct(plain.stat().st_mode & 0o777) == "0o644" and plain.read_text() == "not a store"
    assert oct(Path("/dev/null").stat().st_mode & 0o777) == "0o666"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_second_os_user_gets_one_line(store: Store, tmp_path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("needs root to run a process as another OS user")
    path = sqlite_path(store.url)
    assert path is not None
    for folder in (path.parent, *path.parents):  # let nobody reach the folder, not the file (still 0600)
        if folder == Path("/"):
            break
        folder.chmod(folder.stat().st_mode | 0o011)
    result = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable,
                             "-m", "calldesk.launch", "--db", store.url, "case", "list"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "HOME": "/nonexistent", "XDG_CONFIG_HOME": "/nonexistent/config"})
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: The store") and "another OS user" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # SQLite's queue reads a change counter instead
def test_db_check_on_postgresql_finds_the_queue_notify_trigger_missing(store: Store) -> None:
    assert store.engine.dialect.name == "postgresql"
    assert maintenance.check(store.engine).ok
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER cases_changed ON cases")
    try:
        problems = maintenance.check(store.engine).problems
        assert any("cases_changed" in p and "queues" in p for p in problems)
    finally:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TRIGGER cases_changed AFTER INSERT OR UPDATE OR DELETE ON cases "
                                 "FOR EACH STATEMENT EXECUTE FUNCTION calldesk_cases_changed()")
