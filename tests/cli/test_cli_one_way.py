"""Each command does its plumbing one way: the store opened and signed into by calldesk.cli.running, the `--json`
option and the printing of calldesk.cli.output, dates read by calldesk.rules.typed_dates (issue 24)."""

from __future__ import annotations

import re
from pathlib import Path

CLI = Path(__file__).resolve().parents[2] / "calldesk" / "cli"
# The one place each piece of plumbing lives.
HOMES = {"running.py", "output.py", "refusals.py", "context.py"}


def _commands() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(CLI.glob("*.py"))
            if path.name not in HOMES}


def test_the_check_reads_the_commands() -> None:
    assert {"callbacks.py", "casework.py", "db.py", "users.py"} <= set(_commands())


def test_no_command_opens_the_store_or_signs_in_by_hand() -> None:
    by_hand = {name for name, text in _commands().items()
               if "opened(" in text or ".actor()" in text}
    assert by_hand == set(), f"use run_service / run_read / signed_in (calldesk.cli.running) in: {sorted(by_hand)}"


def test_one_json_option() -> None:
    # The caller export prints JSON only: its --json (on by default) is kept for old scripts.
    own = {name for name, text in _commands().items()
           if re.search(r'typer\.Option\(False, "--json"', text)}
    assert own == set(), f"use calldesk.cli.output.JSON in: {sorted(own)}"


def test_no_command_parses_a_date_itself() -> None:
    parsing = {name for name, text in _commands().items()
               if re.search(r"fromisoformat|strptime|dateutil", text)}
    assert parsing == set(), f"use calldesk.rules.typed_dates in: {sorted(parsing)}"
