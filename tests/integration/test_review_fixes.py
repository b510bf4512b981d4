"""Defects found in review, on both backends: each test fails if its fix is undone."""

from __future__ import annotations

import pytest
from sqlmodel import select

from calldesk.errors import InvalidInput, PermissionDenied
from calldesk.models import Case, CaseUpdate, ResolutionUpdate
from calldesk.store.db import users as user_service
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import drafts
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.cases import close_case, update_case
from calldesk.store.services.typed_fields import build
from tests.integration.helpers import call, lausd


def test_marking_due_process_on_a_saved_case_closes_it(store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], call_type="complaint", category="Transportation").case
    with store.uow() as uow:
        outcome = update_case(uow, actor=staff["specialist"], profile=lausd(), case_number=case.case_number,
                              expected_version=case.version, changes=CaseUpdate(due_process=True))
    assert outcome.case.status == "closed" and outcome.case.close_reason == "already in due process"


def test_the_agent_who_took_a_complaint_cannot_close_the_specialists_case(
        store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], call_type="complaint", category="Transportation").case
    with store.uow() as uow:
        casework.set_resolution(uow, actor=staff["specialist"], case_number=case.case_number,
                                data=ResolutionUpdate(response="Route restored"))
    for role in ("agent", "program_specialist"):
        with store.uow() as uow, pytest.raises(PermissionDenied, match="belongs to a specialist"):
            close_case(uow, actor=staff[role], case_number=case.case_number)
    with store.uow() as uow:
        assert close_case(uow, actor=staff["specialist"], case_number=case.case_number).status == "closed"


def test_an_over_long_email_on_update_is_a_one_line_refusal(store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"]).case
    # The limit is the model's (CaseBase.email, max_length 254), for an update as for a new case.
    with store.uow() as uow, pytest.raises(InvalidInput, match="Email is longer than 254") as refused:
        update_case(uow, actor=staff["agent"], profile=lausd(), case_number=case.case_number,
                    expected_version=case.version, changes=build(CaseUpdate, email="a" * 300 + "@example.org"))
    assert refused.value.field == "email"
    with store.uow(readonly=True) as uow:
        assert uow.session.exec(select(Case)).one().email is None


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(store: Store, staff: dict[str, Actor]) -> None:
    admin = staff["admin"]
    with store.uow() as uow, pytest.raises(InvalidInput, match="last active admin"):
        user_service.set_role(uow, actor=admin, username=admin.username, role="agent")
    with store.uow() as uow:
        user_service.set_role(uow, actor=admin, username="sue", role="admin")
        uow.commit()
    with store.uow() as uow:
        assert user_service.set_role(uow, actor=admin, username=admin.username, role="agent").role == "agent"
        uow.commit()


def test_a_draft_belongs_to_the_agent_who_typed_it(store: Store, staff: dict[str, Actor]) -> None:
    with store.uow() as uow:
        drafts.save_draft(uow, actor=staff["agent"], client_id="call-9", form={"caller_name": "Maria"})
    with store.uow() as uow, pytest.raises(PermissionDenied, match="belongs to someone else"):
        drafts.save_draft(uow, actor=staff["specialist"], client_id="call-9", form={"caller_name": "Other"})
    with store.uow(readonly=True) as uow:
        assert drafts.drafts_of(uow.session, "ana") == [("call-9", {"caller_name": "Maria"})]
