"""A button on a call's Confidentiality tab, as one service command: one transaction, one commit.

The call's case is saved first (opened by the first save) so the store sees the form as typed (the caller, the
relationship), then the step: add the student, record a written consent, or log a disclosure; the rules' decision
and the disclosures logged are read back in the same transaction. A refusal at any step leaves the store as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from calldesk.errors import InvalidInput
from calldesk.models import CasePublic, ConsentCreate, DisclosurePublic, StudentCreate, StudentPublic
from calldesk.rules.consent import ConsentDecision
from calldesk.rules.profile import Profile
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor
from calldesk.store.read.one_case import get_case
from calldesk.store.services import confidentiality
from calldesk.store.services.calls import CallSave, save_call

Step = Literal["check", "add_student", "record_consent", "disclose"]


@dataclass
class ConsentStep:
    """What the button asks: `student_id` is the student already on the case (None before add_student)."""

    step: Step
    student_id: int | None = None
    student: StudentCreate | None = None  # add_student
    consent: ConsentCreate | None = None  # record_consent
    records: list[str] = field(default_factory=list)  # the records asked about (disclose; the decision reads them)


@dataclass
class ConsentDone:
    """The tab after the step: the case as saved, its student, the rules' decision and the disclosures logged."""

    case: CasePublic
    student: StudentPublic | None
    decision: ConsentDecision | None
    disclosures: list[DisclosurePublic] = field(default_factory=list)


def consent_step(uow: UnitOfWork, *, actor: Actor, profile: Profile, call: CallSave, ask: ConsentStep,
                 today: date) -> ConsentDone:
    """Save the call's case (its own fields only) and take the step `ask`, in one transaction."""
    with uow.one_commit():
        case = save_call(uow, actor=actor, profile=profile, data=call).case
        number = case.case_number
        student_id = ask.student_id
        student: StudentPublic | None = None
        if ask.step == "add_student":
            assert ask.student is not None
            student = confidentiality.add_student(uow, actor=actor, case_number=number, data=ask.student)
            student_id = student.id
        elif ask.step in ("record_consent", "disclose") and student_id is None:
            raise InvalidInput("Add the student first.", field="student_name")
        elif ask.step == "record_consent":
            assert ask.consent is not None and student_id is not None
            confidentiality.record_consent(uow, actor=actor, case_number=number, student_id=student_id,
                                           data=ask.consent, today=today)
        elif ask.step == "disclose":
            assert student_id is not None
            if not ask.records:
                raise InvalidInput("Name the records the caller is asking about.", field="records_asked")
            confidentiality.disclose(uow, actor=actor, case_number=number, student_id=student_id,
                                     records=ask.records, on=today)
        decision, disclosures = None, []
        if student_id is not None:
            session = uow.session
            student = student or confidentiality.student_of(session, case_number=number, student_id=student_id,
                                                            viewer=actor)
            decision = confidentiality.may_see_student(session, case_number=number, student_id=student_id,
                                                       records=ask.records or ["all"], on=today, viewer=actor)
            disclosures = [d for d in confidentiality.disclosures_for(session, number, viewer=actor)
                           if d.student_id == student_id]
        case = CasePublic.model_validate(get_case(uow.session, number, viewer=actor))
    uow.commit()
    return ConsentDone(case, student, decision, disclosures)
