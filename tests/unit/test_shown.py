"""One way to show times, deadlines and phones (rules.shown): worked out by hand from the calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from calldesk.rules.shown import deadline_words, due_words, moment_words, phone_words
from calldesk.rules.triage import format_due

LA = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 12, 7)  # Mon 7 Dec 2026


def test_a_day_deadline_reads_by_the_end_of_its_day() -> None:
    # A deadline counted in days ends at 23:59:59 local; 7 Dec 2026 is a Monday.
    assert deadline_words(datetime(2026, 12, 7, 23, 59, 59, tzinfo=LA), tz=LA, today=TODAY) == "by end of Mon 7 Dec"
    # The midnight that closes Mon 7 Dec is the same deadline.
    assert deadline_words(datetime(2026, 12, 8, 0, 0, tzinfo=LA), tz=LA, today=TODAY) == "by end of Mon 7 Dec"


def test_an_hour_deadline_reads_with_its_time_in_the_agencys_zone() -> None:
    # 23:00 UTC on 7 Dec is 15:00 in Los Angeles (PST, UTC-8).
    assert deadline_words(datetime(2026, 12, 7, 23, 0, tzinfo=UTC), tz=LA, today=TODAY) == "by Mon 7 Dec 15:00"
    # 06:00 UTC on 8 Dec is 22:00 on Mon 7 Dec in Los Angeles: the local day, not the UTC one.
    assert deadline_words(datetime(2026, 12, 8, 6, 0, tzinfo=UTC), tz=LA, today=TODAY) == "by Mon 7 Dec 22:00"


def test_the_year_is_said_only_when_it_is_not_this_year() -> None:
    # 4 Jan 2027 is a Monday; read in 2026 it says 2027, read in 2027 it does not.
    due = datetime(2027, 1, 4, 23, 59, 59, tzinfo=LA)
    assert deadline_words(due, tz=LA, today=TODAY) == "by end of Mon 4 Jan 2027"
    assert deadline_words(due, tz=LA, today=date(2027, 1, 2)) == "by end of Mon 4 Jan"
    assert moment_words(datetime(2025, 11, 3, 9, 5, tzinfo=LA), tz=LA, today=TODAY) == "Mon 3 Nov 2025 09:05"


def test_format_due_is_the_same_words() -> None:
    assert format_due(datetime(2026, 12, 15, 23, 59, 59, tzinfo=LA), with_time=True) == "end of Tue 15 Dec"
    assert format_due(datetime(2026, 12, 15, 23, 59, 59, tzinfo=LA), with_time=False) == "Tue 15 Dec"
    assert due_words(datetime(2026, 11, 30, 15, 0, tzinfo=LA)) == "Mon 30 Nov 15:00"


def test_phones_read_as_the_caller_would_write_them() -> None:
    assert phone_words("+12135550142") == "(213) 555-0142"  # stored E.164, a US number
    assert phone_words("213.555.0142") == "(213) 555-0142"
    assert phone_words("+442079460958") == "+44 20 7946 0958"  # abroad: the international form
    assert phone_words("call the office") == "call the office"  # not a number: as typed
    assert phone_words("\x1b[2Jx") == "\\x1b[2Jx"  # stored text stays inert
    assert phone_words(None) == "" and phone_words("") == ""
