"""Triage: which tier a call lands in, who owns it, and when each of its clocks falls due."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from calldesk.errors import InvalidInput
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import (
    CALL_TYPES,
    TIER_LABELS,
    CallType,
    Profile,
    Span,
    Tier,
    a_role,
    role_rank,
)
from calldesk.rules.shown import day_words, due_words


@dataclass(frozen=True)
class CaseFlags:
    """What the agent knows about a call beyond its type and category."""

    due_process: bool = False
    special_education: bool = False
    safety: bool = False
    from_executive: bool = False
    urgent: bool = False
    needs_follow_up: bool = False


@dataclass(frozen=True)
class Deadlines:
    """When each clock of a case falls due, in the profile's time zone (None: no such clock)."""

    respond_by: datetime | None = None
    acknowledge_by: datetime | None = None
    next_follow_up_by: datetime | None = None
    resolve_by: datetime | None = None
    resolve_max: datetime | None = None


@dataclass(frozen=True)
class TriageDecision:
    """The tier, owner and deadlines of a new case, with the reasons an agent is shown."""

    tier: Tier | None
    owner_role: str
    deadlines: Deadlines
    close_now: bool
    reasons: list[str] = field(default_factory=list)


def flags_of(fields: Mapping[str, Any]) -> CaseFlags:
    """The routing flags of a case from its fields (the intake form's values or a stored case)."""
    return CaseFlags(
        due_process=bool(fields.get("due_process")),
        special_education=bool(fields.get("special_education")),
        safety=bool(fields.get("safety")),
        from_executive=fields.get("source", "none") not in (None, "none"),
        urgent=bool(fields.get("urgent")),
        needs_follow_up=bool(fields.get("needs_follow_up")),
    )

def tier_for(call_type: CallType, *, needs_follow_up: bool) -> Tier | None:
    """The tier of a call type (None for a compliment, which has no tier)."""
    if call_type == "inquiry":
        return "inquiry_followup" if needs_follow_up else "inquiry_immediate"
    if call_type == "compliment":
        return None
    return call_type


def deadlines_for(profile: Profile, tier: Tier, opened_at: datetime) -> Deadlines:
    """Every deadline of `tier` for a case opened at `opened_at`, counted on the profile's calendar."""
    calendar = calendar_for(profile)
    rule = profile.tiers[tier]

    def due(span: Span | None) -> datetime | None:
        return calendar.add_span(opened_at, span) if span is not None else None

    return Deadlines(
        respond_by=due(rule.respond_within),
        acknowledge_by=due(rule.acknowledge_within),
        next_follow_up_by=due(rule.follow_up_every),
        resolve_by=due(rule.resolve_target),
        resolve_max=due(rule.resolve_max),
    )


def intake_due(profile: Profile, received_at: datetime) -> datetime:
    """When a call received at `received_at` must be logged (LAUSD 24 hours; OC 2 business days)."""
    return calendar_for(profile, day_kind="business").add_span(received_at, profile.intake_within)


def check_call(profile: Profile, *, call_type: str, category: str | None) -> Any:
    """The profile's category named `category` (None if none is given); raises InvalidInput for an unknown
    call type or a category outside the profile's taxonomy."""
    if call_type not in CALL_TYPES:
        raise InvalidInput(
            f"'{call_type}' is not a call type: choose {', '.join(CALL_TYPES)}.", field="call_type"
        )
    found = profile.category(category)
    if category and found is None:
        raise InvalidInput(
            f"'{category}' is not a category of the {profile.title} protocol: pick one from the list.",
            field="category",
        )
    return found


def triage(
    profile: Profile,
    *,
    call_type: CallType,
    category: str | None,
    flags: CaseFlags,
    opened_at: datetime,
) -> TriageDecision:
    """Decide tier, owner and deadlines for a new call.

    A compliment has no tier: it is owned by the immediate-inquiry owner (the agent) and, like an
    immediate inquiry, must be closed within that tier's resolve target (24 hours by default).
    `flags.urgent` does not change the tier: it makes a callback due at once (see rules.callbacks).
    Raises InvalidInput for an unknown call type or a category outside the profile's taxonomy.
    """
    found = check_call(profile, call_type=call_type, category=category)
    calendar = calendar_for(profile)
    opened_local = calendar.local(opened_at)
    tier = tier_for(call_type, needs_follow_up=flags.needs_follow_up)
    reasons: list[str] = []

    if tier is None:
        rule = profile.tiers["inquiry_immediate"]
        owner = rule.owner_role
        target = rule.resolve_target
        deadlines = Deadlines(resolve_by=calendar.add_span(opened_local, target) if target else None)
        reasons.append("Compliment: record it, thank the caller and close it; it needs no follow-up.")
    else:
        rule = profile.tiers[tier]
        owner = rule.owner_role
        deadlines = deadlines_for(profile, tier, opened_local)
        reasons.append(f"{TIER_LABELS[tier]}: handled by {a_role(owner)}.")

    serious = call_type in ("concern", "complaint")
    if serious and (flags.special_education or (found is not None and found.special_education)):
        owner = _at_least(owner, "supervisor")
        reasons.append(
            "Special education concern or complaint: write the claim and the evidence, "
            "then it is assigned to the coordinator."
        )
    if flags.from_executive and call_type != "compliment":
        owner = _at_least(owner, "program_specialist")
        reasons.append(
            "Came from the Superintendent's/CEO's office or the Board: handled by "
            f"{a_role(owner)}, not left with the agent."
        )
    if flags.safety or (found is not None and found.safety):
        reasons.append(
            "Safety or security concern: refer it to the safety and security office and record the referral."
        )

    close_now = flags.due_process
    if close_now:
        # A case already in due process is only documented; no clock runs on it here.
        deadlines = Deadlines()
        reasons.append("Already in due process: documented and closed.")
    return TriageDecision(tier, owner, deadlines, close_now, reasons)


def _at_least(owner: str, minimum: str) -> str:
    return owner if role_rank(owner) >= role_rank(minimum) else minimum


def format_due(moment: datetime, *, with_time: bool, this_year: int | None = None) -> str:
    """A deadline already in the agency's zone, as people read it (rules.shown, the one way): "Tue 15 Dec" for
    the day alone; with the time, "Mon 30 Nov 15:00", or "end of Tue 15 Dec" for a deadline at the end of a day
    (23:59:59, or the midnight that closes the day before). With `this_year`, another year is said."""
    if with_time:
        return due_words(moment, this_year=this_year)
    return day_words(moment.date(), this_year=this_year)


_DEADLINE_WORDS = {
    "respond_by": "respond by {}",
    "acknowledge_by": "acknowledge by {}",
    "next_follow_up_by": "next follow-up by {}",
    "resolve_by": "resolve by {}",
    "resolve_max": "resolve at the latest by {}",
}


def describe_deadlines(deadlines: Deadlines, profile: Profile) -> list[str]:
    """Each deadline as a phrase, e.g. ["respond by Mon 30 Nov 15:00", "resolve by end of Tue 15 Dec"].

    Day deadlines (due at the end of a day) say so with the date; hour deadlines show the time (rules.shown).
    """
    calendar = calendar_for(profile)
    phrases: list[str] = []
    for item in fields(deadlines):
        moment: datetime | None = getattr(deadlines, item.name)
        if moment is None:
            continue
        local = calendar.local(moment)
        shown = due_words(local)
        phrases.append(_DEADLINE_WORDS[item.name].format(shown))
    return phrases
