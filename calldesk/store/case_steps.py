"""Recording the protocol's steps on a case (the profile's `[[steps]]`, calldesk.rules.case_steps): one step, one
transaction, who/when/with whom/a note, audited; and each step's state on a case (recorded, due, late)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from calldesk.errors import RuleRefused
from calldesk.models import Case, CasePublic, CaseStep, CaseStepPublic, utcnow
from calldesk.profiles import load_profile
from calldesk.rules.case_steps import (
    PARTY_LIMIT,
    StepCase,
    applies,
    check_entry,
    check_recorder,
    missing_before,
    missing_steps,
    step_due,
    step_rule,
    steps_for,
    who_records,
)
from calldesk.rules.profile import Profile, StepRule
from calldesk.store import audit
from calldesk.store.cases import load_for_change
from calldesk.store.uow import UnitOfWork
from calldesk.store.users import Actor, authorise


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


def confirm_at_intake(uow: UnitOfWork, *, actor: Actor, profile: Profile, case: Case) -> None:
    """Before a resolution typed during the call: the steps the profile puts before it (Area Offices: the attempt at
    the building level) are recorded from the intake when the agent ticked that the caller tried the school first
    and the caller's steps say with whom (in the call's transaction); otherwise the refusal says what to do on the
    form. A step that asks for a note is never recorded this way."""
    recorded = (row.step for row in recorded_steps(uow.session, case.id))
    for rule in missing_steps(profile, _facts(case), recorded, "resolve"):
        if not case.steps_confirmed or not case.steps_taken.strip() or rule.note:
            raise RuleRefused(f"The response cannot be written yet: the protocol first asks for '{rule.label}'. "
                              "Tick that the caller tried the school first and say with whom in the caller's "
                              "steps, or save the call without a response and record the step on the case.")
        record_step(uow, actor=actor, profile=profile, case_number=case.case_number, step=rule.name,
                    party=case.steps_taken.strip()[:PARTY_LIMIT])


def record_step(uow: UnitOfWork, *, actor: Actor, profile: Profile, case_number: str, step: str, party: str = "",
                note: str = "", happened_at: datetime | None = None,
                expected_version: int | None = None) -> CaseStepPublic:
    """Record that the protocol's step `step` was done on the case (once): by the actor, when it happened
    (default now), with whom, and a note. RuleRefused when the case has no such step, it is recorded already,
    the case is closed or the actor is not who the step names."""
    actor = authorise(uow, actor, "record_step")
    session = uow.session
    case = load_for_change(session, case_number, expected_version, viewer=actor)
    rule = step_rule(profile, _facts(case), step)
    check_recorder(rule, actor.role, sole=actor.sole)
    if case.status == "closed":
        raise RuleRefused(f"Case {case_number} is closed.")
    earlier = session.exec(select(CaseStep).where(CaseStep.case_id == case.id, CaseStep.step == rule.name)).first()
    if earlier is not None:
        raise RuleRefused(f"'{rule.label}' was recorded on {case_number} by {earlier.by_user} already.")
    now = utcnow()
    check_entry(rule, party=party, note=note, happened_at=happened_at, now=now)
    row = CaseStep(case_id=case.id, step=rule.name, label=rule.label[:300], party=party.strip(),  # type: ignore[arg-type]
                   note="" if case.abuse_marked else note.strip(), happened_at=happened_at or now,
                   due_at=step_due(profile, rule, case.opened_at), by_user=actor.username, at=now)
    session.add(row)
    case.updated_at = now  # bumps the case's version
    uow.flush()
    audit.record(session, actor=actor.username, action="case.step", entity="casestep", entity_id=row.id,
                 case_id=case.id, field="step", new=rule.name)
    uow.commit()
    return CaseStepPublic.model_validate(row)


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
