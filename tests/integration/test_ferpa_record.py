"""A student's FERPA record: consents with expiry and revocation, requests and disclosures (99.32) with the
consent that allowed each, on both backends; printed by the CLI and shown on its screen."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import col, select

from calldesk.errors import ConsentRefused, InvalidInput, PermissionDenied
from calldesk.models import Case, CasePublic, ConsentCreate, Student, StudentCreate
from calldesk.rules.ferpa import record_text
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.one_case import get_case
from calldesk.store.services import confidentiality
from tests.integration.helpers import LA, call


def _student_with_consent(store: Store, staff: dict[str, Actor]) -> tuple[str, int, int]:
    number = call(store, staff["agent"], relationship="relative", caller_name="Rosa Diaz").case.case_number
    with store.uow() as uow:
        student = confidentiality.add_student(uow, actor=staff["agent"], case_number=number,
                                              data=StudentCreate(name="Leo Diaz", student_ref="S123"))
    with store.uow() as uow:
        consent = confidentiality.record_consent(
            uow, actor=staff["agent"], case_number=number, student_id=student.id, today=date(2026, 11, 23),
            data=ConsentCreate(signed_by="Maria Diaz", signed_on=date(2026, 9, 1), records="attendance",
                               purpose="support at home", recipient="Rosa Diaz", valid_until=date(2027, 6, 30)))
    return number, student.id, consent.id


def test_a_disclosure_names_its_consent_and_a_revoked_consent_allows_none(
        store: Store, staff: dict[str, Actor]) -> None:
    number, student_id, consent_id = _student_with_consent(store, staff)
    with store.uow() as uow:
        done = confidentiality.disclose(uow, actor=staff["agent"], case_number=number, student_id=student_id,
                                        records=["attendance"], on=date(2026, 11, 24))
    assert done.disclosure.consent_id == consent_id
    with store.uow() as uow:
        revoked = confidentiality.revoke_consent(uow, actor=staff["agent"], case_number=number,
                                                 consent_id=consent_id, revoked_on=date(2026, 11, 25))
    assert revoked.revoked_on == date(2026, 11, 25) and revoked.revoked_by == "ana"
    with store.uow() as uow, pytest.raises(ConsentRefused, match="revoked on 25 Nov 2026"):
        confidentiality.disclose(uow, actor=staff["agent"], case_number=number, student_id=student_id,
                                 records=["attendance"], on=date(2026, 11, 26))


def test_a_consent_revoked_before_it_was_signed_is_refused_and_stays_in_force(
        store: Store, staff: dict[str, Actor]) -> None:
    number, student_id, consent_id = _student_with_consent(store, staff)  # signed 1 Sep 2026
    with store.uow() as uow, pytest.raises(InvalidInput, match=r"revoked before it was signed \(1 Sep 2026\)") as no:
        confidentiality.revoke_consent(uow, actor=staff["agent"], case_number=number, consent_id=consent_id,
                                       revoked_on=date(2026, 8, 31))
    assert no.value.field == "revoked_on"
    with store.uow() as uow:  # nothing was written: the consent still allows the disclosure
        done = confidentiality.disclose(uow, actor=staff["agent"], case_number=number, student_id=student_id,
                                        records=["attendance"], on=date(2026, 11, 24))
    assert done.disclosure.consent_id == consent_id


def test_the_record_for_a_parents_inspection(store: Store, staff: dict[str, Actor]) -> None:
    number, student_id, consent_id = _student_with_consent(store, staff)
    with store.uow() as uow:
        confidentiality.disclose(uow, actor=staff["agent"], case_number=number, student_id=student_id,
                                 records=["attendance"], on=date(2026, 11, 24))
    with store.uow() as uow, pytest.raises(PermissionDenied):
        confidentiality.student_record(uow, actor=staff["agent"], student_ref="S123")
    with store.uow(readonly=True) as uow:
        record = confidentiality.student_record(uow, actor=staff["supervisor"], student_ref="S123")
    assert [r.party for r in record.requests] == ["Rosa Diaz"]
    assert record.disclosures[0].consent_id == consent_id and record.disclosures[0].party == "Rosa Diaz"
    text = record_text(record, tz=LA, today=date(2027, 7, 1))
    assert "FERPA record of Leo Diaz (student id S123)" in text
    assert f"#{consent_id} signed by Maria Diaz on 1 Sep 2026" in text and "expired 30 Jun 2027" in text
    assert "to Rosa Diaz; basis: written consent signed by Maria Diaz on 1 Sep 2026; records: attendance" in text
    assert f"consent #{consent_id}" in text and f"case {number}: Rosa Diaz (relative)" in text


def test_add_the_student_pressed_again_is_the_same_student_with_their_consent(
        store: Store, staff: dict[str, Actor]) -> None:
    from calldesk.store.services.call_consent import ConsentStep, consent_step
    from calldesk.store.services.calls import CallSave
    from calldesk.store.services.typed_fields import build
    from tests.integration.helpers import lausd

    number, student_id, consent_id = _student_with_consent(store, staff)  # Leo Diaz, S123, consent to Rosa Diaz
    case = _case_row(store, number)
    form = {"caller_name": "Rosa Diaz", "relationship": "relative", "category": "Attendance", "call_type": "inquiry"}

    def press(name: str, ref: str | None, records: list[str]) -> Any:
        with store.uow() as uow:  # what the Confidentiality tab's "Add the student" does
            return consent_step(uow, actor=staff["agent"], profile=lausd(), today=date(2026, 11, 24),
                                call=CallSave.from_form(form, client_id=case.client_id, opened_at=case.opened_at,
                                                        case=CasePublic.model_validate(case), abuse_marked=False,
                                                        case_only=True),
                                ask=ConsentStep("add_student", student=build(StudentCreate, name=name, student_ref=ref),
                                                records=records))

    again = press(" leo  DIAZ ", None, ["attendance"])  # the same student, typed again: their consent holds
    assert again.student.id == student_id and again.decision is not None and again.decision.allowed
    case = _case_row(store, number)  # (the version the tab saw after that step)
    other = press("Leo Diaz", "S999", ["attendance"])  # another student of that name (another id): a new one
    assert other.student.id != student_id and not other.decision.allowed
    with store.uow(readonly=True) as uow:
        names = uow.session.exec(select(Student.student_ref).join(Case, col(Student.case_id) == col(Case.id))
                                 .where(Case.case_number == number).order_by(col(Student.id))).all()
    assert names == ["S123", "S999"]


def _case_row(store: Store, number: str) -> Any:
    with store.uow(readonly=True) as uow:
        return get_case(uow.session, number, viewer=None)
