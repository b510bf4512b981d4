"""Follow-up cadence: concerns and complaints need a dated entry at least every 2 open days while open."""

from __future__ import annotations

from datetime import date, datetime

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.rules.calendar import calendar_for, require_aware
from calldesk.rules.profile import Profile, Tier
from calldesk.rules.shown import day_words, due_words


def next_follow_up_due(
    profile: Profile, tier: Tier | None, *, opened_at: datetime, last_entry_at: datetime | None
) -> datetime | None:
    """When the next follow-up entry is due, counted from the last entry (or the opening).

    None when the tier has no follow-up cadence (inquiries, compliments).
    """
    if tier is None:
        return None
    every = profile.tiers[tier].follow_up_every
    if every is None:
        return None
    since = require_aware(opened_at, "opening time")
    if last_entry_at is not None and require_aware(last_entry_at, "follow-up time") > since:
        since = last_entry_at
    return calendar_for(profile).add_span(since, every)


def is_follow_up_overdue(
    profile: Profile,
    tier: Tier | None,
    *,
    opened_at: datetime,
    last_entry_at: datetime | None,
    now: datetime,
    is_open: bool,
) -> bool:
    """True if an open case has gone past its follow-up due time without a new entry."""
    if not is_open:
        return False
    due = next_follow_up_due(profile, tier, opened_at=opened_at, last_entry_at=last_entry_at)
    return due is not None and require_aware(now, "current time") > due


PLAN_TIERS = frozenset({"concern", "complaint"})


def plan_window(profile: Profile, tier: Tier | None, *, case_number: str, resolve_by: datetime | None,
                today: date) -> str:
    """The days a prescribed plan's steps may fall on, in words ("today to end of Mon 14 Dec"): from `today` (a
    plan says what will be done) to the case's resolution target. Refused in words when the case has no plan (not
    a concern or complaint) or when its target has passed (no day is left for a step)."""
    if tier not in PLAN_TIERS:
        raise RuleRefused(f"Case {case_number} is not a concern or complaint: it has no prescribed plan.")
    calendar = calendar_for(profile)
    if resolve_by is None:
        return "today or later"
    target = due_words(calendar.local(resolve_by), this_year=today.year)
    if calendar.end_of_day(today) > resolve_by:
        raise RuleRefused(f"The resolution target passed ({target}): no plan fits now.")
    return f"today to {target}"


def plan_due(profile: Profile, tier: Tier | None, *, case_number: str, step: str, day: date,
             resolve_by: datetime | None, today: date) -> datetime:
    """When one step of the prescribed plan is due (the end of `day`); refused in words unless the case has a
    plan (plan_window), the step says what will be done, and its day is today or later and fits within the case's
    resolution timeline (named as rules.shown does: the year when not `today`'s)."""
    window = plan_window(profile, tier, case_number=case_number, resolve_by=resolve_by, today=today)
    if not step.strip():
        raise InvalidInput("Say what the step is.", field="step")
    calendar = calendar_for(profile)
    moment = calendar.end_of_day(day)
    if day < today:
        raise InvalidInput(f"{day_words(day, this_year=today.year)} is past: a step is what will be done, on a "
                           f"day from {window}.", field="due")
    if resolve_by is not None and moment > resolve_by:
        raise InvalidInput(f"The step falls after the case's resolution target "
                           f"({due_words(calendar.local(resolve_by), this_year=today.year)}); the timeline must "
                           "fit within it.",
                           field="due")
    return moment
