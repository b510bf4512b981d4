"""A caller name holding a title-setting escape (OSC 0) opened in the case workspace of the real desk, in a real
terminal (tmux): the terminal's title stays as it was and the name is shown with its escapes visible."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from benchmarks.terminal import Terminal
from calldesk.store.db.store import open_store
from calldesk.store.services.reference import ensure_reference
from tests.conftest import ADMIN
from tests.integration.helpers import call
from tests.tmux.test_human_typing import desk_env

HOSTILE = "Rosa \x1b]0;PWNED\x07 \x1b]2;PWNED\x1b\\ Diaz"


def _title(term: Terminal) -> str:
    return subprocess.run(["tmux", "display", "-p", "-t", term.name, "#{pane_title}"], capture_output=True,
                          text=True, check=False).stdout.strip()


def test_a_caller_name_cannot_set_the_terminal_title(tmp_path: Path) -> None:
    env, store_file = desk_env(tmp_path)
    store = open_store(f"sqlite:///{store_file}", configured_user=ADMIN, prepare=ensure_reference)
    call(store, store.actor(), caller_name=HOSTILE, phone="(213) 555-0142", claim=HOSTILE)
    store.close()
    term = Terminal(f"calldesk-title-{os.getpid()}", env)
    try:
        _open_the_case(term)
    finally:
        term.close()


def _open_the_case(term: Terminal) -> None:
    term.wait_for("Signed in as")
    title = _title(term)
    term.key("/")
    term.wait_for("Find a case")
    time.sleep(0.5)
    term.type("2135550142")
    term.key("Enter")
    term.wait_for("1 case(s) found")
    term.key("Down", "Enter")
    term.wait_for("Caller Details")
    term.wait_for("\\x1b]0;PWNED\\x07")  # the caller's name, its escapes shown
    for _ in range(6):  # every tab: the claim on Call Information, History, Links
        term.key("F7")
        time.sleep(0.3)
    assert _title(term) == title != "PWNED"
