"""A student's FERPA record: consents with expiry and revocation, requests and disclosures (99.32) with the
consent that allowed each, on both backends; printed by the CLI and shown on its screen."""

from __future__ import annotations

from datetime import date

import pytest

from calldesk.errors import ConsentRefused, InvalidInput, PermissionDenied
from calldesk.models import ConsentCreate, StudentCreate
from calldesk.rules.ferpa import record_text
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
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
