"""Confidentiality tab: students, written consents, and disclosures (refused without consent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from calldesk.errors import InvalidInput, NotFound
from calldesk.models import (
    Case,
    Consent,
    ConsentCreate,
    ConsentPublic,
    Disclosure,
    DisclosurePublic,
    Student,
    StudentCreate,
    StudentPublic,
    utcnow,
)
from calldesk.rules.consent import (
    REDISCLOSURE_NOTICE,
    ConsentDecision,
    ConsentFacts,
    check_disclosure,
    check_revocation,
    validate_consent,
)
from calldesk.rules.contact import normalise_name
from calldesk.rules.ferpa import RecordConsent, RecordDisclosure, RecordRequest, StudentRecord, same_student
from calldesk.rules.vocabulary import LARGEST_NUMBER
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.one_case import get_case


@dataclass
class DisclosureOutcome:
    disclosure: DisclosurePublic
    decision: ConsentDecision
    notice: str = REDISCLOSURE_NOTICE


def local_today(protocol: str) -> date:
    """Today in the agency's time zone (a consent valid until today is valid all of today there)."""
    from calldesk.profiles import load_profile
    from calldesk.rules.calendar import calendar_for

    return calendar_for(load_profile(protocol)).local(utcnow()).date()


def _records(text: str) -> list[str]:
    return [r.strip() for r in text.split(",") if r.strip()]


def _facts(consent: Consent) -> ConsentFacts:
    records = "all" if consent.records.strip().lower() == "all" else _records(consent.records)
    return ConsentFacts(consent.signed_by, consent.signed_on, records, consent.purpose, consent.recipient,
                        consent.valid_until, consent.revoked_on)


def add_student(uow: UnitOfWork, *, actor: Actor, case_number: str, data: StudentCreate) -> StudentPublic:
    """The student a caller asks about (only the Confidentiality tab records one). A student already on the case
    (rules.ferpa.same_student: "Add the student" pressed again) is that student, unchanged: their consents stay
    theirs."""
    actor = authorise(uow, actor, "edit_case")
    if not data.name.strip():
        raise InvalidInput("Enter the student's name.", field="student_name")
    case = get_case(uow.session, case_number, viewer=actor, for_update=True)
    for known in uow.session.exec(select(Student).where(Student.case_id == case.id).order_by(col(Student.id))):
        if same_student(known.name, known.student_ref, data.name, data.student_ref):
            return StudentPublic.model_validate(known)
    case.updated_at = utcnow()  # a write to a case's child bumps the case's version
    student = Student(case_id=case.id, name=data.name.strip(), student_ref=(data.student_ref or "").strip() or None,  # type: ignore[arg-type]
                      school=(data.school or "").strip() or None, birth_date=data.birth_date)
    uow.session.add(student)
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="student.add", entity="student", entity_id=student.id,
                 case_id=case.id, field="student_ref", new=student.student_ref)
    uow.commit()
    return StudentPublic.model_validate(student)


def _student(session: Session, case: Case, student_id: int) -> Student:
    student = session.get(Student, student_id)
    if student is None or student.case_id != case.id:
        raise NotFound(f"No student {student_id} on case {case.case_number}.")
    return student


def student_of(session: Session, *, case_number: str, student_id: int, viewer: Actor | None) -> StudentPublic:
    """A student on the case (read-only)."""
    return StudentPublic.model_validate(_student(session, get_case(session, case_number, viewer=viewer), student_id))


def record_consent(uow: UnitOfWork, *, actor: Actor, case_number: str, student_id: int, data: ConsentCreate,
                   today: date | None = None) -> ConsentPublic:
    """A written consent to release: signed, dated, naming records, purpose and recipient (99.30)."""
    actor = authorise(uow, actor, "record_consent")
    case = get_case(uow.session, case_number, viewer=actor, for_update=True)
    case.updated_at = utcnow()  # a write to a case's child bumps the case's version
    student = _student(uow.session, case, student_id)
    consent = Consent(**data.model_dump(), student_id=student.id, recorded_by=actor.username, recorded_at=utcnow())  # type: ignore[arg-type]
    validate_consent(_facts(consent), today=today or local_today(case.protocol))
    uow.session.add(consent)
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="consent.record", entity="consent", entity_id=consent.id,
                 case_id=case.id, field="recipient", new=consent.recipient)
    uow.commit()
    return ConsentPublic.model_validate(consent)


def _consents(session: Session, student: Student) -> list[Consent]:
    return list(session.exec(select(Consent).where(Consent.student_id == student.id).order_by(col(Consent.id))))


def consent_decision(session: Session, *, case: Case, student: Student, records: list[str], recipient: str,
                     on: date) -> ConsentDecision:
    consents = _consents(session, student)
    # The caller's relationship is the basis only when the caller is the one receiving the information.
    relationship = case.relationship if normalise_name(recipient) == case.caller_name_key else "other"
    return check_disclosure(relationship=relationship, consents=[_facts(c) for c in consents],
                            records=records, recipient=recipient, on=on)


def may_see_student(session: Session, *, case_number: str, student_id: int, records: list[str],
                    on: date, viewer: Actor | None) -> ConsentDecision:
    """Whether the caller of this case may be told about the student (read-only; screens use it)."""
    case = get_case(session, case_number, viewer=viewer)
    return consent_decision(session, case=case, student=_student(session, case, student_id), records=records,
                            recipient=case.caller_name, on=on)


def disclose(uow: UnitOfWork, *, actor: Actor, case_number: str, student_id: int, records: list[str],
             recipient: str | None = None, on: date | None = None) -> DisclosureOutcome:
    """Record a disclosure (99.32) if the consent rules allow it; otherwise ConsentRefused and nothing written."""
    actor = authorise(uow, actor, "disclose")
    case = get_case(uow.session, case_number, viewer=actor, for_update=True)
    case.updated_at = utcnow()  # a write to a case's child bumps the case's version
    student = _student(uow.session, case, student_id)
    to = (recipient or case.caller_name).strip()
    if not to:
        raise InvalidInput("Name who receives the information.", field="recipient")
    decision = consent_decision(uow.session, case=case, student=student, records=records, recipient=to,
                                on=on or local_today(case.protocol))
    decision.require()
    consent_id = None if decision.consent_index is None else _consents(uow.session, student)[decision.consent_index].id
    row = Disclosure(case_id=case.id, student_id=student.id, recipient=to, records=", ".join(records),  # type: ignore[arg-type]
                     basis=decision.basis or decision.reason, disclosed_by=actor.username, disclosed_at=utcnow(),
                     consent_id=consent_id)
    uow.session.add(row)
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="student.disclose", entity="disclosure",
                 entity_id=row.id, case_id=case.id, field="records", new=row.records)
    uow.commit()
    return DisclosureOutcome(DisclosurePublic.model_validate(row), decision)


def disclosures_for(session: Session, case_number: str, *, viewer: Actor | None) -> list[DisclosurePublic]:
    """The record of disclosures, open to the parent's inspection."""
    case = get_case(session, case_number, viewer=viewer)
    rows = session.exec(select(Disclosure).where(Disclosure.case_id == case.id).order_by(col(Disclosure.id)))
    return [DisclosurePublic.model_validate(r) for r in rows]


def revoke_consent(uow: UnitOfWork, *, actor: Actor, case_number: str, consent_id: int,
                   revoked_on: date | None = None) -> ConsentPublic:
    """The parent revokes a written consent: from `revoked_on` (default today) it allows no disclosure; it stays
    in the student's record."""
    actor = authorise(uow, actor, "record_consent")
    case = get_case(uow.session, case_number, viewer=actor, for_update=True)
    consent = uow.session.get(Consent, consent_id)
    student = uow.session.get(Student, consent.student_id) if consent is not None else None
    if consent is None or student is None or student.case_id != case.id:
        raise NotFound(f"No consent {consent_id} on case {case_number}.")
    if consent.revoked_on is not None:
        raise InvalidInput(f"Consent {consent_id} was already revoked.", field="consent_id")
    revoked = revoked_on or local_today(case.protocol)
    check_revocation(signed_on=consent.signed_on, revoked_on=revoked)
    consent.revoked_on, consent.revoked_by = revoked, actor.username
    case.updated_at = utcnow()
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="consent.revoke", entity="consent", entity_id=consent.id,
                 case_id=case.id, field="revoked_on", new=consent.revoked_on)
    uow.commit()
    return ConsentPublic.model_validate(consent)


def student_record(uow: UnitOfWork, *, actor: Actor, student_ref: str) -> StudentRecord:
    """Every request, consent and disclosure about the student with this district id (or internal number),
    across all cases, for a parent's inspection. NotFound if no case names the student."""
    authorise(uow, actor, "student_record")
    session = uow.session
    ref = student_ref.strip()
    students = list(session.exec(select(Student).where(Student.student_ref == ref).order_by(col(Student.id))))
    if not students and ref.isascii() and ref.isdigit() and int(ref) <= LARGEST_NUMBER:
        found = session.get(Student, int(ref))
        students = [found] if found is not None else []
    if not students:
        raise NotFound(f"No student with the id {ref}.")
    ids = [s.id for s in students]
    cases = {c.id: c for c in session.exec(select(Case).where(col(Case.id).in_([s.case_id for s in students])))}
    consents = session.exec(select(Consent).where(col(Consent.student_id).in_(ids)).order_by(col(Consent.id)))
    disclosures = session.exec(select(Disclosure).where(col(Disclosure.student_id).in_(ids))
                               .order_by(col(Disclosure.disclosed_at), col(Disclosure.id)))
    return StudentRecord(
        student=students[0].name, student_ref=students[0].student_ref or "",
        requests=[RecordRequest(cases[s.case_id].case_number, cases[s.case_id].caller_name,
                                cases[s.case_id].relationship, cases[s.case_id].opened_at) for s in students],
        consents=[RecordConsent(c.id or 0, c.signed_by, c.signed_on, c.records, c.purpose, c.recipient,
                                c.valid_until, c.revoked_on) for c in consents],
        disclosures=[RecordDisclosure(cases[d.case_id].case_number if d.case_id in cases else "?", d.recipient,
                                      d.basis, d.records, d.disclosed_at, d.disclosed_by, d.consent_id)
                     for d in disclosures])
