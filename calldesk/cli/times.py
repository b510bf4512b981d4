"""Times on the terminal: every stored (UTC) moment in the agency's time zone, in rules.shown's words, the year said
only when it is not this year's (the agency's today). One place for every command's tables and messages."""

from __future__ import annotations

from datetime import date, datetime

from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import Profile
from calldesk.rules.shown import day_words, due_words, moment_words


def agency_today(profile: Profile) -> date:
    """Today in the agency's time zone."""
    from calldesk.models import utcnow

    return calendar_for(profile).local(utcnow()).date()


def moment_text(profile: Profile, moment: datetime | None) -> str:
    """A moment something happened: "Mon 7 Dec 15:00" ("Mon 3 Nov 2025 09:05" in another year); "" for none."""
    if moment is None:
        return ""
    return moment_words(moment, tz=calendar_for(profile).tz, today=agency_today(profile))


def due_text(profile: Profile, moment: datetime | None) -> str:
    """A deadline, without "by": "end of Mon 7 Dec" (a day deadline), "Mon 7 Dec 15:00" (an hour deadline);
    "" for none."""
    if moment is None:
        return ""
    return due_words(calendar_for(profile).local(moment), this_year=agency_today(profile).year)


def day_text(profile: Profile, day: date | None) -> str:
    """A day: "Mon 7 Dec" ("Mon 4 Jan 2027" in another year); "" for none."""
    return day_words(day, this_year=agency_today(profile).year) if day is not None else ""
