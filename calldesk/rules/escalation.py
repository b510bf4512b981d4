"""The escalation ladder, the appeal window and the direct referral when the principal is involved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import LadderStep, Profile
from calldesk.rules.shown import day_words, deadline_words

EscalationKind = Literal["escalation", "appeal", "direct"]
ESCALATION_KINDS: tuple[EscalationKind, ...] = ("escalation", "appeal", "direct")


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


def no_appeal(profile: Profile) -> str | None:
    """Why the profile takes no written appeal (Area Offices' step 4 is the only one among ours), else None."""
    return None if profile.appeal_within is not None else f"The {profile.title} protocol sets no written appeal."


def appeal_deadline(profile: Profile, decided_at: datetime) -> datetime | None:
    """Last moment to appeal a decision in writing (Area Offices: 5 school days); None if no window."""
    if profile.appeal_within is None:
        return None
    return calendar_for(profile).add_span(decided_at, profile.appeal_within)


@dataclass(frozen=True)
class EscalationPlan:
    """Where a case goes and why, in words (what the escalation record and the screen say)."""

    step: LadderStep
    kind: EscalationKind
    message: str


def plan_escalation(profile: Profile, *, current_level: int, kind: EscalationKind = "escalation",
                    decided_at: datetime | None = None, received_at: datetime | None = None,
                    today: date | None = None) -> EscalationPlan:
    """The rung a case moves to, or RuleRefused with the one-line reason.

    - escalation: one rung up the ladder.
    - appeal: to the rung the profile names as hearing appeals (Area Offices: the Associate Superintendent), else
      one rung up; only when the written appeal (`received_at`) came within the profile's window after
      the decision (`decided_at`); a profile that sets no written appeal takes none. A late one says by
      when it had to come as rules.shown does (the year when not `today`'s, by default the day received).
    - direct: the concern directly involves the principal, so it goes at once to the rung the profile names
      for that (Area Offices: the Instructional Director), skipping the building-level attempt.
    """
    if kind not in ESCALATION_KINDS:
        raise InvalidInput(f"'{kind}' is not a kind of escalation: {', '.join(ESCALATION_KINDS)}.", field="kind")
    if not profile.ladder:
        raise RuleRefused(f"The {profile.title} protocol has no escalation ladder.")
    if kind == "direct":
        target = next((s for s in profile.ladder if s.when_principal_involved), profile.ladder[0])
        if current_level >= target.level:
            raise RuleRefused(f"The case is already with the {_rung(profile, current_level)}, above or at the "
                              f"{target.title}.")
        return EscalationPlan(target, kind, f"The principal is involved: referred directly to the {target.title}.")
    if kind == "appeal" and (refusal := no_appeal(profile)) is not None:
        raise RuleRefused(refusal)
    step = next_escalation(profile, current_level=current_level)
    if kind == "appeal":  # the rung that hears appeals (Area Offices: the Associate Superintendent), if above
        step = next((s for s in profile.ladder if s.hears_appeals and s.level > current_level), step)
    if step is None:
        raise RuleRefused(f"The case is already at the top of the {profile.title} ladder "
                          f"({_rung(profile, current_level)}).")
    if kind == "escalation":
        return EscalationPlan(step, kind, f"Escalated to the {step.title}.")
    if decided_at is None:
        raise RuleRefused("There is no decision to appeal yet: record the response first, or escalate.")
    if received_at is None:
        raise InvalidInput("Give the date the written appeal was received.", field="received_at")
    calendar = calendar_for(profile)
    decided_day = calendar.local(decided_at).date()
    if calendar.local(received_at).date() < decided_day:  # (by day: a received date is often given as a day)
        raise InvalidInput(f"The appeal cannot have been received before the decision it appeals "
                           f"({day_words(decided_day, this_year=(today or decided_day).year)}).", field="received_at")
    last = appeal_deadline(profile, decided_at)
    if last is not None and received_at > last:
        by = deadline_words(last, tz=calendar.tz, today=today or calendar.local(received_at).date())
        raise RuleRefused(f"The appeal came too late: it had to be made in writing {by} ({_span(profile)} after "
                          "the decision).")
    return EscalationPlan(step, kind, f"Appeal received in time: the {step.title} reviews the decision.")


def _rung(profile: Profile, level: int) -> str:
    step = escalation_step(profile, level)
    return step.title if step is not None else "desk"


def _span(profile: Profile) -> str:
    span = profile.appeal_within
    assert span is not None
    kind = "school" if profile.day_kind == "school" else "business"
    return f"{span.amount} {kind} days" if span.unit == "days" else f"{span.amount} hours"
