"""Returning telephone calls (LA DCFS): when a callback is due and when a supervisor covers it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from calldesk.rules.calendar import OpenCalendar, calendar_for
from calldesk.rules.profile import Profile


@dataclass(frozen=True)
class StaffAbsence:
    """A member of staff away from work since `absent_since` (None: present)."""

    staff: str
    absent_since: date | None


def callback_due(profile: Profile, *, received_at: datetime, urgent: bool, from_superior: bool) -> datetime:
    """When a message must be returned: urgent calls and calls from superiors immediately (the time
    received), all others within the profile's callback span counted in business days, even for
    school-day profiles (1 business day: the end of the next business day).
    """
    business = calendar_for(profile, day_kind="business")
    if urgent or from_superior:
        return business.local(received_at)
    return business.add_span(received_at, profile.callback_within)


def covering_supervisor_needed(*, absent_since: date | None, today: date, calendar: OpenCalendar) -> bool:
    """True when staff have been absent more than one open day, so their supervisor takes their callbacks."""
    if absent_since is None:
        return False
    return calendar.count_open_days(absent_since, today) > 1
