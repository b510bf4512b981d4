"""Repeat callers and repeated issues at one school (Area Offices, Levels One and Two)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from calldesk.rules.calendar import calendar_for, require_aware
from calldesk.rules.contact import normalise_name, phone_digits
from calldesk.rules.profile import CallType, Profile, Tier, a_role


@dataclass(frozen=True)
class PriorCase:
    """What the repeat and trend rules need to know about an earlier case."""

    case_number: str
    opened_at: datetime
    phone_digits: str | None
    email: str | None
    caller_name: str | None
    category: str | None
    school: str | None
    status: str
    id: int | None = None  # the store's row (to link the new case to it)


@dataclass(frozen=True)
class CallerKey:
    """How a caller is recognised: any one of phone digits, email or name."""

    phone_digits: str | None = None
    email: str | None = None
    name: str | None = None


@dataclass(frozen=True, kw_only=True)
class RepeatDecision:
    """The new call repeats an earlier one: it becomes a concern linked to that case."""

    linked_case_number: str
    tier: Tier = "concern"
    owner_role: str = "program_specialist"
    days_since: int
    category_or_school: str
    message: str


@dataclass(frozen=True)
class TrendDecision:
    """Enough cases at one school or department in the window to flag a trend to supervisors."""

    school: str
    count: int
    window_days: int
    case_numbers: list[str] = field(default_factory=list)  # the newest earlier ones (at most TREND_LISTED)
    message: str = ""


TREND_LISTED = 3  # earlier cases a trend note names (the newest); the others are counted


def matches_caller(key: CallerKey, prior: PriorCase) -> bool:
    """True if the prior case's caller is the same person: same phone digits, email or name."""
    return caller_matcher(key)(prior)


def caller_matcher(key: CallerKey) -> Callable[[PriorCase], bool]:
    """`matches_caller(key, prior)` as a function of the prior, with the key normalised once (a bulk import
    asks it of every earlier case of a common name). A number typed without its country code still matches
    the stored E.164 digits; an email or name matches case-folded, whitespace collapsed."""
    phone = phone_digits(key.phone_digits)
    email = normalise_name(key.email) if key.email else None  # None: not given
    name = normalise_name(key.name) if key.name else None

    def matches(prior: PriorCase) -> bool:
        if phone and prior.phone_digits:
            other = phone_digits(prior.phone_digits)
            if other and (phone == other or (min(len(phone), len(other)) >= 10 and phone[-10:] == other[-10:])):
                return True
        return (email is not None and bool(prior.email) and normalise_name(prior.email) == email) or \
            (name is not None and bool(prior.caller_name) and normalise_name(prior.caller_name) == name)

    return matches


def _aware(prior: PriorCase) -> datetime:
    """The prior's opening time, refused (ValueError) without a time zone."""
    return prior.opened_at if prior.opened_at.tzinfo is not None else \
        require_aware(prior.opened_at, "earlier case's opening time")


# The form's fields `detect_repeat` reads beside the caller's (who is calling is looked up from name, phone, email).
REPEAT_INPUTS = frozenset({"category", "school"})


def _ago(days: int) -> str:
    if days == 0:
        return "earlier today"
    return "yesterday" if days == 1 else f"{days} days ago"


def detect_repeat(
    profile: Profile,
    *,
    caller: CallerKey,
    category: str | None,
    school: str | None,
    opened_at: datetime,
    priors: Sequence[PriorCase],
) -> RepeatDecision | None:
    """The most recent earlier case by the same caller about the same category or school, within the window.

    None if there is none. The decision makes the new case a concern owned by the profile's concern owner;
    a complaint stays a complaint (the caller of this rule should never lower a tier).
    """
    calendar = calendar_for(profile)
    opened_local = calendar.local(opened_at)
    best: tuple[PriorCase, str] | None = None
    window = profile.repeat_window_days
    same_caller = caller_matcher(caller)
    # The window's ends as instants in the priors' own zone (UTC, as the store gives them): the same comparisons
    # as in local time, without converting every prior's time (a bulk import asks this of ~30 priors a row).
    since = opened_local - timedelta(days=window)
    zone = priors[0].opened_at.tzinfo if priors and priors[0].opened_at.tzinfo is not None else opened_local.tzinfo
    since, until = since.astimezone(zone), opened_local.astimezone(zone)
    topic = normalise_name(category) if category else None  # None: not given; else matched case-folded
    place = normalise_name(school) if school else None
    for prior in priors:
        at = prior.opened_at
        if at.tzinfo is None:
            at = _aware(prior)  # refused
        if not since <= at <= until or (best is not None and at <= best[0].opened_at):
            continue  # outside the window, or not newer than the best found (the first of equals stays)
        if not same_caller(prior):
            continue
        if topic is not None and prior.category and normalise_name(prior.category) == topic:
            about = prior.category
        elif place is not None and prior.school and normalise_name(prior.school) == place:
            about = prior.school
        else:
            continue
        best = (prior, about)
    if best is None:
        return None
    prior, about = best
    owner = profile.tiers["concern"].owner_role
    days = (opened_local.date() - calendar.local(prior.opened_at).date()).days
    message = (
        f"called {_ago(days)} about {about}: this is now a concern, linked to {prior.case_number}, "
        f"routed to {a_role(owner)}"
    )
    return RepeatDecision(
        linked_case_number=prior.case_number,
        days_since=days,
        category_or_school=about,
        message=message,
        owner_role=owner,
    )


def promoted_call_type(call_type: CallType, *, repeated: bool) -> CallType:
    """A repeat call is at least a concern: an inquiry or compliment is promoted, a complaint stays a complaint."""
    if repeated and call_type in ("inquiry", "compliment"):
        return "concern"
    return call_type


def trend_since(profile: Profile, opened_at: datetime) -> datetime:
    """The earliest opening time of a case that counts toward the trend of a case opened at `opened_at`: the
    window is counted in local days."""
    return calendar_for(profile).local(opened_at) - timedelta(days=profile.trend_window_days)


def trend_of(profile: Profile, *, school: str, earlier: int, latest: Sequence[str]) -> TrendDecision | None:
    """The trend decision for a new case at `school` with `earlier` cases there in the window, the newest of
    them `latest` (oldest first; the message names at most TREND_LISTED of them)."""
    count = earlier + 1
    if count < profile.trend_threshold:
        return None
    window = profile.trend_window_days
    named = list(latest)[-TREND_LISTED:]
    unnamed = earlier - len(named)
    listed = (f"{unnamed} earlier, then " if unnamed > 0 else "") + ", ".join(named)
    message = (
        f"{count} cases about {school} in {window} days ({listed} and this one): "
        "flag the trend to a supervisor"
    )
    return TrendDecision(school, count, window, named, message)
