"""Hostile argv into EVERY command and option of the CLI, enumerated from the app itself (a new command or option
is covered without touching this file): numbers of 2**63 and more, -1 and 0, years 9999 and 0001 in every date,
--out at a folder, a missing folder, a link, a 300-character name or a device, text of 301 and 100,000 characters,
markup and escape sequences. Never a traceback, exit 0, 1 or 2, a refusal in one line, and a refused command
leaves every table of the store (the audit trail included) as it was."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
from sqlalchemy import inspect
from typer.testing import CliRunner

from calldesk.cli import app
from calldesk.models import StudentCreate
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import confidentiality
from tests.integration.helpers import call

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

HUGE = ("9223372036854775808", "18446744073709551616", str(10**30))  # 2**63, 2**64, more
NUMBERS = ("2147483648", "-1", "0")  # beyond PostgreSQL's integer; an option-looking one; zero
MIX = "[red]x[/] [link=https://evil.example]y[/link] \x1b]0;PWNED\x07 \x1b[2J \u202eevil \x9b31m \x01 \x7f end"
TEXTS = ("x" * 301, "y" * 100_000, MIX)  # (argv cannot hold a NUL: \x01 stands in for it)
# Options and arguments holding a date or a time, by name, with their far-future and far-past values.
DATES: dict[str, tuple[str, ...]] = {
    "month": ("9999-12", "0001-01"), "quarter": ("9999Q4", "0001Q1"),
    "when": ("9999-12-31 23:59", "0001-01-01 00:00"), "received": ("9999-12-31 23:59", "0001-01-01 00:00"),
    "steps": ("Call the principal@9999-12-31", "Call the principal@0001-01-01"),
}
DAY = ("9999-12-31", "0001-01-01")
DAY_NAMES = {"since", "until", "due", "on", "closed_before"}
# Commands that serve until stopped: port 0 is a valid port for them (any free one), so with it they would serve
# for ever here (tests/web/test_serve.py and tests/phone start them on port 0 and stop them); every other hostile
# value of theirs is refused before they listen.
SERVERS = (["serve"], ["phone", "listen"])


def _defaults(tmp: Path, numbers: dict[str, str]) -> dict[str, str]:
    """A value for each required parameter (by name) that gets a command past its first checks."""
    empty = tmp / "empty.json"
    empty.write_text("[]")
    return {
        "number": numbers["open"], "into": numbers["other"], "name": "ana", "user": "ana", "role": "agent",
        "languages": "English", "text": "Maria", "typed": "Maria", "who": "2135550142", "ref": "S77",
        "done": "Called the school", "notice": "Letter sent", "outcome": "Resolved", "reason": "Same matter",
        "contact": "Director Smith", "to": "safety", "score": "3", "result": "voicemail", "step": "attach",
        "steps": "Call the principal@2026-12-01", "due": "2026-12-01", "month": "2026-10", "quarter": "2026Q4",
        "closed_before": "2000-01-01", "callback_id": "1", "consent_id": "1", "report_id": "1",
        "path": str(empty), "out_file": str(tmp / "letter-copy.pdf"),
    }


@dataclass(frozen=True)
class Param:
    name: str
    flag: str | None  # the option's first name; None for an argument
    kind: str  # the annotation's name: int, str, Path (the modules' annotations are strings)
    required: bool


def _kind(param: Any) -> str:
    kind = param.bare_type()
    return str(getattr(kind, "__name__", kind)).split("|")[0].strip()


def _commands() -> Iterator[tuple[list[str], list[Param]]]:
    """Every leaf command of the app with its parameters (flags and --help left out)."""
    def walk(command: Any, path: list[str]) -> Iterator[tuple[list[str], list[Param]]]:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                yield from walk(child, [*path, name])
            return
        params = [Param(p.name, p.opts[0] if p.param_type_name == "option" else None, _kind(p), p.required)
                  for p in command.params if p.name and _kind(p) != "bool"]
        yield path, params

    yield from walk(typer.main.get_command(app), [])


def _hostile(param: Param, tmp: Path, index: int) -> list[str]:
    """The hostile values that fit the parameter's type (one of each class)."""
    if param.kind == "int":
        return [HUGE[index % len(HUGE)], *NUMBERS]
    if param.kind == "Path":
        victim = tmp / "victim.txt"
        link = tmp / "link.out"
        if not link.is_symlink():
            victim.write_text("keep me")
            link.symlink_to(victim)
        return [str(tmp), str(tmp / "missing" / "x.out"), str(link), str(tmp / ("n" * 300)), "/dev/zero"]
    dates = DATES.get(param.name) or (DAY if param.name in DAY_NAMES else ())
    return [*dates, *TEXTS]


# Optional parameters given anyway, so that a hostile value elsewhere reaches the work (a meeting needs parties).
GIVEN_ANYWAY = {"parties": "Parent, Principal"}


def _argv(path: list[str], params: list[Param], defaults: dict[str, str], hostile: Param | None,
          value: str) -> list[str]:
    argv = list(path)
    for param in params:
        given = (value if param is hostile else defaults.get(param.name) if param.required
                 else GIVEN_ANYWAY.get(param.name))
        if given is None:
            continue
        argv += [param.flag, given] if param.flag else [given]
    return argv


def _snapshot(store: Store) -> dict[str, int]:
    """Every table's row count (the audit trail's among them), read in one statement."""
    with store.engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
        quoted = [store.engine.dialect.identifier_preparer.quote(t) for t in tables]
        counts = conn.exec_driver_sql("SELECT " + ", ".join(f"(SELECT count(*) FROM {q})" for q in quoted)).one()
    return dict(zip(tables, counts, strict=True))


def _faults(store: Store, argv: list[str], before: dict[str, int]) -> tuple[list[str], dict[str, int]]:
    """Run the CLI in-process: what went wrong (nothing, we hope), and the store's snapshot after it."""
    result = runner.invoke(app, ["--db", store.url, *argv])
    output = result.stdout + result.stderr
    said = f"{[a[:40] for a in argv]}: {output[:200]!r}"
    faults = []
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        faults.append(f"{[a[:40] for a in argv]}: uncaught {type(result.exception).__name__}: "
                      f"{str(result.exception)[:200]!r}")
    elif result.exit_code not in (0, 1, 2) or "Traceback" in output:
        faults.append(f"exit {result.exit_code} or a traceback: {said}")
    lines = result.stderr.strip().splitlines()
    if result.exit_code == 1 and len(lines) > 1 and not all(ln.startswith("row ") for ln in lines[1:]):
        faults.append(f"a refusal of {len(lines)} lines: {said}")
    after = _snapshot(store)
    if result.exit_code != 0 and after != before:
        changed = {t: (before[t], after[t]) for t in after if after[t] != before[t]}
        faults.append(f"refused, but the store changed {changed}: {said}")
    return faults, after


def _check(store: Store, argv: list[str], before: dict[str, int]) -> dict[str, int]:
    faults, after = _faults(store, argv, before)
    assert not faults, faults
    return after


def _seed(store: Store, staff: dict[str, Actor]) -> dict[str, str]:
    opened = call(store, staff["agent"], call_type="complaint", claim="The bus never came.").case.case_number
    other = call(store, staff["agent"], caller_name="Rosa Diaz", phone="3105550199").case.case_number
    with store.uow() as uow:
        confidentiality.add_student(uow, actor=staff["agent"], case_number=opened,
                                    data=StudentCreate(name="Leo Gomez", student_ref="S77"))
    return {"open": opened, "other": other}


def _every_command(store: Store, staff: dict[str, Actor], tmp: Path, *, classes: int | None = None) -> int:
    """Each parameter of each command with each hostile value that fits (or the first `classes` of them)."""
    numbers = _seed(store, staff)
    defaults = _defaults(tmp, numbers)
    before = _snapshot(store)
    argvs = []
    for index, (path, params) in enumerate(_commands()):
        if path == ["demo"]:
            continue  # (it adds thousands of cases by design: its --cases and --seed are covered below)
        argvs += [_argv(path, params, defaults, param, value)
                  for param in params for value in _hostile(param, tmp, index)[:classes]
                  if not (path in SERVERS and param.name == "port" and value == "0")]
    argvs += [["--protocol", value, "case", "list"]
              for value in ("/dev/zero", "x" * 300, MIX, str(tmp / "missing.toml"), str(tmp))]
    argvs += [["demo", *args] for value in (*HUGE, "-1", "0") for args in (["--cases", value],
                                                                        ["--cases", "1", "--seed", value])]
    faults: list[str] = []
    for argv in argvs:  # every fault is listed, not just the first
        found, before = _faults(store, argv, before)
        faults += found
    assert not faults, "\n".join(faults)
    return len(argvs)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_command_and_option_with_hostile_values(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    runs = _every_command(store, staff, tmp_path)
    assert runs > 400  # (every command, every option: a new one adds to this)
    assert (tmp_path / "victim.txt").read_text() == "keep me" and (tmp_path / "link.out").is_symlink()
    assert not (tmp_path / "missing").exists() and not list(tmp_path.glob(".*.partial"))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_every_command_with_hostile_numbers_and_dates_on_postgresql(store: Store, staff: dict[str, Actor],
                                                                    tmp_path: Path) -> None:
    assert _every_command(store, staff, tmp_path, classes=2) > 150


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_refusals_change_nothing_even_where_they_used_to(store: Store, staff: dict[str, Actor],
                                                         tmp_path: Path) -> None:
    _seed(store, staff)
    before = _snapshot(store)
    for argv in (["report", "monthly", "--month", "2026-10", "--format", "bogus"],
                 ["report", "quarterly", "--quarter", "2026Q4", "--out", str(tmp_path)],
                 ["export", "cases", "--out", str(tmp_path)], ["export", "cases", "--out", "/tmp"],
                 ["export", "log", "--month", "2026-10", "--out", str(tmp_path / "no" / "x.csv")],
                 ["caller", "export", "2135550142", "--out", str(tmp_path)]):
        before = _check(store, argv, before)
        assert runner.invoke(app, ["--db", store.url, *argv]).exit_code == 1, argv


def _real(url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calldesk.launch", "--db", url, *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_few_hostile_commands_in_real_processes(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    numbers = _seed(store, staff)
    before = _snapshot(store)
    for argv, said in ((["callback", "done", HUGE[0]], "out of range"),
                       (["--protocol", "/dev/zero", "case", "list"], "not a protocol profile"),
                       (["export", "cases", "--until", "9999-12-31"], "out of range"),
                       (["case", "meeting", numbers["open"], "--when", "9999-12-31 23:59", "--parties", "A, B"],
                        "out of range"),
                       (["export", "cases", "--out", str(tmp_path / ("n" * 300))], "too long"),
                       (["case", "resolve", numbers["open"], "--outcome", "z" * 301], "longer than 200 characters")):
        done = _real(store.url, *argv)
        assert done.returncode == 1 and said in done.stderr, (argv[:3], done.stderr[-300:])
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stdout + done.stderr
        assert "z" * 50 not in done.stderr  # the refusal names the field, it does not echo the text
    # A 100,000-character value quoted by a refusal is cut: the line stays a line a person reads.
    done = _real(store.url, "case", "show", "A" * 100_000)
    assert done.returncode == 1 and "No case numbered AAAA" in done.stderr and len(done.stderr) < 1200
    assert done.stderr.rstrip().endswith("more characters)") and len(done.stderr.strip().splitlines()) == 1
    # A command line the CLI cannot read is refused in one line too (exit 2, as usage errors go), not a box.
    for argv, said in ((["demo", "--cases", "abc"], "Invalid value for '--cases'"),
                       (["case", "show", "-1"], "No such option: -1"), (["nosuch"], "No such command 'nosuch'")):
        done = _real(store.url, *argv)
        assert done.returncode == 2 and done.stderr.startswith(f"error: {said}"), (argv, done.stderr[-300:])
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stdout + done.stderr
    assert _snapshot(store) == before
    code = _real(store.url, "case", "show", numbers["open"], "--json")
    assert code.returncode == 0 and json.loads(code.stdout)["case_number"] == numbers["open"]
