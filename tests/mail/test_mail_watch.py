"""`calldesk mail watch --every N` (issue 26): the mailbox fetched on a timer in one process, against a real IMAP
server (dovecot, started here), one line per fetch; SIGTERM stops it cleanly (exit 0, a last line); a mailbox that
cannot be reached is said in one line and the next fetch tried."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import select

from calldesk.errors import InvalidInput
from calldesk.mail.polling import fetch_every
from calldesk.models import Case
from calldesk.store.db.store import open_store
from tests.conftest import ADMIN
from tests.mail.servers import PASSWORD, USER, dovecot


def _message(n: int) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = f"Parent {n} <parent{n}@example.org>", "desk@agency.example"
    message["Subject"], message["Message-ID"] = f"Question {n}", f"<watch-{n}@example.org>"
    message.set_content(f"When does the school year start? (message {n})")
    return bytes(message)


def _lines(stream: object) -> queue.Queue[str]:
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:  # type: ignore[attr-defined]
            found.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return found


def _until(lines: queue.Queue[str], text: str, seen: list[str], timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r} in {seen}")


def test_the_watch_fetches_each_new_message_once_and_stops_on_sigterm(db_url: str, tmp_path: Path) -> None:
    with dovecot(tmp_path) as mailbox:
        mailbox.deliver(_message(1))
        watch = subprocess.Popen(
            [sys.executable, "-c", "from calldesk.cli import main; main()", "--db", db_url, "mail", "watch",
             "--host", "127.0.0.1", "--port", str(mailbox.port), "--user", USER, "--no-tls", "--every", "1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "COLUMNS": "200", "CALLDESK_IMAP_PASSWORD": PASSWORD})
        seen: list[str] = []
        try:
            lines = _lines(watch.stdout)
            assert "every 1 s (Ctrl+C stops)" in _until(lines, "Fetching", seen)
            # The first fetch: the one message, a case; each line starts with the moment (the agency's zone).
            first = _until(lines, "Fetched 1: 1 case", seen)
            assert first.split()[0] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
            _until(lines, "Fetched 0: 0 case", seen)  # nothing new: the next fetch keeps nothing
            mailbox.deliver(_message(2))
            _until(lines, "Fetched 1: 1 case", seen)
        finally:
            watch.send_signal(signal.SIGTERM)
            code = watch.wait(timeout=60)
        assert code == 0, (seen, watch.stderr.read() if watch.stderr else "")
        # Three fetches at least (a loaded machine may fit in one more with nothing new).
        last = _until(lines, "Stopped after", seen, timeout=10)
        assert re.fullmatch(r"Stopped after \d+ fetches\.", last) and int(last.split()[2]) >= 3
        assert not any("Traceback" in line for line in seen)
    store = open_store(db_url, configured_user=ADMIN)
    try:
        with store.uow(readonly=True) as uow:
            opened = uow.session.exec(select(Case.channel)).all()
    finally:
        store.close()
    assert opened == ["email", "email"]  # two messages, two cases: none fetched twice


def test_a_refused_fetch_is_said_and_the_next_one_tried() -> None:
    stop = threading.Event()
    said: list[str] = []
    answers = iter([InvalidInput("Cannot reach the mailbox at imap.example.org:993: Connection refused."),
                    "Fetched 1: 1 case"])

    def fetch() -> str:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def say(line: str) -> None:
        said.append(line)
        if len(said) == 2:
            stop.set()

    assert fetch_every(0.01, fetch, stop=stop, say=say) == 2
    assert said == ["The fetch failed: Cannot reach the mailbox at imap.example.org:993: Connection refused. "
                    "The next is in 0.01 s.", "Fetched 1: 1 case"]


def test_mail_fetch_once_from_the_cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.cli.test_cli import run

    code, out, err = run(db_url, "mail", "fetch", "--host", "127.0.0.1", "--user", USER)
    assert code != 0 and "CALLDESK_IMAP_PASSWORD" in out + err  # no password: one line, nothing fetched
    monkeypatch.setenv("CALLDESK_IMAP_PASSWORD", PASSWORD)
    with dovecot(tmp_path) as mailbox:
        mailbox.deliver(_message(1))
        code, out, _ = run(db_url, "mail", "fetch", "--host", "127.0.0.1", "--port", str(mailbox.port),
                           "--user", USER, "--no-tls", "--mailbox", "INBOX")
        assert code == 0 and out.splitlines()[-1] == "Fetched 1: 1 case, 0 reply, 0 duplicate, 0 aside, 0 abuse"
        code, out, _ = run(db_url, "mail", "fetch", "--host", "127.0.0.1", "--port", str(mailbox.port),
                           "--user", USER, "--no-tls", "--json")
        assert code == 0 and out.strip() == "[]"  # seen: the second fetch reads nothing
