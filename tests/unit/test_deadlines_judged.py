"""Deadlines judged (issue 22), the pure rules: how late a clock was met, what an extension moves, the report's SLA
outcome, and the DCFS callback rules. Dates worked out by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.profiles import load_profile
from calldesk.rules.callbacks import check_present, check_received, on_time_words, returned_on_time
from calldesk.rules.clocks import ClockRecord, clock_log_values, extension_moves, lateness_note, met_late
from calldesk.rules.reporting import sla_outcome
from calldesk.rules.sla import sla_state

NY = ZoneInfo("America/New_York")
AREA = load_profile("area_offices")
LAUSD = load_profile("lausd")


def ny(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NY)  # type: ignore[misc]


def test_met_late_counts_open_days_of_the_profiles_kind_past_the_due_day() -> None:
    # Due the end of Mon 5 Oct 2026; met Mon 23 Nov: 32 school days (tests/integration/test_deadlines_judged.py).
    assert met_late(AREA, due=ny(2026, 10, 5, 23, 59, 59), met_at=ny(2026, 11, 23, 11)) == "32 school days late"
    # Met on the due day, or before: on time.
    assert met_late(AREA, due=ny(2026, 10, 5, 23, 59, 59), met_at=ny(2026, 10, 5, 17)) is None
    # An hour deadline met the same day, 5 hours after: hours.
    assert met_late(AREA, due=ny(2026, 10, 5, 10), met_at=ny(2026, 10, 5, 15)) == "5 hours late"
    # A deadline at a midnight ends the day before (Tue 6 Oct 00:00 is the end of Mon 5 Oct): met at 09:00 on Tue
    # 6 Oct is met the next open day, like a day deadline of Mon 5 Oct.
    assert met_late(AREA, due=ny(2026, 10, 6, 0), met_at=ny(2026, 10, 6, 9)) == "1 school day late"
    assert met_late(AREA, due=ny(2026, 10, 6, 0), met_at=ny(2026, 10, 5, 23)) is None
    # Business days for LAUSD: due the end of Fri 20 Nov 2026, met Mon 30 Nov: Mon 23, Tue 24, Wed 25,
    # [Thu 26 Thanksgiving], Fri 27, Mon 30 -> 5 business days.
    la = ZoneInfo("America/Los_Angeles")
    assert met_late(LAUSD, due=datetime(2026, 11, 20, 23, 59, 59, tzinfo=la),
                    met_at=datetime(2026, 11, 30, 9, tzinfo=la)) == "5 business days late"


def test_lateness_note_says_what_was_due_when_and_how_late() -> None:
    assert lateness_note(AREA, "written_response", due=ny(2026, 10, 16, 23, 59, 59), met_at=ny(2026, 11, 16, 14)) \
        == "Written response met late: due Fri 16 Oct, met Mon 16 Nov (19 school days late)."
    assert lateness_note(AREA, "acknowledge", due=ny(2026, 10, 5, 23, 59, 59), met_at=ny(2026, 10, 5, 9)) == ""
    # Kept with the case: a due day in another year than the one it was met in says its year (rules.shown).
    assert lateness_note(AREA, "acknowledge", due=ny(2026, 12, 2, 23, 59, 59), met_at=ny(2027, 1, 15, 10)) \
        .startswith("Acknowledgement met late: due Wed 2 Dec 2026, met Fri 15 Jan (")


def test_an_extension_moves_the_resolution_dates_that_fall_before_it() -> None:
    new = ny(2026, 10, 30, 23, 59, 59)
    before = {"resolve_by": ny(2026, 10, 16, 23, 59, 59), "resolve_max": None}
    assert extension_moves("written_response", new, before) == {"resolve_by": new}
    assert extension_moves("reply", new, {"resolve_by": ny(2026, 11, 5)}) == {}  # already later: stays
    assert extension_moves("acknowledge", new, before) == {}  # an acknowledgement's extension moves itself only


def test_a_clock_met_late_is_breached_in_the_queue_and_the_report() -> None:
    now = ny(2026, 12, 7, 9)
    assert sla_state(status="open", next_deadline=now + timedelta(days=5), now=now).name == "on_track"
    assert sla_state(status="open", next_deadline=now + timedelta(days=5), now=now, late_clocks=1).name \
        == "breached"
    assert sla_state(status="closed", next_deadline=None, now=now, late_clocks=1).name == "closed"
    due = ny(2026, 10, 16, 23, 59, 59)
    assert sla_outcome(status="open", closed_at=None, resolve_by=due, late_clocks=1) == "breached"
    assert sla_outcome(status="open", closed_at=None, resolve_by=due, late_clocks=0) == "open"
    assert sla_outcome(status="closed", closed_at=ny(2026, 10, 15), resolve_by=due, late_clocks=1) == "late"
    assert sla_outcome(status="closed", closed_at=ny(2026, 10, 15), resolve_by=due, late_clocks=0) == "on_time"
    assert sla_outcome(status="closed", closed_at=ny(2026, 10, 19), resolve_by=due, late_clocks=0) == "late"


def test_the_logs_keep_acknowledge_by_once_acknowledged_and_show_the_extension() -> None:
    values = clock_log_values(AREA, acknowledge_by=None, respond_by=ny(2026, 10, 30, 23, 59, 59), events=[
        ClockRecord("acknowledge", "met", ny(2026, 10, 5, 23, 59, 59), None, ny(2026, 11, 23, 11)),
        ClockRecord("written_response", "extended", ny(2026, 10, 16, 23, 59, 59), ny(2026, 10, 30, 23, 59, 59),
                    ny(2026, 10, 14, 9), "Letter sent"),
    ])
    assert values == {"acknowledge_by": "2026-10-05", "acknowledged_on": "2026-11-23",
                      "written_response_due": "2026-10-30",
                      "extension": "written response extended to 2026-10-30: Letter sent",
                      "met_late": "acknowledgement 32 school days late"}


def test_dcfs_callback_rules() -> None:
    now = ny(2026, 12, 7, 9)
    assert check_received(ny(2026, 12, 4, 16, 30), now=now) == ny(2026, 12, 4, 16, 30)
    with pytest.raises(InvalidInput, match="received in the future"):
        check_received(now + timedelta(minutes=5), now=now)
    with pytest.raises(InvalidInput, match="no time zone"):
        check_received(datetime(2026, 12, 4, 16, 30), now=now)
    with pytest.raises(RuleRefused, match="bo is away since Tue 1 Dec: hand the callback to someone"):
        check_present("bo", absent_since=date(2026, 12, 1), today=date(2026, 12, 7))
    check_present("bo", absent_since=date(2026, 12, 8), today=date(2026, 12, 7))  # away only from tomorrow
    check_present("bo", absent_since=None, today=date(2026, 12, 7))
    assert returned_on_time(due_at=now, done_at=now) and not returned_on_time(due_at=now, done_at=now + timedelta(1))
    assert not returned_on_time(due_at=now, done_at=None)
    assert on_time_words(on_time=5, returned=6) == "83% returned on time (5 of 6)"
    assert on_time_words(on_time=0, returned=0) == "none returned yet"
