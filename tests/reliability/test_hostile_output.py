"""Stored text holding terminal escapes (a title-setting OSC, a screen clear, a CSI in one C1 byte, a bidi override)
never reaches a terminal raw: not from any command printing stored text, in any format, to a terminal or a pipe;
JSON keeps the data exact with its own \\u escapes; a file written with --out keeps the data as stored."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from calldesk.models import StudentCreate
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import confidentiality
from tests.cli.test_cli import run
from tests.integration.helpers import call, lausd

HOSTILE = "Ana \x1b]0;PWNED\x07 \x1b[2J \u202eevil \x9b31m [red]x[/] end"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")
NARROW_TABLES = (["case", "list"], ["case", "list", "--all"], ["case", "find", "2135550142"], ["callback", "list"],
                 ["queue", "list"], ["queue", "trends"], ["overdue"], ["caller", "find", "2135550142"],
                 ["user", "list"])


def _seed(store: Store, staff: dict[str, Actor], tmp_path: Path) -> tuple[str, str]:
    """The October complaint holding the hostile text everywhere, and a complaint opened now with a hostile plan
    step: their numbers."""
    cases = tmp_path / "calls.json"
    cases.write_text(json.dumps([{
        "caller_name": HOSTILE, "phone": "2135550142", "email": "ana@example.org", "call_type": "complaint",
        "category": "Enrollment", "school": HOSTILE, "claim": HOSTILE, "evidence": HOSTILE,
        "opened_at": "2026-10-05T10:00:00-07:00"}]))
    code, _, err = run(store.url, "case", "import", str(cases))
    assert code == 0, err
    number = "2026-000001"
    with store.uow() as uow:
        confidentiality.add_student(uow, actor=staff["supervisor"], case_number=number,  # (routed: not ana's)
                                    data=StudentCreate(name=HOSTILE, student_ref="S77", school=HOSTILE))
    for args in (["case", "follow-up", number, "--done", HOSTILE, "--pending", HOSTILE],
                 ["case", "resolve", number, "--outcome", HOSTILE[:60], "--response", HOSTILE],
                 ["case", "escalate", number, "--reason", HOSTILE],
                 ["case", "refer", number, "--to", "safety", "--contact", HOSTILE[:60], "--note", HOSTILE],
                 ["case", "meeting", number, "--when", "2026-12-01 15:00", "--parties", f"{HOSTILE}, Principal",
                  "--place", HOSTILE],
                 ["callback", "add", "--name", HOSTILE, "--phone", "2135550142", "--summary", HOSTILE],
                 ["hold", "place", number, "--reason", HOSTILE],
                 ["user", "add", "eve", "--role", "agent", "--full-name", HOSTILE]):
        code, out, err = run(store.url, *args)
        assert code == 0, (args, err)
        assert not any(c in out + err for c in RAW), args
    # A plan's steps fall from today to the resolution target (rules.followup.plan_window): its hostile step is
    # planned on a complaint opened now, whose timeline is still running.
    planned = call(store, staff["supervisor"], call_type="complaint", category="Enrollment", caller_name=HOSTILE,
                   phone="2135550142").case.case_number
    tomorrow = (datetime.now(lausd().tz) + timedelta(days=1)).date().isoformat()
    code, out, err = run(store.url, "case", "plan", planned, "--step", f"{HOSTILE}@{tomorrow}")
    assert code == 0 and not any(c in out + err for c in RAW), err
    return number, planned


def _redacted(args: list[str]) -> bool:
    """A report or an export for outside the desk (calldesk.rules.redaction): the caller's details are taken out."""
    return args[0] == "report" or (args[0] == "export" and "--no-redact" not in args)


@pytest.mark.slow
def test_every_command_printing_stored_text_shows_it_inert(store: Store, staff: dict[str, Actor],
                                                           tmp_path: Path) -> None:
    number, planned = _seed(store, staff, tmp_path)
    texts = [
        ["case", "show", number], ["case", "list"], ["case", "list", "--all"], ["case", "find", "2135550142"],
        ["case", "mine"], ["case", "history", number], ["case", "work", number], ["case", "actions", number],
        ["case", "work", planned], ["case", "work", planned, "--json"],
        ["export", "cases", "--format", "csv"], ["export", "log", "--month", "2026-10"],
        ["report", "monthly", "--month", "2026-10"], ["report", "monthly", "--month", "2026-10", "--format", "csv"],
        ["report", "monthly", "--month", "2026-10", "--format", "md"], ["report", "quarterly", "--quarter", "2026Q4"],
        ["callback", "list"], ["queue", "list"], ["queue", "trends"], ["hold", "list"], ["user", "list"],
        ["overdue"], ["caller", "find", "2135550142"], ["export", "cases", "--format", "csv", "--no-redact"],
        ["student", "record", "S77"],
    ]
    jsons = [
        ["case", "show", number, "--json"], ["case", "list", "--json"], ["case", "history", number, "--json"],
        ["case", "work", number, "--json"], ["case", "actions", number, "--json"], ["export", "cases"],
        ["export", "cases", "--no-redact"], ["export", "cases", "--format", "open311"],
        ["report", "monthly", "--month", "2026-10", "--format", "json"], ["caller", "export", "2135550142"],
        ["callback", "list", "--json"], ["queue", "list", "--json"], ["hold", "list", "--json"],
        ["user", "list", "--json"], ["caller", "find", "2135550142", "--json"], ["case", "mine", "--json"],
        ["student", "record", "S77", "--json"],
    ]
    for args in texts + jsons:
        code, out, err = run(store.url, *args)
        assert code in (0, 2), (args, err)  # (overdue exits 2 when a deadline is breached)
        assert not any(c in out + err for c in RAW), (args, [c for c in RAW if c in out + err])
        if _redacted(args):  # every stored copy of the text names the caller: all of it is taken out
            assert "PWNED" not in out, args
        elif args not in NARROW_TABLES:  # (an 80-column table cuts the long value over several lines)
            assert "\\x1b]0;PWNED" in out or "\\u001b]0;PWNED" in out, args
    # JSON keeps the data exact: parsed back, the stored value is there, escapes and all.
    _, out, _ = run(store.url, "case", "show", number, "--json")
    assert json.loads(out)["caller_name"] == HOSTILE
    _, out, _ = run(store.url, "export", "cases", "--no-redact")
    assert json.loads(out.splitlines()[0])["caller_name"] == HOSTILE
    _, out, _ = run(store.url, "caller", "export", "2135550142")
    assert json.loads(out)[0]["caller_name"] == HOSTILE


def test_files_written_with_out_keep_the_stored_text(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    _seed(store, staff, tmp_path)
    jsonl, csv_file = tmp_path / "cases.jsonl", tmp_path / "cases.csv"
    assert run(store.url, "export", "cases", "--no-redact", "--out", str(jsonl))[0] == 0
    assert json.loads(jsonl.read_text().splitlines()[0])["caller_name"] == HOSTILE
    assert run(store.url, "export", "cases", "--no-redact", "--format", "csv", "--out", str(csv_file))[0] == 0
    assert HOSTILE in csv_file.read_text(encoding="utf-8")  # the data as stored (a spreadsheet shows no escapes)
