"""Callback due times in words, and the attempt results people type."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calldesk.rules.callbacks import attempt_result, describe_due

LA = ZoneInfo("America/Los_Angeles")
DUE = datetime(2026, 11, 23, 17, 0, tzinfo=LA)


@pytest.mark.parametrize(("now", "words"), [
    (DUE - timedelta(hours=2), "due by Mon 23 Nov 17:00"),
    (DUE + timedelta(seconds=20), "due now"),
    (DUE + timedelta(minutes=45), "overdue by 45 min"),
    (DUE + timedelta(hours=3), "overdue by 3 h"),
    (DUE + timedelta(hours=3, minutes=5), "overdue by 3 h 5 min"),
    (DUE + timedelta(days=2, hours=1, minutes=9), "overdue by 2 days 1 h"),
    (DUE + timedelta(days=1), "overdue by 1 day"),
])
def test_due_in_words(now: datetime, words: str) -> None:
    assert describe_due(DUE, now=now, tz=LA, today=now.date()) == words


def test_a_day_deadline_reads_by_the_end_of_the_day_and_another_year_says_so() -> None:
    # One business day from a message: the end of the next business day (23:59:59 in the agency's zone).
    end_of_day = datetime(2026, 11, 24, 23, 59, 59, tzinfo=LA)
    assert describe_due(end_of_day, now=DUE, tz=LA, today=DUE.date()) == "due by end of Tue 24 Nov"
    new_year = datetime(2027, 1, 4, 23, 59, 59, tzinfo=LA)  # due in January, read in December: the year shown
    assert describe_due(new_year, now=DUE, tz=LA, today=DUE.date()) == "due by end of Mon 4 Jan 2027"


def test_attempt_results_as_typed() -> None:
    assert [attempt_result(t) for t in ("Reached", "voicemail", "no-answer", "No answer")] == [
        "reached", "voicemail", "no_answer", "no_answer"]
    with pytest.raises(ValueError, match="not an attempt result"):
        attempt_result("busy")
