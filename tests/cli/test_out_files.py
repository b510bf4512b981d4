"""Every file a command writes (--out FILE, and letter-copy's FILE) is written one way: the target checked before
anything happens (a link, a folder, a missing folder refused in one line, nothing created, nothing audited), a new
owner-only file under a temporary name renamed into place, a failed write leaving the old file as it was."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import func, select

from calldesk.models import AuditEvent, StudentCreate
from calldesk.store.db.engine import checkpoint
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import confidentiality
from tests.cli.test_cli import run
from tests.integration.helpers import call

ROOT = Path(__file__).resolve().parents[2]
T = "{target}"
# Every writer, with what it needs to succeed on the store `_seeded` makes.
WRITERS: dict[str, list[str]] = {
    "export cases jsonl": ["export", "cases", "--out", T],
    "export cases csv": ["export", "cases", "--format", "csv", "--out", T],
    "export cases open311": ["export", "cases", "--format", "open311", "--out", T],
    "export log csv": ["export", "log", "--month", "2026-10", "--out", T],
    "export log xlsx": ["export", "log", "--month", "2026-10", "--format", "xlsx", "--out", T],
    "report monthly table": ["report", "monthly", "--month", "2026-10", "--out", T],
    "report monthly csv": ["report", "monthly", "--month", "2026-10", "--format", "csv", "--out", T],
    "report monthly json": ["report", "monthly", "--month", "2026-10", "--format", "json", "--out", T],
    "report monthly md": ["report", "monthly", "--month", "2026-10", "--format", "md", "--out", T],
    "report quarterly": ["report", "quarterly", "--quarter", "2026Q4", "--out", T],
    "caller export": ["caller", "export", "(213) 555-0142", "--out", T],
    "student record": ["student", "record", "S77", "--out", T],
}
LETTER = ["case", "letter-copy", "2026-000001", T]  # (a new file only; its success is in test_cli_casework.py)


def _args(args: list[str], target: Path | str) -> list[str]:
    return [str(target) if a == T else a for a in args]


def _seeded(store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"]).case.case_number
    with store.uow() as uow:
        confidentiality.add_student(uow, actor=staff["agent"], case_number=number,
                                    data=StudentCreate(name="Leo Gomez", student_ref="S77"))


def _events(store: Store) -> int:
    with store.uow(readonly=True) as uow:
        return int(uow.session.exec(select(func.count()).select_from(AuditEvent)).one())


def _refused(store: Store, args: list[str], message: str) -> None:
    before = _events(store)
    code, out, err = run(store.url, *args)
    assert code == 1 and message in err, (args, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in out + err, (args, err)
    assert _events(store) == before, f"{args} was refused but left an audit event"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_writer_refuses_links_folders_and_missing_folders_and_creates_nothing(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    _seeded(store, staff)
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    victim.chmod(0o644)
    link = tmp_path / "link.out"
    link.symlink_to(victim)
    dangling = tmp_path / "dangling.out"
    dangling.symlink_to(tmp_path / "nowhere.out")
    for name, args in [*WRITERS.items(), ("case letter-copy", LETTER)]:
        new_only = name == "case letter-copy"  # (it never replaces a file: anything already there is refused)
        _refused(store, _args(args, link), "already exists" if new_only else "symbolic link")
        _refused(store, _args(args, dangling), "already exists" if new_only else "symbolic link")
        _refused(store, _args(args, tmp_path), "already exists" if new_only else "is a folder")
        _refused(store, _args(args, "/dev/null"), "already exists" if new_only else "not a regular")
        _refused(store, _args(args, tmp_path / "missing" / "deeper" / "out.txt"), "No folder")
        _refused(store, _args(args, tmp_path / ("n" * 300)), "too long")
    assert victim.read_text() == "keep me" and oct(victim.stat().st_mode & 0o777) == "0o644"
    assert link.is_symlink() and dangling.is_symlink() and not (tmp_path / "nowhere.out").exists()
    assert not (tmp_path / "missing").exists()
    assert not list(tmp_path.glob(".*.partial"))


def test_every_writer_replaces_a_world_readable_file_with_a_new_owner_only_one(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    _seeded(store, staff)
    for name, args in WRITERS.items():
        target = tmp_path / f"{name.replace(' ', '-')}.out"
        target.write_text("old, readable by all")
        target.chmod(0o644)
        old_inode = target.stat().st_ino
        before = _events(store)
        code, out, err = run(store.url, *_args(args, target))
        assert code == 0, (name, err)
        assert oct(target.stat().st_mode & 0o777) == "0o600", name
        assert target.read_bytes() != b"old, readable by all" and target.stat().st_ino != old_inode, name
        assert name == "student record" or _events(store) > before, f"{name} wrote no audit event"
    assert not list(tmp_path.glob(".*.partial"))


def _limited(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_write_that_fails_midway_leaves_the_old_file_and_no_audit_event(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    for i in range(40):  # about 100 kB of export
        call(store, staff["agent"], caller_name=f"Caller {i}", phone=f"21355502{i:02d}", claim="words " * 400)
    assert run(store.url, "export", "cases")[0] == 0  # (the pseudonym key exists: the export writes no row)
    checkpoint(store.engine)
    store.engine.dispose()
    target = tmp_path / "cases.jsonl"
    target.write_text("yesterday's export")
    target.chmod(0o640)
    before = _events(store)
    store.engine.dispose()
    result = subprocess.run([sys.executable, "-m", "calldesk.launch", "--db", store.url, "export", "cases",
                             "--out", str(target)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            preexec_fn=lambda: _limited(65536))  # (above the store's 32 kB -shm)
    assert result.returncode == 1 and "File too large" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert target.read_text() == "yesterday's export" and oct(target.stat().st_mode & 0o777) == "0o640"
    assert not list(tmp_path.glob(".*.partial")) and _events(store) == before


def test_a_hostile_file_name_is_echoed_inert(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    _seeded(store, staff)
    name = "cases \x1b]0;PWNED\x07 \x1b[2J \u202eevil [red]x.jsonl"
    code, out, err = run(store.url, "export", "cases", "--out", str(tmp_path / name))
    assert code == 0 and (tmp_path / name).exists(), err
    assert "\x1b" not in out + err and "\u202e" not in out and "\\x1b]0;PWNED" in out and "[red]x" in out
    code, _, err = run(store.url, "export", "cases", "--out", str(tmp_path / "missing \x1b[2J" / "x.jsonl"))
    assert code == 1 and "\x1b" not in err and "\\x1b[2J" in err
    assert sorted(os.listdir(tmp_path)) == sorted([name, "store"][: 2 if (tmp_path / "store").exists() else 1])
