"""Open days and open hours (PROTOCOL.md section 3): worked examples and properties on every profile."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calldesk.profiles import load_profile
from calldesk.rules.calendar import END_OF_DAY, OpenCalendar, calendar_for, federal_holidays
from calldesk.rules.profile import Span
from tests.unit.conftest import LA, NY, PROFILE_NAMES, la, ny

BUSINESS_LA = OpenCalendar(LA, "business")


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # The worked example: Thanksgiving (Thu 26 Nov 2026) does not count.
        (la(2026, 11, 23, 10), 15, la(2026, 12, 15, 23, 59, 59)),
        (la(2026, 11, 23, 10), 0, la(2026, 11, 23, 23, 59, 59)),
        (la(2026, 11, 25, 16), 1, la(2026, 11, 27, 23, 59, 59)),
        # A start on a closed day is day 0 all the same.
        (la(2026, 12, 5, 11), 2, la(2026, 12, 8, 23, 59, 59)),
        (la(2026, 12, 5, 11), 0, la(2026, 12, 7, 23, 59, 59)),
        (la(2026, 11, 26, 9), 1, la(2026, 11, 27, 23, 59, 59)),
        # Christmas and New Year's Day 2027 fall on Fridays.
        (la(2026, 12, 24, 9), 1, la(2026, 12, 28, 23, 59, 59)),
        (la(2026, 12, 31, 9), 1, la(2027, 1, 4, 23, 59, 59)),
    ],
)
def test_add_open_days_business(start: datetime, days: int, due: datetime) -> None:
    assert BUSINESS_LA.add_open_days(start, days) == due


def test_thanksgiving_example_from_another_time_zone() -> None:
    opened = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles
    due = BUSINESS_LA.add_open_days(opened, 15)
    assert due == la(2026, 12, 15, 23, 59, 59)
    assert due.tzinfo == LA


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # The worked example: 24 hours from Friday 15:00 lands on Monday 15:00.
        (la(2026, 12, 4, 15), 24, la(2026, 12, 7, 15)),
        (la(2026, 12, 7, 9, 30), 48, la(2026, 12, 9, 9, 30)),
        (la(2026, 12, 7, 9, 30), 0, la(2026, 12, 7, 9, 30)),
        # A case opened on a closed day starts its clock at 00:00 of the next open day.
        (la(2026, 12, 5, 11), 24, la(2026, 12, 8, 0)),
        (la(2026, 12, 5, 11), 6, la(2026, 12, 7, 6)),
        (la(2026, 11, 26, 12), 10, la(2026, 11, 27, 10)),
        # The fall-back weekend (1 Nov 2026) does not move a wall-clock deadline.
        (la(2026, 10, 30, 15), 24, la(2026, 11, 2, 15)),
        # A span used up exactly at the end of an open day ends at that midnight (PROTOCOL.md section 3):
        # Wed 25 Nov 00:00 + 24 h is all of Wednesday, so the end of Wed = Thu 26 Nov 00:00 (not Fri 27 00:00).
        (la(2026, 11, 25, 0), 24, la(2026, 11, 26, 0)),
        # Received on Thanksgiving 11:00: the clock starts Fri 27 00:00, 24 h is all of Friday, so Sat 28 00:00
        # (not Mon 30 00:00).
        (la(2026, 11, 26, 11), 24, la(2026, 11, 28, 0)),
        # Tue 24 Nov 00:00 + 48 h: Tuesday and Wednesday, ending at the midnight after Wednesday (Thu 26 00:00).
        (la(2026, 11, 24, 0), 48, la(2026, 11, 26, 0)),
    ],
)
def test_add_open_hours_business(start: datetime, hours: int, due: datetime) -> None:
    assert BUSINESS_LA.add_open_hours(start, hours) == due


def test_open_days_between_counts_days_after_the_start() -> None:
    start = la(2026, 11, 23, 10)
    assert BUSINESS_LA.open_days_between(start, la(2026, 12, 15, 8)) == 15
    assert BUSINESS_LA.open_days_between(start, start) == 0
    assert BUSINESS_LA.open_days_between(la(2026, 12, 15, 8), start) == -15


@pytest.mark.parametrize(
    ("day", "is_open"),
    [
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 11, 27), True),  # the day after is a business day
        (date(2026, 7, 3), False),  # Independence Day observed (4 July is a Saturday)
        (date(2027, 12, 31), False),  # New Year's Day 2028 observed on the Friday before
        (date(2027, 6, 18), False),  # Juneteenth observed
        (date(2026, 12, 5), False),  # Saturday
        (date(2026, 12, 7), True),
    ],
)
def test_business_days_follow_us_federal_holidays(day: date, is_open: bool) -> None:
    assert BUSINESS_LA.is_open_day(day) is is_open


def test_school_closures_only_count_for_school_day_profiles() -> None:
    lausd = load_profile("lausd")
    assert date(2026, 11, 24) in lausd.closures  # Thanksgiving break is in its calendar file...
    assert calendar_for(lausd).is_open_day(date(2026, 11, 24))  # ...but LAUSD counts business days.
    assert not calendar_for(lausd, day_kind="school").is_open_day(date(2026, 11, 24))


def test_school_day_profile_skips_closures() -> None:
    area = calendar_for(load_profile("area_offices"))
    # Thanksgiving recess 25-27 Nov 2026: 10 school days from Mon 23 Nov end on Thu 10 Dec.
    assert area.add_open_days(ny(2026, 11, 23, 10), 10) == ny(2026, 12, 10, 23, 59, 59)
    business = calendar_for(load_profile("area_offices"), day_kind="business")
    assert business.add_open_days(ny(2026, 11, 23, 10), 10) == ny(2026, 12, 8, 23, 59, 59)
    # Winter recess 24 Dec 2026 - 1 Jan 2027: acknowledging 2 school days after 23 Dec means 5 Jan.
    assert area.add_open_days(ny(2026, 12, 23, 10), 2) == ny(2027, 1, 5, 23, 59, 59)
    assert area.add_open_hours(ny(2026, 12, 23, 20), 24) == ny(2027, 1, 4, 20)


def test_add_span_dispatches_on_the_unit() -> None:
    start = la(2026, 12, 4, 15)
    assert BUSINESS_LA.add_span(start, Span(amount=24, unit="hours")) == la(2026, 12, 7, 15)
    assert BUSINESS_LA.add_span(start, Span(amount=1, unit="days")) == la(2026, 12, 7, 23, 59, 59)


def test_next_open_moment() -> None:
    assert BUSINESS_LA.next_open_moment(la(2026, 12, 4, 15)) == la(2026, 12, 4, 15)
    assert BUSINESS_LA.next_open_moment(la(2026, 12, 5, 15)) == la(2026, 12, 7, 0)
    # 02:00 UTC on Saturday is still Friday evening in Los Angeles.
    assert BUSINESS_LA.next_open_moment(datetime(2026, 12, 5, 2, tzinfo=UTC)) == la(2026, 12, 4, 18)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        BUSINESS_LA.add_open_days(datetime(2026, 11, 23, 10), 1)
    with pytest.raises(ValueError):
        BUSINESS_LA.add_open_days(la(2026, 11, 23, 10), -1)


@pytest.mark.serial  # a time limit
def test_adding_days_is_fast() -> None:
    for year in (2026, 2027):
        federal_holidays(year)  # warm the per-year cache
    start = la(2026, 11, 23, 10)
    began = time.perf_counter()
    for _ in range(1000):
        BUSINESS_LA.add_open_days(start, 15)
    per_call = (time.perf_counter() - began) / 1000
    assert per_call < 200e-6, f"adding 15 days took {per_call * 1e6:.0f} us"


# Properties, on the calendar of every shipped profile.
CALENDARS = [calendar_for(load_profile(name)) for name in PROFILE_NAMES]
ZONES = [UTC, LA, NY, ZoneInfo("Asia/Tokyo"), ZoneInfo("Pacific/Honolulu")]
starts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 6, 30), timezones=st.sampled_from(ZONES)
)
calendars = st.sampled_from(CALENDARS)
PROPERTY = settings(max_examples=150, deadline=None, database=None)


@PROPERTY
@given(calendar=calendars, start=starts, days=st.integers(0, 45))
def test_day_deadline_is_an_open_day_end_never_before_start(
    calendar: OpenCalendar, start: datetime, days: int
) -> None:
    due = calendar.add_open_days(start, days)
    assert calendar.is_open_day(due.date())
    assert due >= start
    assert due.tzinfo == calendar.tz and due.time() == END_OF_DAY


@PROPERTY
@given(calendar=calendars, start=starts, days=st.integers(1, 45))
def test_open_days_between_inverts_add_open_days(calendar: OpenCalendar, start: datetime, days: int) -> None:
    assert calendar.open_days_between(start, calendar.add_open_days(start, days)) == days


@PROPERTY
@given(calendar=calendars, start=starts, first=st.integers(1, 30), then=st.integers(0, 30))
def test_adding_days_composes(calendar: OpenCalendar, start: datetime, first: int, then: int) -> None:
    stepwise = calendar.add_open_days(calendar.add_open_days(start, first), then)
    assert stepwise.date() == calendar.add_open_days(start, first + then).date()


@PROPERTY
@given(calendar=calendars, start=starts, hours=st.integers(0, 24 * 30))
def test_hour_deadline_is_on_an_open_day_never_before_start(
    calendar: OpenCalendar, start: datetime, hours: int
) -> None:
    due = calendar.add_open_hours(start, hours)
    # On an open day, or at the midnight that ends one (a span used up exactly at the end of an open day).
    ends_open_day = due.time() == wall_time.min and calendar.is_open_day(due.date() - timedelta(days=1))
    assert calendar.is_open_day(due.date()) or (ends_open_day and hours > 0)
    assert due >= start
    assert due.tzinfo == calendar.tz


@PROPERTY
@given(calendar=calendars, start=starts, first=st.integers(0, 24 * 15), then=st.integers(0, 24 * 15))
def test_adding_hours_composes(calendar: OpenCalendar, start: datetime, first: int, then: int) -> None:
    stepwise = calendar.add_open_hours(calendar.add_open_hours(start, first), then)
    # The midnight ending an open day and 00:00 of the next open day are the same open-hours moment.
    same = calendar.next_open_moment
    assert same(stepwise) == same(calendar.add_open_hours(start, first + then))


@PROPERTY
@given(calendar=calendars, start=starts, days=st.integers(1, 30))
def test_whole_days_of_hours_match_open_days(calendar: OpenCalendar, start: datetime, days: int) -> None:
    local = calendar.local(start)
    if not calendar.is_open_day(local.date()):
        local = calendar.start_of_day(calendar.next_open_day(local.date())) + timedelta(hours=9)
    due = calendar.add_open_hours(local, 24 * days)
    if local.time() == wall_time.min:  # whole open days from a midnight end at the midnight ending the last of them
        assert due == calendar.start_of_day(calendar.add_open_days(local, days - 1).date() + timedelta(days=1))
        return
    assert due.date() == calendar.add_open_days(local, days).date()
    assert due.time() == local.time()
