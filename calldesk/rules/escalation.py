"""The escalation ladder and the appeal window."""

from __future__ import annotations

from datetime import datetime

from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import LadderStep, Profile


def next_escalation(profile: Profile, *, current_level: int) -> LadderStep | None:
    """The rung above `current_level` (0 = not escalated yet); None when the top has been reached."""
    if current_level < 0:
        raise ValueError("an escalation level cannot be negative")
    for step in profile.ladder:
        if step.level == current_level + 1:
            return step
    return None


def escalation_step(profile: Profile, level: int) -> LadderStep | None:
    """The rung at `level`, or None (level 0 is the desk itself, before any escalation)."""
    return next((step for step in profile.ladder if step.level == level), None)


def appeal_deadline(profile: Profile, decided_at: datetime) -> datetime | None:
    """Last moment to appeal a decision in writing (Area Offices: 5 school days); None if no window."""
    if profile.appeal_within is None:
        return None
    return calendar_for(profile).add_span(decided_at, profile.appeal_within)
