"""The protocol's recorded steps (the profile's `[[steps]]`): which apply to a case, who records them, what an entry
must hold, by when it is due, and what it must come before (a resolution, a close).

One mechanism for the seeds' "inform", "tell", "verify", "review" and "notify" steps: Area Offices' building-level
attempt and administrator informed, LAUSD's request satisfied, Rochester's determination told to the parent, OC's
two-day review of a web item and the SPPR Analyst notified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import Profile, StepRule, a_role
from calldesk.rules.typed_dates import not_before_opening, not_in_future

PARTY_LIMIT = 200
NOTE_LIMIT = 2000


@dataclass(frozen=True)
class StepCase:
    """What the step rules need of a case."""

    case_number: str
    call_type: str
    tier: str | None
    channel: str
    school: str | None


def applies(rule: StepRule, case: StepCase) -> bool:
    """Whether the step is part of this case's protocol."""
    return ((not rule.call_types or case.call_type in rule.call_types)
            and (not rule.tiers or case.tier in rule.tiers)
            and (not rule.channels or case.channel in rule.channels)
            and (not rule.about_school or bool((case.school or "").strip())))


def steps_for(profile: Profile, case: StepCase) -> list[StepRule]:
    """The profile's steps that apply to `case`, in the profile's order."""
    return [rule for rule in profile.steps if applies(rule, case)]


def step_rule(profile: Profile, case: StepCase, name: str) -> StepRule:
    """The step called `name` for this case, or RuleRefused naming the steps the case has."""
    found = next((rule for rule in profile.steps if rule.name == name), None)
    if found is not None and applies(found, case):
        return found
    names = ", ".join(rule.name for rule in steps_for(profile, case)) or "none"
    if found is None:
        raise RuleRefused(f"The {profile.title} protocol has no step '{name}'; this case's steps: {names}.")
    raise RuleRefused(f"'{found.label}' is not a step of case {case.case_number}; its steps: {names}.")


def who_records(rule: StepRule) -> str:
    """Who may record the step, in words."""
    if rule.role_title:
        return rule.role_title
    return " or ".join(a_role(role) for role in rule.roles) or "anyone working the case"


def check_recorder(rule: StepRule, role: str, *, sole: bool = False) -> None:
    """RuleRefused unless `role` may record this step (a one-person office's only user may)."""
    if rule.roles and role not in rule.roles and not sole:
        raise RuleRefused(f"'{rule.label}' is recorded by {who_records(rule)}.")


def check_entry(rule: StepRule, *, party: str, note: str, happened_at: datetime | None, now: datetime,
                opened_at: datetime, tz: tzinfo) -> None:
    """The entry holds what the step asks (who, a note), and it did not happen in the future, nor before the case
    was opened at `opened_at` (named in the agency's zone `tz`) unless the caller took it before calling."""
    if rule.party and not party.strip():
        raise InvalidInput(f"{rule.party.rstrip('?')}: say who, for '{rule.label}'.", field="party")
    if len(party) > PARTY_LIMIT:
        raise InvalidInput(f"Name who in at most {PARTY_LIMIT} characters.", field="party")
    if rule.note and not note.strip():
        raise InvalidInput(f"{rule.note.rstrip('?')}: write it, for '{rule.label}'.", field="note")
    if len(note) > NOTE_LIMIT:
        raise InvalidInput(f"Keep the note to at most {NOTE_LIMIT} characters.", field="note")
    if happened_at is not None:
        if happened_at.tzinfo is None:
            raise InvalidInput("The step's date needs a time zone.", field="happened_at")
        not_in_future(happened_at, now=now, field="happened_at",
                      refusal="The step cannot have happened in the future.")
        if not rule.taken_by_caller:
            not_before_opening(happened_at, opened_at=opened_at, refused="The step cannot be done",
                               field="happened_at", tz=tz, now=now)


def step_due(profile: Profile, rule: StepRule, opened_at: datetime) -> datetime | None:
    """When the step is due, counted on the profile's calendar from the case's opening; None if no deadline."""
    if rule.due_within is None:
        return None
    return calendar_for(profile).add_span(opened_at, rule.due_within)


def missing_steps(profile: Profile, case: StepCase, recorded: Iterable[str], stage: str) -> list[StepRule]:
    """The steps the profile puts before `stage` (resolve, close) that are not recorded, in the profile's order."""
    done = set(recorded)
    return [rule for rule in steps_for(profile, case) if stage in rule.before and rule.name not in done]


def missing_before(profile: Profile, case: StepCase, recorded: Iterable[str], stage: str) -> None:
    """RuleRefused, in one sentence, when a step the profile puts before `stage` (resolve, close) is not recorded."""
    for rule in missing_steps(profile, case, recorded, stage):
        what = "resolved" if stage == "resolve" else "closed"
        raise RuleRefused(f"Case {case.case_number} cannot be {what} yet: first record '{rule.label}' "
                          f"(calldesk case step {case.case_number} {rule.name}).")
