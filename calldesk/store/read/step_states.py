"""Each protocol step's state on a case (recorded, due, late) and the steps waiting for a role: reads only.
Recording a step is calldesk.store.services.case_steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from calldesk.models import Case, CasePublic, CaseStep
from calldesk.profiles import load_profile
from calldesk.rules.case_steps import (
    StepCase,
    applies,
    missing_before,
    step_due,
    steps_for,
    who_records,
)
from calldesk.rules.profile import Profile, StepRule


def _facts(case: Case | CasePublic) -> StepCase:
    return StepCase(case.case_number, case.call_type, case.tier, case.channel, case.school)


@dataclass(frozen=True)
class StepState:
    """One of the profile's steps on a case: recorded (with the row) or still to do, and by when."""

    rule: StepRule
    who: str  # who records it, in words
    due: datetime | None
    recorded: CaseStep | None

    def late(self, now: datetime) -> bool:
        """Due and not recorded by then (or recorded after it)."""
        if self.due is None:
            return False
        return (self.recorded.happened_at if self.recorded is not None else now) > self.due


def recorded_steps(session: Session, case_id: int | None) -> list[CaseStep]:
    """The steps recorded on the case, oldest first."""
    return list(session.exec(select(CaseStep).where(CaseStep.case_id == case_id).order_by(col(CaseStep.id))))


def case_steps(session: Session, *, profile: Profile, case: Case | CasePublic) -> list[StepState]:
    """Every step of the profile that applies to `case`, in the profile's order, with its record if made."""
    done = {row.step: row for row in recorded_steps(session, case.id)}
    return [StepState(rule, who_records(rule), step_due(profile, rule, case.opened_at), done.get(rule.name))
            for rule in steps_for(profile, _facts(case))]


def steps_missing_before(session: Session, case: Case, stage: str, profile: Profile | None = None) -> None:
    """RuleRefused when a step the case's profile puts before `stage` ("resolve", "close") is not recorded."""
    chosen = profile or load_profile(case.protocol)
    if chosen.steps:
        missing_before(chosen, _facts(case), (row.step for row in recorded_steps(session, case.id)), stage)


def steps_to_do(session: Session, *, profile: Profile, cases: list[Case], role: str,
                sole: bool = False) -> list[tuple[Case, StepState]]:
    """The steps not yet recorded on `cases` that someone of `role` may record (one read of the recorded steps)."""
    if not profile.steps or not cases:
        return []
    ids = [case.id for case in cases]
    done = {(case_id, name) for case_id, name in session.exec(
        select(CaseStep.case_id, CaseStep.step).where(col(CaseStep.case_id).in_(ids)))}
    found = []
    for case in cases:
        for rule in steps_for(profile, _facts(case)):
            if (case.id, rule.name) not in done and (sole or not rule.roles or role in rule.roles):
                found.append((case, StepState(rule, who_records(rule), step_due(profile, rule, case.opened_at),
                                              None)))
    return found


def steps_for_role(session: Session, *, profile: Profile, role: str, not_assigned_to: str, limit: int,
                   visible: Any = True) -> list[tuple[Case, StepState]]:
    """Steps only some roles record (OC: the deputy director's review of a web item), waiting on open cases that
    are not `not_assigned_to`'s, for someone of `role` (who sees the cases `visible` admits): what My work shows
    them beside their own cases."""
    found: list[tuple[Case, StepState]] = []
    for rule in profile.steps:
        if not rule.roles or role not in rule.roles:
            continue
        query = select(Case).where(visible, Case.status == "open", Case.protocol == profile.name,
                                   col(Case.assigned_to).is_distinct_from(not_assigned_to),
                                   ~select(CaseStep.id).where(CaseStep.case_id == Case.id,
                                                              CaseStep.step == rule.name).exists())
        if rule.channels:
            query = query.where(col(Case.channel).in_(rule.channels))
        if rule.call_types:
            query = query.where(col(Case.call_type).in_(rule.call_types))
        if rule.tiers:
            query = query.where(col(Case.tier).in_(rule.tiers))
        for case in session.exec(query.order_by(col(Case.opened_at)).limit(max(1, limit))):
            if applies(rule, _facts(case)):
                found.append((case, StepState(rule, who_records(rule), step_due(profile, rule, case.opened_at),
                                              None)))
    return found
