"""Escalation ladders, the appeal window, and returning telephone calls (LA DCFS)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.profiles import load_profile
from calldesk.rules.calendar import END_OF_DAY, calendar_for
from calldesk.rules.callbacks import callback_due, covering_supervisor_needed
from calldesk.rules.escalation import appeal_deadline, escalation_step, next_escalation, plan_escalation
from calldesk.rules.profile import Profile
from tests.unit.conftest import la, ny


@pytest.mark.parametrize(
    ("name", "titles"),
    [
        ("lausd", ["Coordinator", "Assistant Director"]),
        ("area_offices", ["Instructional Director", "Associate Superintendent"]),
        (
            "rochester",
            ["District Coordinator, Office of Parent Engagement", "Chief of Schools", "Superintendent's Office"],
        ),
        ("oc_ccts", ["Program Manager or Administrative Manager", "Deputy Director", "Executive Management Team"]),
    ],
)
def test_escalation_ladders(name: str, titles: list[str]) -> None:
    profile = load_profile(name)
    climbed, level = [], 0
    while (step := next_escalation(profile, current_level=level)) is not None:
        climbed.append(step.title)
        level = step.level
    assert climbed == titles
    assert next_escalation(profile, current_level=len(titles)) is None
    assert escalation_step(profile, 1) is not None and escalation_step(profile, 0) is None


def test_negative_level_is_a_programming_error(lausd: Profile) -> None:
    with pytest.raises(ValueError):
        next_escalation(lausd, current_level=-1)


def test_area_offices_appeal_within_five_school_days() -> None:
    area = load_profile("area_offices")
    # Decided Fri 20 Nov 2026: Thanksgiving recess (25-27 Nov) is skipped.
    assert appeal_deadline(area, ny(2026, 11, 20, 14)) == ny(2026, 12, 2, 23, 59, 59)
    assert appeal_deadline(load_profile("lausd"), la(2026, 11, 20, 14)) is None


def test_an_appeal_received_before_its_decision_is_refused_one_the_same_day_is_not() -> None:
    area = load_profile("area_offices")
    decided = ny(2026, 11, 20, 14)
    with pytest.raises(InvalidInput, match="before the decision it appeals \\(Fri 20 Nov\\)") as refused:
        plan_escalation(area, current_level=0, kind="appeal", decided_at=decided, received_at=ny(2026, 11, 19, 16),
                        today=date(2026, 11, 23))
    assert refused.value.field == "received_at"
    # Received the day of the decision, given as that day (midnight): in time, not "before the decision".
    plan = plan_escalation(area, current_level=0, kind="appeal", decided_at=decided, received_at=ny(2026, 11, 20),
                           today=date(2026, 11, 23))
    assert plan.kind == "appeal" and plan.step.hears_appeals


@pytest.mark.parametrize("name", ["lausd", "rochester", "oc_ccts"])
def test_a_protocol_without_a_written_appeal_takes_none(name: str) -> None:
    # The work menu dims the appeal for these protocols (rules.case_work); the service refuses it the same way.
    profile = load_profile(name)
    with pytest.raises(RuleRefused, match="sets no written appeal"):
        plan_escalation(profile, current_level=0, kind="appeal", decided_at=la(2026, 11, 20, 14),
                        received_at=la(2026, 11, 23, 9), today=date(2026, 11, 23))


@pytest.mark.parametrize(("urgent", "superior"), [(True, False), (False, True), (True, True)])
def test_urgent_and_superiors_calls_are_due_immediately(profile: Profile, urgent: bool, superior: bool) -> None:
    received = la(2026, 12, 5, 11)  # a Saturday: immediately still means now
    due = callback_due(profile, received_at=received, urgent=urgent, from_superior=superior)
    assert due == received and due.tzinfo == profile.tz


def test_other_calls_within_one_business_day(profile: Profile) -> None:
    due = callback_due(profile, received_at=la(2026, 12, 4, 15), urgent=False, from_superior=False)
    # A Friday-afternoon message is due by the end of Monday, in the agency's own time zone.
    assert due == datetime.combine(date(2026, 12, 7), END_OF_DAY, tzinfo=profile.tz)


def test_callbacks_count_business_days_even_for_school_day_profiles() -> None:
    area = load_profile("area_offices")
    # 25 Nov 2026 is a school closure but a business day.
    due = callback_due(area, received_at=ny(2026, 11, 24, 9), urgent=False, from_superior=False)
    assert due == ny(2026, 11, 25, 23, 59, 59)


@pytest.mark.parametrize(
    ("absent_since", "today", "needed"),
    [
        (None, date(2026, 12, 8), False),
        (date(2026, 12, 7), date(2026, 12, 7), False),  # absent one day
        (date(2026, 12, 7), date(2026, 12, 8), True),  # more than one day
        (date(2026, 12, 4), date(2026, 12, 7), True),  # Friday and Monday
        (date(2026, 12, 5), date(2026, 12, 7), False),  # the weekend does not count
    ],
)
def test_covering_supervisor_needed(absent_since: date | None, today: date, needed: bool) -> None:
    calendar = calendar_for(load_profile("lausd"))
    assert covering_supervisor_needed(absent_since=absent_since, today=today, calendar=calendar) is needed
