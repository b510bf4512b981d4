"""What a command reads besides its arguments (a letter's words from --text-file, a password from standard input)
is read as far as it may be long, and only from a regular file: /dev/zero, a named pipe or an endless stream is
refused in one line, at once, in a real process held to 1 GB of memory, the store unchanged (both backends)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import func
from sqlmodel import select

from calldesk.models import WebAccount
from tests.cli.test_cli import run
from tests.conftest import Team
from tests.reliability.test_hostile_argv import ROOT

MEMORY = 1 << 30


def _held() -> None:  # (in the child: an endless read ends in a MemoryError, not in the machine's swap)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _real(db_url: str, *argv: str, stdin: IO[bytes] | int = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "calldesk.launch", "--db", db_url, *argv], cwd=ROOT, stdin=stdin,
                          capture_output=True, text=True, timeout=60, preexec_fn=_held)


def _one_line(done: subprocess.CompletedProcess[str], said: str) -> None:
    assert done.returncode == 1 and done.stderr.startswith(f"error: {said}"), done.stderr[-500:]
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stdout + done.stderr


def _case(db_url: str, tmp_path: Path) -> str:
    source = tmp_path / "call.json"
    source.write_text('[{"caller_name": "Maria Gomez", "phone": "2135550142", "category": "Transportation", '
                      '"call_type": "complaint", "claim": "The bus never came."}]')
    code, _, err = run(db_url, "case", "import", str(source))
    assert code == 0, err
    return "2026-1"


def test_a_letters_words_are_never_read_from_a_device_or_a_pipe(db_url: str, tmp_path: Path) -> None:
    number = _case(db_url, tmp_path)
    pipe = tmp_path / "words"
    os.mkfifo(pipe)  # (opened, it would wait for a writer for ever)
    for source in ("/dev/zero", str(pipe), str(tmp_path)):
        _one_line(_real(db_url, "case", "letter", number, "submit", "--text-file", source),
                  f"{source} is not a file of text")
    big = tmp_path / "big.txt"
    big.write_text("é" * 100_001, encoding="utf-8")  # 200,002 bytes
    _one_line(_real(db_url, "case", "letter", number, "submit", "--text-file", str(big)),
              f"{big} is larger than a letter (200000 bytes at most)")
    code, out, _ = run(db_url, "case", "letter", number, "show")
    assert code == 1 or "(no text drafted yet)" in out  # nothing drafted by the refusals


def _respondent(db_url: str) -> None:
    code, _, err = run(db_url, "user", "add", "rex", "--role", "respondent", "--places", "Roosevelt High")
    assert code == 0, err


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # (PostgreSQL: with a team's login, below)
def test_a_password_on_standard_input_is_read_no_further_than_a_password(db_url: str) -> None:
    _respondent(db_url)
    with open("/dev/zero", "rb") as endless:  # one line that never ends
        _one_line(_real(db_url, "serve", "respondent", "add", "rex", "--password-stdin", stdin=endless),
                  "A password has 12 to 200 characters.")
    code, out, _ = run(db_url, "db", "check", "--json")
    assert code == 0 and json.loads(out)["tables"]["webaccount"] == 0


NO_TERMINAL = "No terminal to type the password at: give it on standard input with --password-stdin."


def test_a_password_is_asked_for_only_once_the_admin_may_set_it_and_only_at_a_terminal(db_url: str,
                                                                                       backend: str) -> None:
    _respondent(db_url)
    # No terminal and no --password-stdin: one line saying how, not Python's warning that the echo is on (on
    # PostgreSQL, a respondent with no database login yet is told so first: tests/cli below, with a team's login).
    _one_line(_real(db_url, "serve", "respondent", "add", "rex"),
              NO_TERMINAL if backend == "sqlite" else "rex has no database login yet")
    # Someone who is no respondent: refused before any password is asked for.
    done = _real(db_url, "serve", "respondent", "add", "nobody")
    _one_line(done, "'nobody' is not a calldesk user")
    assert "Password" not in done.stdout


def _set_password(db_url: str, name: str, typed: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "calldesk.launch", "--db", db_url, "serve", "respondent", "add", name,
                           "--password-stdin"], cwd=ROOT, input=typed, capture_output=True, timeout=60)


UNTYPABLE = (b"good-passw\x00rd-1\n", b"good\tpassword-1\n", b"good-password-1\x1b[2J\n")


def _untypable_refused(db_url: str, name: str) -> None:
    for typed in UNTYPABLE:
        done = _set_password(db_url, name, typed)
        assert done.returncode == 1 and done.stderr.decode().startswith(
            "error: A password has no control characters"), done.stderr[-300:]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_password_a_browser_cannot_type_is_refused(db_url: str) -> None:
    # A NUL, a tab or an escape was kept in the hash: the respondent could never type it at the sign-in page.
    _respondent(db_url)
    _untypable_refused(db_url, "rex")
    code, out, _ = run(db_url, "db", "check", "--json")
    assert json.loads(out)["tables"]["webaccount"] == 0
    done = _set_password(db_url, "rex", b"good-password-1\r\n")  # (a line ending written by Windows ends the line)
    assert done.returncode == 0 and b"rex may sign in at /respond." in done.stdout, done.stderr[-300:]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_password_a_browser_cannot_type_is_refused_through_the_owners_login(team: Team) -> None:
    # An admin's own login may not give a login a password (PostgreSQL: the owner's, or CREATEROLE): told so in one
    # line before any password is asked for; the owner's login reads it, and refuses what a browser cannot type.
    with open("/dev/zero", "rb") as endless:
        done = _real(team.url("adm"), "serve", "respondent", "add", team.name("rex"), "--password-stdin",
                     stdin=endless)
    _one_line(done, "Only the store's owner login")
    _untypable_refused(team.db_url, team.name("rex"))
    _one_line(_real(team.db_url, "serve", "respondent", "add", team.name("rex")), NO_TERMINAL)
    with open("/dev/zero", "rb") as endless:
        _one_line(_real(team.db_url, "serve", "respondent", "add", team.name("rex"), "--password-stdin",
                        stdin=endless), "A password has 12 to 200 characters.")
    with team.owner.uow(readonly=True) as uow:
        assert uow.session.exec(select(func.count()).select_from(WebAccount)).one() == 0


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_respondent_without_a_login_gets_no_web_password_either(db_url: str) -> None:
    # The web password was kept, then the login's was refused ("run `calldesk db grant` first"): exit 1 with the
    # store changed, and a web password the web front could not sign in with.
    _respondent(db_url)
    done = _set_password(db_url, "rex", b"good-password-1\n")
    assert done.returncode == 1 and done.stderr.decode() == \
        "error: rex has no database login yet: run `calldesk db grant rex` first.\n", done.stderr[-300:]
    code, out, _ = run(db_url, "db", "check", "--json")
    assert json.loads(out)["tables"]["webaccount"] == 0
