"""A one-person office (issue 20, "One person"): the store's only user acts in every role; a step the protocol
gives to two people (the approver never signs the letter) follows the profile: refused, saying why, or done and
said so in the trail where the profile allows a one-person office."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlmodel import select

from calldesk.errors import PermissionDenied, RuleRefused
from calldesk.models import AuditEvent, QualityReviewCreate, ResolutionUpdate
from calldesk.rules.permissions import may
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services import referrals_meetings_reviews as handling
from calldesk.store.services import reports
from calldesk.store.services.assignments import reassign
from tests.conftest import add_user
from tests.integration.helpers import call, lausd, submit_letter


def _complaint(store: Store, me: Actor) -> str:
    number = call(store, me, call_type="complaint", category="Transportation",
                  claim="The bus never came.").case.case_number
    with store.uow() as uow:
        casework.set_resolution(uow, actor=me, case_number=number,
                                data=ResolutionUpdate(response="Route restored", alleged_violation="IDEA 300.101"))
    return number


def test_the_only_user_acts_in_every_role(store: Store, admin: Actor, tmp_path: Path) -> None:
    me = store.actor()
    assert me.sole and me.role == "admin" and not may("admin", "approve_letter")
    number = _complaint(store, me)
    submit_letter(store, me, number)  # the specialist's step, by the same person
    with store.uow() as uow:  # a supervisor's steps, by the admin who is the whole office
        casework.advance_letter(uow, actor=me, case_number=number, step="approve")
    with store.uow() as uow:
        handling.review_case(uow, actor=me, case_number=number, data=QualityReviewCreate(
            contact_accurate=True, labelled_right=True, claim_evidence_written=True, urgency=True,
            follow_ups_on_time=True, score=5))
    with store.uow() as uow:
        from calldesk.rules.reporting import period_from_label

        run = reports.run_report(uow, actor=me, profile=lausd(), period=period_from_label("2026-11"))
    with store.uow() as uow:
        assert reports.approve_report(uow, actor=me, profile=lausd(), report_id=run.report_id).status == "approved"
    # The approver never signs, unless the profile allows a one-person office: refused with the reason.
    letter = tmp_path / "signed.pdf"
    letter.write_bytes(b"%PDF-1.4 signed")
    with store.uow() as uow, pytest.raises(RuleRefused, match="one_person_office = true"):
        casework.advance_letter(uow, actor=me, case_number=number, step="attach", attachment=letter)
    office = dataclasses.replace(lausd(), one_person_office=True)
    with store.uow() as uow:
        done = casework.advance_letter(uow, actor=me, case_number=number, step="attach", attachment=letter,
                                       profile=office)
    assert done.letter_status == "signed"
    with store.uow(readonly=True) as uow:
        marked = uow.session.exec(select(AuditEvent).where(AuditEvent.action == "letter.one_person_office")).all()
    assert [(e.entity_id, e.new) for e in marked] == [(number, me.username)]


def test_with_a_colleague_the_roles_hold_again(store: Store, admin: Actor) -> None:
    add_user(store, admin, "sue", "supervisor")
    me = store.actor()
    assert not me.sole
    number = _complaint(store, me)
    with store.uow() as uow, pytest.raises(PermissionDenied, match="Only supervisors may approve"):
        casework.advance_letter(uow, actor=me, case_number=number, step="approve")
    with store.uow() as uow, pytest.raises(PermissionDenied):
        reassign(uow, actor=me, case_number=number, to_user="sue")
