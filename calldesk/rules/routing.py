"""The routing decision of a call, in one place: what the intake preview shows is what the store writes.

Tier, owner role, deadlines, the call type a repeat caller is promoted to, due-process closing, special
education to the coordinator, the safety referral and reportability all come from `route`; the store's
open and update services apply its answer, and the intake screen previews it as the agent types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from calldesk.rules.profile import CallType, Profile, Tier
from calldesk.rules.repeat import RepeatDecision, promoted_call_type
from calldesk.rules.reportability import Reportability, reportability
from calldesk.rules.triage import TriageDecision, check_call, flags_of, tier_for, triage

ENGLISH = "english"


@dataclass(frozen=True)
class Speaker:
    """A staff member as language routing sees them: who, their role, the languages they take calls in."""

    username: str
    role: str
    languages: tuple[str, ...]


def languages_of(text: str) -> tuple[str, ...]:
    """'English, Spanish' -> ('English', 'Spanish'): a staff member's languages as stored."""
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def speaks(speaker: Speaker, language: str) -> bool:
    return language.strip().casefold() in {lang.casefold() for lang in speaker.languages}


@dataclass(frozen=True)
class Routing:
    """Where a call goes: its (possibly promoted) type, the triage decision and whether it is reported;
    its line (English or Bilingual, Rochester OPE) and who takes a Bilingual call."""

    call_type: CallType
    decision: TriageDecision
    report: Reportability
    line: str = "English"
    assign_to: str | None = None
    language_reason: str = ""

    @property
    def reasons(self) -> list[str]:
        """The decision in words for the agent (triage first, then reportability, then the language line)."""
        return [*self.decision.reasons, *([self.report.reason] if self.report.reason else []),
                *([self.language_reason] if self.language_reason else [])]


def language_line(language: str, owner_role: str, speakers: Sequence[Speaker]) -> tuple[str, str | None, str]:
    """(line, assignee, reason): a call in English stays on the English line; any other language goes to the
    Bilingual line, to the first staff member of the owner's role (by name) who speaks it."""
    wanted = (language or "English").strip()
    if wanted.casefold() == ENGLISH:
        return "English", None, ""
    able = sorted((s for s in speakers if s.role == owner_role and speaks(s, wanted)), key=lambda s: s.username)
    role = owner_role.replace("_", " ")
    if not able:
        return "Bilingual", None, f"Bilingual line ({wanted}): no {role} speaks {wanted}; a supervisor assigns it."
    return "Bilingual", able[0].username, f"Bilingual line ({wanted}): to {able[0].username}, a {role} who speaks it."


def route(
    profile: Profile,
    *,
    fields: Mapping[str, Any],
    opened_at: datetime,
    repeat: RepeatDecision | None = None,
    linked_repeat: bool = False,
    speakers: Sequence[Speaker] = (),
) -> Routing:
    """Route a call from its fields (the intake form's values or a stored case).

    `repeat` is the repeat rule's decision for a new call; `linked_repeat` says a stored case is already linked
    as a repeat; `speakers` are the staff and their languages (a call not in English goes to one who speaks
    it). Either way the call is at least a concern; a new repeat call that would stay with an agent goes
    to the repeat rule's owner. Raises InvalidInput for an unknown call type or category.
    """
    call_type = promoted_call_type(fields.get("call_type") or "inquiry",
                                   repeated=repeat is not None or linked_repeat)
    flags = flags_of(fields)
    decision = triage(profile, call_type=call_type, category=fields.get("category") or None, flags=flags,
                      opened_at=opened_at)
    if repeat is not None and decision.owner_role == "agent":
        decision = replace(decision, owner_role=repeat.owner_role)
    report = reportability(profile, category=fields.get("category") or None, flags=flags)
    line, assignee, why = language_line(fields.get("language") or "English", decision.owner_role, speakers)
    return Routing(call_type, decision, report, line, assignee, why)


def call_tier(profile: Profile, *, fields: Mapping[str, Any]) -> Tier | None:
    """The tier `route` gives a new call with these fields and no repeat, without counting its deadlines (what
    checking a row before an import needs); raises InvalidInput as `route` does."""
    call_type = promoted_call_type(fields.get("call_type") or "inquiry", repeated=False)
    check_call(profile, call_type=call_type, category=fields.get("category") or None)
    return tier_for(call_type, needs_follow_up=flags_of(fields).needs_follow_up)


def case_notes(routing: Routing, *, repeat: RepeatDecision | None, trend: Any = None,
               late: str | None = None) -> list[str]:
    """The notes an opened case keeps, in order: a repeat caller first, the routing's reasons, a school trend,
    a late intake (the same for a call, an imported row and a demo case)."""
    notes = list(routing.reasons)
    if repeat is not None:
        notes.insert(0, f"Repeat caller: {repeat.message}.")
    if trend is not None:
        notes.append(f"Trend: {trend.message}.")
    if late:
        notes.append(late)
    return notes
