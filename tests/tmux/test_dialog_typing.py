"""A case dialog in a real terminal (tmux) at human speed with the other core busy: the merge reason typed right
after Tab is the reason stored (issue 23 item 2: it was stored as "2026" when Tab's move came after the keys)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from calldesk.store.db.store import open_store
from tests.integration.helpers import call
from tests.tmux.test_human_typing import Terminal, busy_core, desk_env  # noqa: F401 - busy_core is a fixture

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


def test_a_merge_reason_typed_right_after_tab_under_load_is_stored_as_typed(tmp_path, busy_core) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    env, store = desk_env(tmp_path)
    survivor, duplicate = two_cases(store)
    term = Terminal(f"calldesk-merge-{os.getpid()}", env)
    try:
        term.wait_for("Signed in as")
        term.key("C-f")
        term.wait_for("Find a case")
        year, number = duplicate.split("-")
        term.type(f"{year}-{int(number)}")  # the short number, as Find reads it
        term.key("Enter")
        term.wait_for(duplicate)
        term.key("Enter")  # opens the first case found
        term.wait_for("Caller Details")
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
