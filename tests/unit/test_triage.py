"""Triage (PROTOCOL.md section 3; LAUSD Steps 1-5; Area Offices): tier, owner, deadlines, reasons."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

import pytest

from calldesk.errors import InvalidInput
from calldesk.profiles import load_profile
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import CallType, Profile
from calldesk.rules.triage import (
    CaseFlags,
    Deadlines,
    deadlines_for,
    describe_deadlines,
    format_due,
    intake_due,
    triage,
)
from tests.unit.conftest import la, ny

MONDAY = la(2026, 11, 23, 10)


@pytest.mark.parametrize(
    ("call_type", "flags", "tier", "owner"),
    [
        ("inquiry", CaseFlags(), "inquiry_immediate", "agent"),
        ("inquiry", CaseFlags(needs_follow_up=True), "inquiry_followup", "program_specialist"),
        ("concern", CaseFlags(), "concern", "program_specialist"),
        ("complaint", CaseFlags(), "complaint", "specialist"),
        ("compliment", CaseFlags(), None, "agent"),
    ],
)
def test_call_type_decides_tier_and_owner_in_every_profile(
    profile: Profile, call_type: CallType, flags: CaseFlags, tier: str | None, owner: str
) -> None:
    decision = triage(profile, call_type=call_type, category=None, flags=flags, opened_at=MONDAY)
    assert (decision.tier, decision.owner_role, decision.close_now) == (tier, owner, False)
    assert decision.reasons


@pytest.mark.parametrize(
    ("call_type", "flags", "expected"),
    [
        # Same day; closed within 24 hours.
        (
            "inquiry",
            CaseFlags(),
            Deadlines(respond_by=la(2026, 11, 23, 23, 59, 59), resolve_by=la(2026, 11, 24, 10)),
        ),
        # Call back within 48 hours.
        (
            "inquiry",
            CaseFlags(needs_follow_up=True),
            Deadlines(respond_by=la(2026, 11, 25, 10), resolve_by=la(2026, 11, 25, 10)),
        ),
        # Follow-up every 2 business days; closed within 10 days.
        (
            "concern",
            CaseFlags(),
            Deadlines(next_follow_up_by=la(2026, 11, 25, 23, 59, 59), resolve_by=la(2026, 12, 8, 23, 59, 59)),
        ),
        # The worked example: 15 business days, due at the end of Tue 15 Dec.
        (
            "complaint",
            CaseFlags(),
            Deadlines(next_follow_up_by=la(2026, 11, 25, 23, 59, 59), resolve_by=la(2026, 12, 15, 23, 59, 59)),
        ),
        # A compliment is closed like an immediate inquiry, within 24 hours, with no other clock.
        ("compliment", CaseFlags(), Deadlines(resolve_by=la(2026, 11, 24, 10))),
    ],
)
def test_lausd_deadlines(lausd: Profile, call_type: CallType, flags: CaseFlags, expected: Deadlines) -> None:
    decision = triage(lausd, call_type=call_type, category=None, flags=flags, opened_at=MONDAY)
    assert decision.deadlines == expected


def test_area_offices_acknowledge_and_respond_in_school_days(area_offices: Profile) -> None:
    deadlines = deadlines_for(area_offices, "concern", ny(2026, 11, 23, 10))
    # Thanksgiving recess (25-27 Nov) is not a school day.
    assert deadlines.acknowledge_by == ny(2026, 11, 30, 23, 59, 59)
    assert deadlines.resolve_by == ny(2026, 12, 10, 23, 59, 59)


def test_deadlines_are_in_the_profile_time_zone_and_on_open_days(profile: Profile) -> None:
    calendar = calendar_for(profile)
    opened = datetime.fromisoformat("2026-12-24T23:30:00+00:00")
    for tier in profile.tiers:
        deadlines = deadlines_for(profile, tier, opened)
        dues = [getattr(deadlines, item.name) for item in fields(deadlines)]
        set_ones = [due for due in dues if due is not None]
        # Every tier of every shipped profile runs at least one clock (each seed gives each tier a time to resolve).
        assert set_ones, f"{profile.name} {tier}: no deadline at all"
        for due in set_ones:
            assert due.tzinfo == profile.tz
            assert calendar.is_open_day(due.date()) and due >= opened


@pytest.mark.parametrize("call_type", ["concern", "complaint"])
def test_special_education_goes_to_the_coordinator(lausd: Profile, call_type: CallType) -> None:
    by_category = triage(
        lausd, call_type=call_type, category="special education (cse)", flags=CaseFlags(), opened_at=MONDAY
    )
    flags = CaseFlags(special_education=True)
    by_flag = triage(lausd, call_type=call_type, category="Transportation", flags=flags, opened_at=MONDAY)
    for decision in (by_category, by_flag):
        assert decision.owner_role == "supervisor"
        assert any("coordinator" in reason and "claim" in reason for reason in decision.reasons)


def test_special_education_inquiry_stays_with_the_agent(lausd: Profile) -> None:
    decision = triage(
        lausd, call_type="inquiry", category="Special education (CSE)", flags=CaseFlags(), opened_at=MONDAY
    )
    assert decision.owner_role == "agent"


def test_due_process_is_documented_and_closed(profile: Profile) -> None:
    decision = triage(
        profile, call_type="complaint", category=None, flags=CaseFlags(due_process=True), opened_at=MONDAY
    )
    assert decision.close_now
    assert decision.deadlines == Deadlines()
    assert "Already in due process: documented and closed." in decision.reasons


@pytest.mark.parametrize(
    ("call_type", "flags", "owner"),
    [
        ("inquiry", CaseFlags(from_executive=True), "program_specialist"),
        ("concern", CaseFlags(from_executive=True), "program_specialist"),
        ("complaint", CaseFlags(from_executive=True), "specialist"),
    ],
)
def test_calls_from_the_executive_office_are_never_left_with_the_agent(
    profile: Profile, call_type: CallType, flags: CaseFlags, owner: str
) -> None:
    decision = triage(profile, call_type=call_type, category=None, flags=flags, opened_at=MONDAY)
    assert decision.owner_role == owner
    assert any("Board" in reason for reason in decision.reasons)


def test_safety_category_is_referred_to_the_safety_office(profile: Profile) -> None:
    decision = triage(
        profile, call_type="concern", category="Safety and security", flags=CaseFlags(), opened_at=MONDAY
    )
    assert any("safety and security office" in reason for reason in decision.reasons)
    plain = triage(profile, call_type="concern", category=None, flags=CaseFlags(), opened_at=MONDAY)
    assert not any("safety" in reason for reason in plain.reasons)


def test_unknown_category_and_call_type_are_refused_in_words(lausd: Profile) -> None:
    with pytest.raises(InvalidInput, match="not a category") as caught:
        triage(lausd, call_type="concern", category="Parking tickets", flags=CaseFlags(), opened_at=MONDAY)
    assert caught.value.field == "category"
    with pytest.raises(InvalidInput) as caught:
        triage(lausd, call_type="rant", category=None, flags=CaseFlags(), opened_at=MONDAY)  # type: ignore[arg-type]
    assert caught.value.field == "call_type"


def test_intake_due() -> None:
    assert intake_due(load_profile("lausd"), la(2026, 12, 4, 15)) == la(2026, 12, 7, 15)
    assert intake_due(load_profile("oc_ccts"), la(2026, 12, 4, 15)) == la(2026, 12, 8, 23, 59, 59)


def test_format_due() -> None:
    assert format_due(la(2026, 12, 15, 23, 59, 59), with_time=False) == "Tue 15 Dec"
    assert format_due(la(2026, 11, 30, 15), with_time=True) == "Mon 30 Nov 15:00"
    assert format_due(la(2027, 1, 4, 9, 5), with_time=True) == "Mon 4 Jan 09:05"
    # A deadline at a midnight is the end of the day before (a 24-hour inquiry opened Wed 25 Nov 00:00 is due
    # Thu 26 Nov 00:00: shown "end of Wed 25 Nov"; one received on Thanksgiving 11:00 is due Sat 28 Nov 00:00).
    assert format_due(la(2026, 11, 26, 0), with_time=True) == "end of Wed 25 Nov"
    assert format_due(la(2026, 11, 28, 0), with_time=True) == "end of Fri 27 Nov"


def test_hour_deadline_at_the_end_of_an_open_day_reads_by_end_of_that_day() -> None:
    profile = load_profile("lausd")  # inquiry, immediate: resolve within 24 hours (business days, Los Angeles)
    decision = triage(profile, call_type="inquiry", category=None, flags=CaseFlags(),
                      opened_at=la(2026, 11, 25, 0))
    assert decision.deadlines.resolve_by == la(2026, 11, 26, 0)
    assert "resolve by end of Wed 25 Nov" in describe_deadlines(decision.deadlines, profile)
    thanksgiving = triage(profile, call_type="inquiry", category=None, flags=CaseFlags(),
                          opened_at=la(2026, 11, 26, 11))
    assert thanksgiving.deadlines.resolve_by == la(2026, 11, 28, 0)


def test_describe_deadlines_shows_dates_for_days_and_times_for_hours(lausd: Profile) -> None:
    complaint = deadlines_for(lausd, "complaint", MONDAY)
    # Day deadlines (end of the day, 23:59:59 local) say so: "by end of" the day (rules.shown, issue 23 item 15).
    assert describe_deadlines(complaint, lausd) == ["next follow-up by end of Wed 25 Nov",
                                                    "resolve by end of Tue 15 Dec"]
    followup = deadlines_for(lausd, "inquiry_followup", la(2026, 12, 4, 15))
    assert describe_deadlines(followup, lausd) == ["respond by Tue 8 Dec 15:00", "resolve by Tue 8 Dec 15:00"]
    utc = Deadlines(resolve_by=datetime.fromisoformat("2026-12-16T07:59:59+00:00"))
    assert describe_deadlines(utc, lausd) == ["resolve by end of Tue 15 Dec"]
    assert describe_deadlines(Deadlines(), lausd) == []
