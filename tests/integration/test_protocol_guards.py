"""The protocol's hard lines on both backends: consent before disclosure, nothing stored about abuse."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from calldesk.errors import ConsentRefused
from calldesk.models import AuditEvent, CallbackCreate, ConsentCreate, Disclosure, StudentCreate
from calldesk.store.db.engine import sqlite_path
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.callbacks_due import callbacks_for
from calldesk.store.services import callbacks, confidentiality, drafts
from calldesk.store.services.cases import mark_abuse
from tests.integration.helpers import LA, at, call, lausd

MARKER = "ZQX-hit-him-with-a-belt-7731"


def _student(store: Store, agent: Actor, case_number: str) -> int:
    with store.uow() as uow:
        return confidentiality.add_student(uow, actor=agent, case_number=case_number,
                                           data=StudentCreate(name="Luis Gomez", student_ref="1234567")).id


def test_disclosure_without_consent_is_refused_and_nothing_is_written(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    case = call(store, agent, caller_name="Rosa Diaz", relationship="relative").case
    student_id = _student(store, agent, case.case_number)
    with store.uow(readonly=True) as uow:
        events = uow.session.exec(select(func.count()).select_from(AuditEvent)).one()
    with store.uow() as uow, pytest.raises(ConsentRefused, match="Do not proceed: no written consent") as refused:
        confidentiality.disclose(uow, actor=agent, case_number=case.case_number, student_id=student_id,
                                 records=["attendance"])
    assert refused.value.code == "required"
    with store.uow(readonly=True) as uow:
        assert uow.session.exec(select(func.count()).select_from(Disclosure)).one() == 0
        assert uow.session.exec(select(func.count()).select_from(AuditEvent)).one() == events


def test_consent_on_file_allows_and_logs_the_disclosure(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    case = call(store, agent, caller_name="Rosa Diaz", relationship="relative").case
    student_id = _student(store, agent, case.case_number)
    with store.uow() as uow:
        confidentiality.record_consent(uow, actor=agent, case_number=case.case_number, student_id=student_id,
                                       data=ConsentCreate(signed_by="Maria Gomez", signed_on=date(2026, 9, 1),
                                                          records="attendance, grades", purpose="family support",
                                                          recipient="Rosa Diaz", valid_until=date(2027, 6, 30)),
                                       today=date(2026, 11, 23))
    with store.uow() as uow, pytest.raises(ConsentRefused) as out_of_scope:
        confidentiality.disclose(uow, actor=agent, case_number=case.case_number, student_id=student_id,
                                 records=["discipline"], on=date(2026, 11, 23))
    assert out_of_scope.value.code == "out_of_scope"
    with store.uow() as uow:
        outcome = confidentiality.disclose(uow, actor=agent, case_number=case.case_number, student_id=student_id,
                                           records=["attendance"], on=date(2026, 11, 23))
    assert "Maria Gomez" in outcome.decision.basis and outcome.notice
    with store.uow(readonly=True) as uow:
        log = confidentiality.disclosures_for(uow.session, case.case_number, viewer=None)
    assert [(d.recipient, d.records, d.disclosed_by) for d in log] == [("Rosa Diaz", "attendance", "ana")]


def _all_text_in_store(store: Store) -> str:
    """Every text value of every table (PostgreSQL has no single file to grep)."""
    chunks: list[str] = []
    with store.engine.connect() as conn:
        for table in ("cases", "auditevent", "draft", "followup", "resolution", "caselink", "escalation", "callback"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                chunks.extend(str(v) for v in row)
    return "\n".join(chunks)


def _bytes_on_disk(store: Store) -> bytes:
    path = sqlite_path(store.url)
    assert path is not None
    found = b""
    for suffix in ("", "-wal", "-journal"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            found += part.read_bytes()
    return found


def test_abuse_marked_case_stores_no_narrative_anywhere(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    # The agent typed the narrative into the draft and the case before realising what it was.
    with store.uow() as uow:
        drafts.save_draft(uow, actor=agent, client_id="call-1", form={"claim": f"Caller says {MARKER}"})
    case = call(store, agent, call_type="concern", category="Parent/school conflict",
                claim=f"Caller says {MARKER}", evidence=f"Saw {MARKER}", client_id="call-1").case
    from calldesk.models import FollowUpCreate, ResolutionUpdate
    from calldesk.store.services import follow_ups_resolution as casework

    with store.uow() as uow:
        casework.add_follow_up(uow, actor=staff["program_specialist"], profile=lausd(), case_number=case.case_number,
                               data=FollowUpCreate(done=f"Spoke to aunt: {MARKER}", pending=f"Ask about {MARKER}"))
    with store.uow() as uow:
        casework.set_resolution(uow, actor=staff["program_specialist"], case_number=case.case_number,
                                data=ResolutionUpdate(response=f"Told {MARKER}"))
    with store.uow() as uow:
        drafts.save_draft(uow, actor=agent, client_id="call-2", form={"claim": MARKER, "followup_done": MARKER,
                                                                      "abuse_marked": True})
        marked = mark_abuse(uow, actor=agent, case_number=case.case_number)
    assert marked.abuse_marked and marked.claim == "" and marked.evidence == ""
    assert MARKER not in _all_text_in_store(store)
    if store.backend == "sqlite":
        assert MARKER.encode() not in _bytes_on_disk(store)


def test_abuse_marked_at_intake_never_reaches_the_store(store: Store, staff: dict[str, Actor]) -> None:
    from calldesk.models import CaseCreate
    from calldesk.store.services.cases import open_case

    with store.uow() as uow:
        case = open_case(uow, actor=staff["agent"], profile=lausd(), abuse_marked=True,
                         data=CaseCreate(caller_name="Anon", phone="2135550199", category="Enrollment",
                                         claim=MARKER)).case
    assert case.abuse_marked and case.claim == ""
    assert MARKER not in _all_text_in_store(store)
    if store.backend == "sqlite":
        assert MARKER.encode() not in _bytes_on_disk(store)


def test_callbacks_are_due_now_when_urgent_else_within_one_business_day(
        store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    received = at(2026, 11, 25, 16)  # Wednesday before Thanksgiving
    with store.uow() as uow:
        urgent = callbacks.add_callback(uow, actor=agent, profile=lausd(), data=CallbackCreate(
            caller_name="Principal Lee", phone="2135550111", urgent=True, received_at=received))
    with store.uow() as uow:
        normal = callbacks.add_callback(uow, actor=agent, profile=lausd(), data=CallbackCreate(
            caller_name="Parent", phone="2135550112", received_at=received))
    assert urgent.due_at == received
    assert normal.due_at.astimezone(LA).date().isoformat() == "2026-11-27"  # Thursday is Thanksgiving


def test_an_absent_agents_callbacks_show_in_the_supervisors_queue(store: Store, staff: dict[str, Actor]) -> None:
    from calldesk.store.db.users import set_absence

    agent, sue = staff["agent"], staff["supervisor"]
    with store.uow() as uow:
        callbacks.add_callback(uow, actor=agent, profile=lausd(), data=CallbackCreate(
            caller_name="Parent", phone="2135550112", received_at=at(2026, 11, 16)))
    with store.uow(readonly=True) as uow:
        assert callbacks_for(uow.session, profile=lausd(), username="sue", today=date(2026, 11, 17)) == []
    with store.uow() as uow:
        set_absence(uow, actor=sue, username="ana", absent_since=date(2026, 11, 16))
        uow.commit()
    with store.uow(readonly=True) as uow:
        queue = callbacks_for(uow.session, profile=lausd(), username="sue", today=date(2026, 11, 18))
    assert [c.assigned_to for c in queue] == ["ana"]


def test_a_parent_caller_cannot_pass_student_information_to_someone_else(
        store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    case = call(store, agent, caller_name="Maria Gomez", relationship="parent_guardian").case
    student_id = _student(store, agent, case.case_number)
    with store.uow() as uow, pytest.raises(ConsentRefused, match="no written consent"):
        confidentiality.disclose(uow, actor=agent, case_number=case.case_number, student_id=student_id,
                                 records=["attendance"], recipient="A Journalist")
    with store.uow() as uow:
        allowed = confidentiality.disclose(uow, actor=agent, case_number=case.case_number, student_id=student_id,
                                           records=["attendance"])
    assert allowed.decision.basis == "parent/guardian"


def test_nothing_written_after_an_abuse_mark_keeps_the_narrative(store: Store, staff: dict[str, Actor]) -> None:
    from calldesk.models import ResolutionUpdate
    from calldesk.store.services import escalation
    from calldesk.store.services import follow_ups_resolution as casework
    from calldesk.store.services.cases import close_case

    agent, sam = staff["agent"], staff["specialist"]
    case = call(store, agent, call_type="complaint", category="Transportation").case
    with store.uow() as uow:
        callbacks.add_callback(uow, actor=agent, profile=lausd(), data=CallbackCreate(
            caller_name="Aunt", phone="2135550111", message=f"Call back about {MARKER}", case_number=case.case_number))
    with store.uow() as uow:
        mark_abuse(uow, actor=agent, case_number=case.case_number)
    with store.uow() as uow:
        casework.set_resolution(uow, actor=sam, case_number=case.case_number, data=ResolutionUpdate(
            response=MARKER, outcome=MARKER[:100], alleged_violation=MARKER))
    with store.uow() as uow:
        escalation.escalate(uow, actor=sam, profile=lausd(), case_number=case.case_number, reason=MARKER)
    with store.uow() as uow:
        callbacks.add_callback(uow, actor=agent, profile=lausd(), data=CallbackCreate(
            caller_name="Aunt", phone="2135550111", message=MARKER, case_number=case.case_number))
    with store.uow() as uow:
        closed = close_case(uow, actor=staff["supervisor"], case_number=case.case_number, reason=MARKER)
    assert closed.status == "closed"
    assert MARKER not in _all_text_in_store(store)
