"""Recording the protocol's steps on a case (the profile's `[[steps]]`, calldesk.rules.case_steps): one step, one
transaction, who/when/with whom/a note, audited (each step's state on a case: calldesk.store.read.step_states)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from calldesk.errors import RuleRefused
from calldesk.models import Case, CaseStep, CaseStepPublic, utcnow
from calldesk.rules.case_steps import (
    PARTY_LIMIT,
    check_entry,
    check_recorder,
    missing_steps,
    step_due,
    step_rule,
)
from calldesk.rules.profile import Profile
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.step_states import _facts, recorded_steps
from calldesk.store.services.cases import load_for_change


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
    check_entry(rule, party=party, note=note, happened_at=happened_at, now=now, opened_at=case.opened_at,
                tz=profile.tz)
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
