"""Text as it may go to the constituent (an email, the response letter they are sent): every detail the case stores
about anyone else taken out (calldesk.rules.redaction.redact_third_parties), the constituent's own kept."""

from __future__ import annotations

from sqlmodel import Session, col, select

from calldesk.models import Case, Consent, Student
from calldesk.rules.redaction import KnownPII, date_forms, redact_third_parties


def third_parties(session: Session, case: Case) -> KnownPII:
    """What the case stores about anyone but the constituent: its students and their consents' signers."""
    students = list(session.exec(select(Student).where(Student.case_id == case.id)))
    signers = [s for s in session.exec(select(Consent.signed_by).join(Student, col(Consent.student_id) == col(
        Student.id)).where(Student.case_id == case.id)) if s]
    return KnownPII(names=[s.name for s in students if s.name] + signers,
                    ids=[s.student_ref for s in students if s.student_ref],
                    dates=[d for s in students if s.birth_date for d in date_forms(s.birth_date)])


def constituents_own(case: Case) -> KnownPII:
    """The constituent's own details, kept as written in what goes to them."""
    return KnownPII(names=[case.caller_name] if case.caller_name else [], phones=[case.phone] if case.phone else [],
                    emails=[case.email] if case.email else [])


def for_constituent(session: Session, case: Case, *texts: str) -> list[str]:
    """Each of `texts` as it may go to the case's constituent."""
    third, own = third_parties(session, case), constituents_own(case)
    return [redact_third_parties(text, third, own=own) for text in texts]
