"""A case dialog in a real terminal (tmux) at human speed with the other core busy: the merge reason typed right
after Tab is the reason stored (issue 23 item 2: it was stored as "2026" when Tab's move came after the keys); the
words typed right after the work menu's letter are the words stored (their first key was lost while the dialog
came up)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from benchmarks.terminal import Terminal
from calldesk.store.db.store import open_store
from tests.integration.helpers import call
from tests.tmux.test_human_typing import busy_core, desk_env  # noqa: F401 - busy_core is a fixture

REASON = "Same bus complaint, the caller rang twice"


def two_cases(store: Path) -> tuple[str, str]:
    """The store the desk will open (its first admin, the only user, is whoever runs the tests: the desk signs
    in as them and acts in every role), with a case and its duplicate from the same caller."""
    store.parent.mkdir(parents=True, exist_ok=True)
    opened = open_store(f"sqlite:///{store}")
    try:
        me = opened.actor()
        survivor = call(opened, me).case.case_number
        duplicate = call(opened, me).case.case_number
    finally:
        opened.close()
    return survivor, duplicate


def open_in_workspace(term: Terminal, number: str) -> None:
    """From the desk: find case `number` (its short form, as Find reads it) and open it."""
    term.key("C-f")
    term.wait_for("Find a case")
    year, serial = number.split("-")
    term.type(f"{year}-{int(serial)}")
    term.key("Enter")
    term.wait_for(number)
    term.key("Enter")  # opens the first case found
    term.wait_for("Caller Details")


def test_a_merge_reason_typed_right_after_tab_under_load_is_stored_as_typed(tmp_path, busy_core) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    env, store = desk_env(tmp_path)
    survivor, duplicate = two_cases(store)
    term = Terminal(f"calldesk-merge-{os.getpid()}", env)
    try:
        term.wait_for("Signed in as")
        open_in_workspace(term, duplicate)
        term.key("C-g")
        term.wait_for("Work on case")
        term.key("g")
        term.wait_for("Merge into another case")
        term.wait_for(survivor)  # the only case it could go into, picked once the case is read
        term.key("Tab")
        term.type(REASON)  # straight after Tab, a key every 60 ms
        term.key("C-s")
        deadline = time.monotonic() + 30
        rows: list[tuple[str, str]] = []
        while time.monotonic() < deadline and not rows:
            with sqlite3.connect(store) as conn:
                rows = conn.execute("SELECT reason, kind FROM caselink WHERE kind = 'merged'").fetchall()
            time.sleep(0.2)
        assert rows == [(REASON, "merged")], term.screen()
    finally:
        term.close()


def test_words_typed_right_after_the_work_menus_letter_are_stored_whole(tmp_path, busy_core) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    env, store = desk_env(tmp_path)
    number, _ = two_cases(store)
    term = Terminal(f"calldesk-menu-{os.getpid()}", env)
    # Six: the first dialog loads cold, the rest warm (the old code lost a first letter in half its tries)
    typed = [f"Called the depot {n}" for n in range(1, 7)]
    done: list[str] = []
    try:
        term.wait_for("Signed in as")
        open_in_workspace(term, number)
        for words in typed:
            term.key("C-g")
            term.wait_for("Work on case")
            term.key("f")  # the follow-up entry, then its words straight away, a key every 60 ms
            term.type(words)
            term.key("C-s")
            deadline, saved = time.monotonic() + 30, len(done) + 1
            while time.monotonic() < deadline and len(done) < saved:
                with sqlite3.connect(store) as conn:
                    done = [row[0] for row in conn.execute("SELECT done FROM followup ORDER BY id")]
                time.sleep(0.2)
            assert len(done) == saved, term.screen()
            term.wait_for("Caller Details")  # the dialog closed, the case read again
            time.sleep(0.5)
        assert done == typed
    finally:
        term.close()
