"""The real `calldesk` in a real terminal (tmux), typed into at human speed while the other core is busy.

Pilot posts events straight into the app; this drives the terminal the way an agent's keyboard does, one key at a
time through the pty (benchmarks/terminal.py), with a CPU burner running, and checks what was typed character for
character in the draft the desk autosaves (the store is a temp SQLite file; every user directory is a temp folder).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.terminal import Terminal, wait_for_draft
from benchmarks.terminal import desk_env as terminal_env


@pytest.fixture
def busy_core() -> Iterator[None]:
    burner = subprocess.Popen(["sh", "-c", "while :; do :; done"])
    yield
    burner.kill()
    burner.wait()


def desk_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """The environment of a desk whose every user folder is under `tmp_path`, and its store's path."""
    try:
        return terminal_env(tmp_path)
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    env, store = desk_env(tmp_path)
    term = Terminal(f"calldesk-test-{os.getpid()}", env)
    try:
        yield term, store
    finally:
        term.close()


def test_typing_at_human_speed_under_load_keeps_every_character(terminal, busy_core) -> None:  # type: ignore[no-untyped-def]
    term, store = terminal
    term.wait_for("Signed in as")
    for attempt in range(2):  # the first call's screen is built on demand, the second was prepared meanwhile
        name, phone = ("Maria Lopez", "2135550142") if attempt == 0 else ("Bo Chen", "3105550199")
        term.key("C-n")
        term.type("Jonathan")
        term.key(*["BSpace"] * 8)
        term.type(name)
        term.key("Tab")
        term.type(phone)
        draft = wait_for_draft(store, {"caller_name": name, "phone": phone})
        assert draft["caller_name"] == name and draft["phone"] == phone
        term.key("Escape")  # leave the call: kept as a draft, back to the desk
        term.wait_for("Signed in as")
        time.sleep(1.0)  # the agent waits for the next call: it is prepared meanwhile
