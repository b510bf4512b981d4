"""Escalating a case: one rung up the agency's ladder, an appeal within its window, or straight to the rung the
profile names when the principal is involved. Each is one transaction, recorded with who, when and why."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.models import Case, CaseLink, CasePublic, Escalation, Resolution, utcnow
from calldesk.rules.calendar import calendar_for
from calldesk.rules.escalation import EscalationKind, EscalationPlan, plan_escalation
from calldesk.rules.free_text import ABUSE_PLACEHOLDER
from calldesk.rules.profile import Profile
from calldesk.rules.triage import deadlines_for
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.queries import staff_board
from calldesk.store.services.cases import (
    DEADLINE_FIELDS,
    after_opening,
    assign,
    load_for_change,
    refresh_next_deadline,
)


def merged_into(session: Session, case: Case) -> str | None:
    """The survivor's case number when `case` was merged into another, else None."""
    survivor = session.exec(select(Case.case_number).join(CaseLink, col(CaseLink.linked_case_id) == Case.id)
                            .where(CaseLink.case_id == case.id, CaseLink.kind == "merged")).first()
    return survivor


def decided_at(session: Session, case: Case) -> datetime | None:
    """When the decision an appeal is about was made: the response written or the case closed, the later."""
    res = session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    moments = [m for m in (res.updated_at if res is not None and res.response else None, case.closed_at) if m]
    return max(moments) if moments else None


def _climb(uow: UnitOfWork, actor: Actor, case: Case, plan: EscalationPlan, reason: str,
           profile: Profile) -> CasePublic:
    session = uow.session
    now = utcnow()
    board = staff_board(session, today=calendar_for(profile).local(now).date())  # read before any change
    why = ABUSE_PLACEHOLDER if case.abuse_marked else reason.strip()
    step = plan.step
    session.add(Escalation(case_id=case.id, level=step.level, kind=plan.kind, title=step.title,  # type: ignore[arg-type]
                           to_role=step.role, reason=why, by_user=actor.username, at=utcnow()))
    number = case.case_number
    if case.status == "closed":  # an appeal reopens the decided case for the rung above to review
        audit.record_changes(session, actor=actor.username, action=f"case.{plan.kind}", entity="case",
                             entity_id=number, case_id=case.id, before={"status": case.status},
                             after={"status": "open"})
        case.status, case.closed_at, case.closed_by, case.close_reason = "open", None, None, None
        if case.tier is not None:  # its deadlines count again from the reopening, by the profile
            fresh = deadlines_for(profile, case.tier, now)  # type: ignore[arg-type]
            after = {name: getattr(fresh, name) for name in DEADLINE_FIELDS}
            audit.record_changes(session, actor=actor.username, action=f"case.{plan.kind}", entity="case",
                                 entity_id=number, case_id=case.id,
                                 before={name: getattr(case, name) for name in DEADLINE_FIELDS}, after=after)
            for name, when in after.items():
                setattr(case, name, when)
    # The rung's people take it, never the one it is escalated from (two rungs may share a role).
    person = board.assign(profile.assignment, owner_role=step.role, language=case.language, opener=None, at=now,
                          exclude=tuple(filter(None, [case.assigned_to])))
    audit.record_changes(session, actor=actor.username, action=f"case.{plan.kind}", entity="case",
                         entity_id=number, case_id=case.id,
                         before={"escalation_level": case.escalation_level, "owner_role": case.owner_role,
                                 "assigned_to": case.assigned_to},
                         after={"escalation_level": step.level, "owner_role": step.role,
                                "assigned_to": person.assignee})
    case.escalation_level, case.owner_role = step.level, step.role
    assign(case, person.assignee, at=now)
    case.routing_notes = "\n".join(filter(None, [case.routing_notes, f"{plan.message} {person.reason}"]))
    refresh_next_deadline(case)
    case.updated_at = utcnow()
    uow.commit()
    return CasePublic.model_validate(case)


def _load(uow: UnitOfWork, case_number: str, expected_version: int | None, reason: str, *, actor: Actor,
          closed_ok: bool = False) -> Case:
    if not reason.strip():
        raise InvalidInput("Say why the case is escalated.", field="reason")
    case = load_for_change(uow.session, case_number, expected_version, viewer=actor)
    survivor = merged_into(uow.session, case)
    if survivor is not None:
        raise RuleRefused(f"Case {case_number} was merged into {survivor}: work {survivor} instead.")
    if case.status == "closed" and not closed_ok:
        raise RuleRefused(f"Case {case_number} is closed.")
    return case


def escalate(uow: UnitOfWork, *, actor: Actor, profile: Profile, case_number: str, reason: str,
             expected_version: int | None = None, principal_involved: bool = False) -> CasePublic:
    """One rung up the agency's ladder; `principal_involved` refers the concern directly to the rung the profile
    names for that (Area Offices: the Instructional Director). Returns the case as escalated."""
    actor = authorise(uow, actor, "escalate")
    case = _load(uow, case_number, expected_version, reason, actor=actor)
    kind: EscalationKind = "direct" if principal_involved else "escalation"
    return _climb(uow, actor, case, plan_escalation(profile, current_level=case.escalation_level, kind=kind),
                  reason, profile)


def appeal(uow: UnitOfWork, *, actor: Actor, profile: Profile, case_number: str, reason: str,
           expected_version: int | None = None, received_at: datetime | None = None) -> CasePublic:
    """A written appeal of the case's decision: within the profile's window (Area Offices: 5 school days) it
    escalates the case (reopened if closed, its deadlines counted again from the reopening by the profile); later,
    RuleRefused says by when it had to come."""
    actor = authorise(uow, actor, "escalate")
    case = _load(uow, case_number, expected_version, reason, actor=actor, closed_ok=True)
    received = received_at or utcnow()
    if received.tzinfo is None:
        raise InvalidInput("The appeal's date needs a time zone.", field="received_at")
    after_opening(case, received, refused="The appeal cannot have been received", field="received_at")
    plan = plan_escalation(profile, current_level=case.escalation_level, kind="appeal",
                           decided_at=decided_at(uow.session, case), received_at=received,
                           today=calendar_for(profile).local(utcnow()).date())
    return _climb(uow, actor, case, plan, reason, profile)


def escalations_for(session: Session, case_id: int | None) -> list[Escalation]:
    """The case's escalations, oldest first."""
    return list(session.exec(select(Escalation).where(Escalation.case_id == case_id).order_by(col(Escalation.id))))
