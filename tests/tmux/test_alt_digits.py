"""alt+1..5 in a real terminal (tmux sends alt+digit as ESC then the digit): they switch the call's tabs and type
nothing. Textual alone read ESC+digit as the macOS Option characters, so alt+5 typed "∞" into the field."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.terminal import Terminal, wait_for_draft
from tests.tmux import test_human_typing as harness
from tests.tmux.test_human_typing import desk_env

busy_core = harness.busy_core  # the other core kept busy, as in the typing test


@pytest.mark.usefixtures("busy_core")
def test_alt_digits_switch_tabs_and_type_nothing(tmp_path: Path) -> None:
    env, store = desk_env(tmp_path)
    term = Terminal(f"calldesk-alt-{os.getpid()}", env)
    try:
        term.wait_for("Signed in as")
        term.key("C-n")
        term.wait_for("Caller Details")
        term.type("Maria Lopez")
        term.key("M-5")  # Resolution: its first field is the response
        term.type("¡Bus late")  # a "¡" typed as a character is kept
        term.key("M-1")  # back to Caller Details, in the caller's name
        term.key("M-3", "M-2", "M-4", "M-1")
        draft = wait_for_draft(store, {"caller_name": "Maria Lopez", "response": "¡Bus late"})
        # Before: caller_name "Maria Lopez∞" and the response typed into the name too.
        assert not any(ch in str(value) for value in draft.values() for ch in "™£¢∞"), draft
        assert "¡" not in str(draft.get("caller_name")), draft

    finally:
        term.close()
