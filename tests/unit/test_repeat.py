"""Repeat callers (Area Offices Level Two) and repeated issues at one school (Level One)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from calldesk.rules.profile import Profile
from calldesk.rules.repeat import CallerKey, PriorCase, detect_repeat, matches_caller, trend_of, trend_since
from tests.unit.conftest import la

NOW = la(2026, 11, 23, 10)


def prior(
    number: str = "2026-000871",
    *,
    days_ago: float = 12,
    phone: str | None = "13105551234",
    email: str | None = "maria@example.org",
    name: str | None = "Maria Lopez",
    category: str | None = "Transportation",
    school: str | None = "Lincoln High",
    status: str = "closed",
) -> PriorCase:
    opened: datetime = NOW - timedelta(days=days_ago)
    return PriorCase(number, opened, phone, email, name, category, school, status)


CALLER = CallerKey(phone_digits="13105551234", email=None, name=None)


@pytest.mark.parametrize(
    ("key", "matches"),
    [
        (CallerKey(phone_digits="13105551234"), True),
        (CallerKey(phone_digits="3105551234"), True),  # typed without the country code
        (CallerKey(email="  MARIA@Example.ORG "), True),
        (CallerKey(name="maria   LOPEZ"), True),
        (CallerKey(phone_digits="13105559999", email="other@example.org", name="Maria Lopes"), False),
        (CallerKey(), False),
    ],
)
def test_matches_caller(key: CallerKey, matches: bool) -> None:
    assert matches_caller(key, prior()) is matches


def test_repeat_caller_same_category_becomes_a_linked_concern(profile: Profile) -> None:
    decision = detect_repeat(
        profile, caller=CALLER, category="transportation", school="Roosevelt Elementary", opened_at=NOW,
        priors=[prior()],
    )
    assert decision is not None
    assert (decision.linked_case_number, decision.tier, decision.owner_role) == (
        "2026-000871", "concern", "program_specialist",
    )
    assert decision.days_since == 12
    assert decision.message == (
        "called 12 days ago about Transportation: this is now a concern, linked to 2026-000871, "
        "routed to a program specialist"
    )


def test_repeat_caller_same_school_other_category(lausd: Profile) -> None:
    decision = detect_repeat(
        lausd, caller=CALLER, category="Enrollment", school="lincoln high", opened_at=NOW, priors=[prior()]
    )
    assert decision is not None and decision.category_or_school == "Lincoln High"


def test_match_by_email_only(lausd: Profile) -> None:
    caller = CallerKey(phone_digits="13105550000", email="Maria@Example.org", name="M. Lopez")
    decision = detect_repeat(
        lausd, caller=caller, category="Transportation", school=None, opened_at=NOW, priors=[prior(phone=None)]
    )
    assert decision is not None and decision.linked_case_number == "2026-000871"


@pytest.mark.parametrize(
    ("earlier", "category", "school"),
    [
        (prior(days_ago=31), "Transportation", "Lincoln High"),  # outside the 30-day window
        (prior(), "Enrollment", "Roosevelt Elementary"),  # different category and school
        (prior(days_ago=-1), "Transportation", "Lincoln High"),  # opened after this call
        (prior(phone="13105559999", email=None, name="Someone Else"), "Transportation", "Lincoln High"),
    ],
)
def test_no_repeat(lausd: Profile, earlier: PriorCase, category: str, school: str) -> None:
    assert detect_repeat(
        lausd, caller=CALLER, category=category, school=school, opened_at=NOW, priors=[earlier]
    ) is None


def test_window_edge_and_most_recent_match_is_linked(lausd: Profile) -> None:
    priors = [prior("2026-000001", days_ago=30), prior("2026-000002", days_ago=1), prior("2026-000003", days_ago=5)]
    decision = detect_repeat(
        lausd, caller=CALLER, category="Transportation", school=None, opened_at=NOW, priors=priors
    )
    assert decision is not None
    assert decision.linked_case_number == "2026-000002"
    assert decision.message.startswith("called yesterday about Transportation")
    only_edge = detect_repeat(
        lausd, caller=CALLER, category="Transportation", school=None, opened_at=NOW, priors=priors[:1]
    )
    assert only_edge is not None and only_edge.days_since == 30


def test_trend_at_threshold(profile: Profile) -> None:
    trend = trend_of(profile, school="Lincoln High", earlier=2, latest=["2026-000101", "2026-000102"])
    assert trend is not None
    assert (trend.count, trend.window_days, trend.case_numbers) == (3, 30, ["2026-000101", "2026-000102"])
    assert "3 cases about Lincoln High in 30 days" in trend.message


def test_no_trend_below_threshold(lausd: Profile) -> None:
    assert trend_of(lausd, school="Lincoln High", earlier=1, latest=["2026-000102"]) is None
    assert trend_of(lausd, school="Lincoln High", earlier=0, latest=[]) is None


def test_the_trend_window_is_counted_in_local_days(lausd: Profile) -> None:
    since = trend_since(lausd, NOW)
    assert since.utcoffset() is not None and (NOW - since).days == lausd.trend_window_days


@pytest.mark.parametrize(("call_type", "repeated", "expected"), [
    ("inquiry", True, "concern"), ("compliment", True, "concern"), ("concern", True, "concern"),
    ("complaint", True, "complaint"), ("inquiry", False, "inquiry"),
])
def test_a_repeat_call_is_at_least_a_concern(call_type: str, repeated: bool, expected: str) -> None:
    from calldesk.rules.repeat import promoted_call_type

    assert promoted_call_type(call_type, repeated=repeated) == expected  # type: ignore[arg-type]


def test_a_busy_school_trend_names_the_newest_three_and_counts_the_rest(profile: Profile) -> None:
    trend = trend_of(profile, school="Lincoln High", earlier=6, latest=["2026-000103", "2026-000104", "2026-000105"])
    assert trend is not None and trend.count == 7
    assert trend.case_numbers == ["2026-000103", "2026-000104", "2026-000105"]
    assert "7 cases about Lincoln High in 30 days (3 earlier, then 2026-000103, 2026-000104, 2026-000105 and this " \
           "one)" in trend.message
