"""The one rule for a time a person gives about a case (rules.typed_dates.not_before_opening): worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from calldesk.errors import InvalidInput
from calldesk.rules.typed_dates import not_before_opening

NY = ZoneInfo("America/New_York")
# The case was opened Wed 11 Dec 2024 08:09:41 in New York (13:09:41 UTC); it is now Mon 7 Dec 2026.
OPENED = datetime(2024, 12, 11, 13, 9, 41, tzinfo=UTC)
NOW = datetime(2026, 12, 7, 20, tzinfo=UTC)


def test_a_time_before_the_opening_is_refused_naming_what_and_the_opening_in_the_agencys_zone() -> None:
    with pytest.raises(InvalidInput) as refused:
        not_before_opening(datetime(2024, 12, 11, 8, 8, tzinfo=NY), opened_at=OPENED, tz=NY, now=NOW,
                           refused="The step cannot be done", field="happened_at")
    assert refused.value.message == ("The step cannot be done before the case was opened (Wed 11 Dec 2024 08:09): "
                                     "give a later time.")
    assert refused.value.field == "happened_at"
    with pytest.raises(InvalidInput, match=r"^A step of the plan cannot be due before the case was opened "
                                           r"\(Wed 11 Dec 08:09\): give a later date\.$"):  # (read in 2024)
        not_before_opening(datetime(2024, 12, 10, 23, 59, 59, tzinfo=NY), opened_at=OPENED, tz=NY,
                           now=datetime(2024, 12, 20, tzinfo=UTC), refused="A step of the plan cannot be due",
                           field="step", later="date")


def test_the_minute_of_the_opening_and_later_are_kept_unchanged() -> None:
    # A time is typed to the minute: 08:09 is the opening's minute, not before it.
    for moment in (datetime(2024, 12, 11, 8, 9, tzinfo=NY), OPENED, datetime(2026, 1, 5, 9, tzinfo=NY)):
        assert not_before_opening(moment, opened_at=OPENED, tz=NY, now=NOW, refused="The meeting cannot be",
                                  field="when") is moment
