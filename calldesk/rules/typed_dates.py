"""Dates and times a person types (command-line options, dialog fields), read in one place.

Only the years 1900 to 2999 are taken: deadlines are counted forward from these dates in business days, months
and years, and a year like 9999 (or 0001) would run off the end of the calendar (an OverflowError, not a refusal).
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING

from calldesk.errors import InvalidInput

if TYPE_CHECKING:
    from calldesk.rules.profile import Profile

FIRST_YEAR, LAST_YEAR = 1900, 2999


def check_year(year: int, text: str, what: str, field: str | None = None) -> None:
    """InvalidInput unless `year` is one calldesk counts deadlines in."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"'{text.strip()}' is out of range for {what}: give a date in the years {FIRST_YEAR} to "
                           f"{LAST_YEAR}.", field=field or what)


def typed_day(text: str, what: str, field: str | None = None) -> date:
    """The day typed as YYYY-MM-DD; InvalidInput naming `what` otherwise."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"'{text}' is not a date for {what}; write it as YYYY-MM-DD.", field=field or what) from None
    check_year(day.year, text, what, field)
    return day


def typed_moment(text: str, what: str, tz: tzinfo, field: str | None = None) -> datetime:
    """'2026-12-01 15:00' (or a date) as an aware datetime, in `tz` unless the text names its own offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"'{text}' is not a date and time like 2026-12-01 15:00 ({what}).",
                           field=field or what) from None
    check_year(moment.year, text, what, field)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def not_in_future(moment: datetime, *, now: datetime, refusal: str, field: str) -> datetime:
    """`moment` unchanged when it is not after `now` (no clock skew is allowed: the time was given, not measured);
    InvalidInput(`refusal`, naming `field`) when it lies in the future. The one rule for a time a person gives
    of something that already happened (a message received, a step taken, a call opened)."""
    if moment > now:
        raise InvalidInput(refusal, field=field)
    return moment


def not_before_opening(moment: datetime, *, opened_at: datetime, refused: str, field: str, tz: tzinfo,
                       now: datetime, later: str = "time") -> datetime:
    """`moment` unchanged when it is not before `opened_at` (to the minute: a time is typed to the minute);
    otherwise InvalidInput naming `field`: "`refused` before the case was opened (Wed 11 Dec 2024 08:09): give a
    later `later`." (`refused`: what cannot be, "The step cannot be done"; the opening in the agency's zone `tz`,
    its year when not `now`'s). The one rule for a time a person gives about a case (a step done, a plan step
    due, a meeting, an appeal received): nothing about a case comes before the call that opened it."""
    if moment >= opened_at.replace(second=0, microsecond=0):
        return moment
    from calldesk.rules.shown import moment_words  # (with the calendar, loaded only when a time is refused)

    opening = moment_words(opened_at, tz=tz, today=now.astimezone(tz).date())
    raise InvalidInput(f"{refused} before the case was opened ({opening}): give a later {later}.", field=field)


def local_moment(profile: Profile, text: str, what: str, field: str | None = None) -> datetime:
    """'2026-12-01 15:00' (or a date) in the agency's time zone, as an aware datetime."""
    from calldesk.rules.calendar import calendar_for  # (the calendar's tables load only when a time is typed)

    return typed_moment(text, what, calendar_for(profile).tz, field)


def day_start(profile: Profile, day: date) -> datetime:
    """The moment `day` begins in the agency's time zone (local midnight), as an aware datetime: a typed day
    as the first moment of a period (--since; the day after --until as its end)."""
    from calldesk.rules.calendar import calendar_for

    return datetime.combine(day, time.min, tzinfo=calendar_for(profile).tz)
