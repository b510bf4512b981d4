"""The routing decision of a call, in one place: what the intake preview shows is what the store writes.

Tier, owner role, deadlines, the call type a repeat caller is promoted to, due-process closing, special
education to the coordinator, the safety referral and reportability all come from `route`; the store's
open and update services apply its answer, and the intake screen previews it as the agent types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from calldesk.rules.assignment import ENGLISH, Assignment, StaffBoard
from calldesk.rules.profile import CallType, Profile, Tier
from calldesk.rules.repeat import RepeatDecision, promoted_call_type
from calldesk.rules.reportability import Reportability, reportability
from calldesk.rules.triage import TriageDecision, check_call, flags_of, tier_for, triage

# The fields `route` reads: a change to any of them routes a case again (tier, owner, deadlines, and the person:
# the language picks who). The store re-routes on them; the intake previews the routing again on them.
ROUTING_INPUTS = frozenset({"call_type", "category", "source", "due_process", "special_education", "safety",
                            "urgent", "needs_follow_up", "language"})

@dataclass(frozen=True)
class Routing:
    """Where a call goes: its (possibly promoted) type, the triage decision and whether it is reported; its line
    (English or Bilingual, Rochester OPE) and the person who takes it (None: it waits in its role's queue)."""

    call_type: CallType
    decision: TriageDecision
    report: Reportability
    line: str = "English"
    assignment: Assignment | None = None
    language: str = "English"

    @property
    def assign_to(self) -> str | None:
        return self.assignment.assignee if self.assignment is not None else None

    @property
    def reasons(self) -> list[str]:
        """The decision in words for the agent (triage first, then reportability, the line and the person)."""
        line = [f"Bilingual line ({self.language})."] if self.line == "Bilingual" else []
        return [*self.decision.reasons, *([self.report.reason] if self.report.reason else []), *line,
                *([self.assignment.reason] if self.assignment is not None else [])]


def language_line(language: str) -> str:
    """A call in English stays on the English line; any other language goes to the Bilingual line."""
    wanted = (language or "English").strip()
    return "English" if not wanted or wanted.casefold() == ENGLISH else "Bilingual"


def route(
    profile: Profile,
    *,
    fields: Mapping[str, Any],
    opened_at: datetime,
    repeat: RepeatDecision | None = None,
    linked_repeat: bool = False,
    staff: StaffBoard | None = None,
    opener: str | None = None,
    exclude: tuple[str, ...] = (),
) -> Routing:
    """Route a call from its fields (the intake form's values or a stored case).

    `repeat` is the repeat rule's decision for a new call; `linked_repeat` says a stored case is already linked
    as a repeat; either way the call is at least a concern, and a new repeat call that would stay with an agent
    goes to the repeat rule's owner. With `staff` (the staff and their load) the case reaches a person of its
    owner role (calldesk.rules.assignment: `opener` keeps what they may own; never one in `exclude`); without,
    only the role is decided (the intake's preview). Raises InvalidInput for an unknown call type or category.
    """
    call_type = promoted_call_type(fields.get("call_type") or "inquiry",
                                   repeated=repeat is not None or linked_repeat)
    flags = flags_of(fields)
    decision = triage(profile, call_type=call_type, category=fields.get("category") or None, flags=flags,
                      opened_at=opened_at)
    if repeat is not None and decision.owner_role == "agent":
        decision = replace(decision, owner_role=repeat.owner_role)
    report = reportability(profile, category=fields.get("category") or None, flags=flags)
    language = (fields.get("language") or "English").strip() or "English"
    assignment = None
    if staff is not None and not decision.close_now:
        assignment = staff.assign(profile.assignment, owner_role=decision.owner_role, language=language,
                                  opener=opener, at=opened_at, exclude=exclude)
    return Routing(call_type, decision, report, language_line(language), assignment, language)


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
