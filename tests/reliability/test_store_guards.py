"""A restore never loses a save and never reads the live store as a backup; a backup never writes over the store's
own files; the copies killed backups and restores leave are found and removed. Real CLI, real stores, real kills."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from calldesk.store.db import maintenance
from calldesk.store.db.engine import sqlite_path
from calldesk.store.db.restore import _pg_exclusive
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.integration.helpers import call
from tests.reliability.test_backup_restore import ROOT, _counts, _writer


def _one_line(err: str) -> bool:
    return len(err.strip().splitlines()) == 1 and "Traceback" not in err


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_postgresql_restore_is_refused_while_another_session_is_connected(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    call(store, staff["agent"], caller_name="In The Backup")
    good = tmp_path / "good.bin"
    assert run(store.url, "db", "backup", str(good))[0] == 0
    call(store, staff["agent"], caller_name="Saved After The Backup")
    before = _counts(store)
    store.engine.dispose()
    with psycopg.connect(_libpq(store.url)) as other:
        for holding in (False, True):  # just connected, then inside a transaction that has read the cases
            if holding:
                other.execute("SELECT count(*) FROM cases").fetchone()
            code, _, err = run(store.url, "db", "restore", str(good), "--force")
            assert code == 1 and "1 other session connected" in err and _one_line(err), err
            other.rollback()
        # The check inside the restore's own transaction (a desk connecting after the first check) refuses too.
        with (psycopg.connect(_libpq(store.url)) as restorer, restorer.cursor() as cursor,
              pytest.raises(psycopg.errors.RaiseException, match="1 other session")):
            cursor.execute(_pg_exclusive())
    assert _counts(store) == before
    # Desks saving while a restore is asked for: it is refused and every acknowledged save is kept.
    store.engine.dispose()
    writer = _writer(store.url, "pat", 60)
    deadline = time.monotonic() + 60
    while _counts(store)[0] == before[0]:
        assert time.monotonic() < deadline and writer.poll() is None, "the writer never committed"
        time.sleep(0.05)
    store.engine.dispose()
    code, _, err = run(store.url, "db", "restore", str(good), "--force")
    assert code == 1 and "other session" in err and _one_line(err), err
    _, werr = writer.communicate(timeout=120)
    assert writer.returncode == 0, werr[-400:]
    assert _counts(store)[0] == before[0] + 60
    store.engine.dispose()  # nobody else connected: the restore goes through
    code, _, err = run(store.url, "db", "restore", str(good), "--force")
    assert code == 0, err
    assert _counts(store)[0] == 1 and maintenance.check(store.engine).ok


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_live_store_is_never_restored_from_nor_backed_up_over(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    call(store, staff["agent"], caller_name="First Caller")
    call(store, staff["agent"], caller_name="Second Caller")
    live = sqlite_path(store.url)
    assert live is not None
    folder_link = tmp_path / "folder-link"
    folder_link.symlink_to(live.parent, target_is_directory=True)
    file_link = tmp_path / "store-link.db"
    file_link.symlink_to(live)
    hard = tmp_path / "hard-link.db"
    os.link(live, hard)
    before = _counts(store)
    store.engine.dispose()  # (a restore that got this far would otherwise be refused for a busy store)
    for source in (live, folder_link / live.name, file_link, hard, live.parent / ".." / live.parent.name / live.name):
        code, _, err = run(store.url, "db", "restore", str(source), "--force")
        assert code == 1 and "is the live store itself" in err and _one_line(err), (source, err)
        assert _counts(store) == before, source
    journal = live.parent / f"{live.name}-journal"
    for name in (f"{live.name}-journal", f"{live.name}-wal", f"{live.name}-shm", live.name):
        code, _, err = run(store.url, "db", "backup", str(folder_link / name))
        assert code == 1 and "live store itself" in err and _one_line(err), (name, err)
    assert not journal.exists()  # a stray -journal beside the store would be rolled back into it
    assert _counts(store) == before and maintenance.check(store.engine).ok
    assert not list(live.parent.glob(".*.partial"))


def _dead_pid() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    return int(finished.stdout)


def _cli(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "calldesk.launch", "--db", url, *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_killed_backup_leaves_a_copy_the_next_backup_removes(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    call(store, staff["agent"])
    store.engine.dispose()
    target = tmp_path / "nightly.bin"
    with psycopg.connect(_libpq(store.url)) as blocker:
        blocker.execute("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE")  # pg_dump waits here, mid-backup
        backup = _cli(store.url, "db", "backup", str(target))
        try:
            deadline = time.monotonic() + 60
            while not list(tmp_path.glob(".nightly.bin.calldesk-*.partial")):
                assert time.monotonic() < deadline and backup.poll() is None, backup.communicate()
                time.sleep(0.02)
        finally:
            os.killpg(backup.pid, signal.SIGKILL)  # the backup and its pg_dump, as a closed terminal would
            backup.communicate(timeout=30)
            blocker.rollback()
    left = list(tmp_path.glob(".nightly.bin.calldesk-*.partial"))
    assert len(left) == 1 and not target.exists()
    code, out, err = run(store.url, "db", "backup", str(target))
    assert code == 0, err
    assert "Removed 1 leftover copies of the store from interrupted backups/restores" in out and left[0].name in out
    assert not left[0].exists() and target.exists()
    assert not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_db_check_removes_the_copies_of_killed_restores_and_keeps_those_in_use(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    call(store, staff["agent"])
    live = sqlite_path(store.url)
    assert live is not None
    dead = _dead_pid()
    killed = live.parent / f".restore.calldesk-{dead}-abcd1234.partial"  # a restore's staging copy and journal
    killed.write_bytes(live.read_bytes())
    Path(f"{killed}-journal").write_bytes(b"\0" * 512)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # Written an hour before the process now holding that id started: its maker is gone (the id was reused).
        reused = live.parent / f".restore.calldesk-{sleeper.pid}-reused00.partial"
        reused.write_bytes(b"copy")
        os.utime(reused, (time.time() - 3600, time.time() - 3600))
        running = live.parent / f".restore.calldesk-{sleeper.pid}-running0.partial"  # still being written
        running.write_bytes(b"copy")
        ours = maintenance.RESTORE_STEM
        pg_folder = Path(tempfile.gettempdir()) / f".{ours}.calldesk-{dead}-pgsql000.partial"
        pg_folder.mkdir()
        (pg_folder / "restore.sql").write_text("COPY public.cases ...")
        unrelated = live.parent / f".notes.{dead}.partial"  # not a calldesk name: never touched
        unrelated.write_text("mine")
        code, out, err = run(store.url, "db", "check")
        assert code == 0, err
        line = next(ln for ln in out.splitlines() if ln.startswith("Removed "))
        assert line.startswith("Removed 4 leftover copies of the store from interrupted backups/restores: ")
        assert all(str(p) in line for p in (killed, Path(f"{killed}-journal"), reused, pg_folder))
        assert not killed.exists() and not Path(f"{killed}-journal").exists() and not reused.exists()
        assert not pg_folder.exists() and running.exists() and unrelated.exists()
        code, out, _ = run(store.url, "db", "check", "--json")
        assert code == 0 and '"leftovers_removed": []' in out and "Removed" not in out
    finally:
        sleeper.kill()
        sleeper.wait()
    # The same file at the next restore: its maker (that process) is gone now.
    code, out, err = run(store.url, "db", "restore", str(tmp_path / "missing.bin"))
    assert code == 1 and "No backup file" in err and "Removed 1 leftover copies" in out and not running.exists()
