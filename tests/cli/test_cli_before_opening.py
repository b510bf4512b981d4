"""A date typed about a case before the case was opened (`case step --on`, `case plan --step`, `case appeal
--received`) is refused in one line naming the opening, exit 1, nothing kept; the opening's own minute (or day) is
taken. A message about the case (`callback add --case --received`) may have come in before it. Both backends."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.cli.test_cli import run
from tests.cli.test_cli_escalation import OPENED, _case

# OPENED: Mon 30 Nov 2026 09:00 in New York (the Rochester and Area Offices zone); its year is said when the test
# runs in another year (rules.shown).
NEW_YORK = ZoneInfo("America/New_York")
OPENING = r"before the case was opened \(Mon 30 Nov( 2026)? 09:00\)"


def _version(db_url: str, number: str) -> int:
    code, out, err = run(db_url, "case", "show", number, "--json")
    assert code == 0, err
    return int(json.loads(out)["version"])


def _refused(db_url: str, number: str, args: list[str], words: str) -> None:
    """One line (`words`, a pattern), exit 1, nothing printed on stdout and the case unchanged."""
    before = _version(db_url, number)
    code, out, err = run(db_url, *args)
    assert code == 1 and out == "" and re.fullmatch(f"error: {words}\n", err), err
    assert _version(db_url, number) == before


def test_a_step_done_before_the_case_was_opened_is_refused(db_url: str) -> None:
    number = _case(db_url, "lausd", opened_at=OPENED)  # an inquiry: 06:00 in Los Angeles, LAUSD's zone
    step = ["case", "step", number, "request_satisfied", "--note", "ok", "--on"]
    for on in ("2001-01-01 10:00", "2026-11-30 05:59"):
        _refused(db_url, number, [*step, on], r"The step cannot be done before the case was opened "
                 r"\(Mon 30 Nov( 2026)? 06:00\): give a later time\.")
    code, out, _ = run(db_url, "case", "steps", number, "--json")
    assert [s["recorded"] for s in json.loads(out)] == [None]
    code, out, err = run(db_url, *step, "2026-11-30 06:00")
    assert code == 0 and "Recorded on" in out, err


def test_a_plan_step_due_before_the_case_was_opened_is_refused(db_url: str) -> None:
    # Opened tomorrow at 09:00 in New York: a plan's step is today or later (rules.followup.plan_due), so only a
    # case opened ahead of today leaves a day that is neither past nor after the opening.
    today = datetime.now(NEW_YORK).date()
    tomorrow = today + timedelta(days=1)
    opened = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 9, tzinfo=NEW_YORK)
    number = _case(db_url, "area_offices", call_type="concern", category="Transportation", opened_at=opened)
    plan = ["--protocol", "area_offices", "case", "plan", number]
    opening = r"before the case was opened \(\w{3} \d+ \w{3}( \d{4})? 09:00\)"
    refusal = rf"A step of the plan cannot be due {opening}: give a later date\."
    _refused(db_url, number, [*plan, "--step", f"Meet@{today}"], refusal)
    _refused(db_url, number, [*plan, "--step", f"Call@{tomorrow + timedelta(days=1)}", "--step", f"Meet@{today}"],
             refusal)
    code, out, _ = run(db_url, "--protocol", "area_offices", "case", "work", number, "--json")
    assert json.loads(out)["plan"] == []
    code, out, err = run(db_url, *plan, "--step", f"Meet@{tomorrow}", "--json")
    assert code == 0 and [row["step"] for row in json.loads(out)] == ["Meet"], err


def test_an_appeal_received_before_the_case_was_opened_is_refused_a_message_is_taken(db_url: str) -> None:
    number = _case(db_url, "area_offices", call_type="concern", category="Transportation", opened_at=OPENED)
    _refused(db_url, number, ["--protocol", "area_offices", "case", "appeal", number, "--reason", "Appeal",
                              "--received", "2026-11-27 10:00"],
             rf"The appeal cannot have been received {OPENING}: give a later time\.")
    # A voicemail left on Sunday about the case opened on Monday: it was refused ("A message about the case cannot
    # have been received before the case was opened"); it is the case's, due from its receipt.
    code, out, err = run(db_url, "--protocol", "area_offices", "callback", "add", "--name", "Rosa", "--case",
                         number, "--received", "2026-11-29 16:30", "--json")
    assert code == 0, err
    taken = json.loads(out)
    # Sun 29 Nov 16:30 in New York (21:30 UTC), not urgent: due by the end of the next business day, Mon 30 Nov.
    assert datetime.fromisoformat(taken["received_at"]) == datetime(2026, 11, 29, 21, 30, tzinfo=UTC)
    assert datetime.fromisoformat(taken["due_at"]) == datetime(2026, 12, 1, 4, 59, 59, tzinfo=UTC)
    code, out, _ = run(db_url, "--protocol", "area_offices", "case", "show", number, "--json")
    assert taken["case_id"] == json.loads(out)["id"]
