"""LA DCFS returning telephone calls, through the services on both backends: when a callback is due,
attempts, and an absent colleague's callbacks covered by their supervisor, handed on and handed back."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from calldesk.errors import InvalidInput, NotFound, PermissionDenied, RuleRefused
from calldesk.models import AuditEvent, CallbackCreate, utcnow
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor, set_absence
from calldesk.store.read.callbacks_due import callbacks_for
from calldesk.store.services import callbacks
from calldesk.store.services.assignments import reassign
from tests.conftest import add_user
from tests.integration.helpers import LA, at, call, lausd


def _add(store: Store, actor: Actor, **values: object) -> int:
    with store.uow() as uow:
        return callbacks.add_callback(uow, actor=actor, profile=lausd(), data=CallbackCreate(
            caller_name="Rosa Diaz", phone="2135550142", **values)).id  # type: ignore[arg-type]


def _open_for(store: Store, username: str, today: date) -> list[callbacks.CallbackPublic]:
    with store.uow(readonly=True) as uow:
        return callbacks_for(uow.session, profile=lausd(), username=username, today=today)


def test_urgent_and_superiors_calls_are_due_at_once_others_the_next_business_day(
        store: Store, staff: dict[str, Actor]) -> None:
    friday = at(2026, 11, 20, 15)
    with store.uow() as uow:
        urgent = callbacks.add_callback(uow, actor=staff["agent"], profile=lausd(), data=CallbackCreate(
            caller_name="Principal Lee", urgent=True, received_at=friday))
    with store.uow() as uow:
        boss = callbacks.add_callback(uow, actor=staff["agent"], profile=lausd(), data=CallbackCreate(
            caller_name="Deputy Director", from_superior=True, received_at=friday))
    with store.uow() as uow:
        normal = callbacks.add_callback(uow, actor=staff["agent"], profile=lausd(), data=CallbackCreate(
            caller_name="Parent", phone="2135550112", message="Bus stop", received_at=friday))
    assert urgent.due_at == friday and boss.due_at == friday
    due = normal.due_at.astimezone(LA)
    assert due.date() == date(2026, 11, 23) and due.hour >= 16  # Friday's message: by the end of Monday


def test_attempts_keep_a_callback_open_until_the_caller_is_reached(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    cid = _add(store, agent, received_at=at(2026, 11, 23))
    for result in ("voicemail", "no-answer"):
        with store.uow() as uow:
            assert callbacks.record_attempt(uow, actor=agent, callback_id=cid, result=result).done_at is None
    with store.uow() as uow, pytest.raises(InvalidInput, match="not an attempt result"):
        callbacks.record_attempt(uow, actor=agent, callback_id=cid, result="maybe")
    with store.uow() as uow:
        assert callbacks.record_attempt(uow, actor=agent, callback_id=cid, result="reached").done_at is not None
    with store.uow() as uow, pytest.raises(RuleRefused, match="already returned"):
        callbacks.record_attempt(uow, actor=agent, callback_id=cid, result="reached")
    with store.uow(readonly=True) as uow:
        results = [e.new for e in uow.session.exec(
            select(AuditEvent).where(AuditEvent.action == "callback.attempt").order_by(AuditEvent.id))]  # type: ignore[arg-type]
    assert results == ["voicemail", "no_answer", "reached"]
    assert _open_for(store, agent.username, date(2026, 11, 24)) == []


def test_an_absent_owners_callback_is_covered_handed_on_and_handed_back(
        store: Store, staff: dict[str, Actor]) -> None:
    ana, sue, sam = staff["agent"], staff["supervisor"], staff["specialist"]
    cid = _add(store, ana, received_at=at(2026, 11, 16))
    assert _open_for(store, sue.username, date(2026, 11, 18)) == []  # ana is at work
    with store.uow() as uow:
        set_absence(uow, actor=sue, username=ana.username, absent_since=date(2026, 11, 16))
        uow.commit()
    assert _open_for(store, sue.username, date(2026, 11, 16)) == []  # one day away: not yet
    covered = _open_for(store, sue.username, date(2026, 11, 18))
    assert [(c.id, c.covering_for) for c in covered] == [(cid, ana.username)]
    with store.uow() as uow, pytest.raises(PermissionDenied):
        callbacks.reassign_callback(uow, actor=ana, profile=lausd(), callback_id=cid, to_user=sam.username)
    with store.uow() as uow:
        callbacks.reassign_callback(uow, actor=sue, profile=lausd(), callback_id=cid, to_user=sam.username)
    assert [c.id for c in _open_for(store, sam.username, date(2026, 11, 18))] == [cid]
    assert _open_for(store, sue.username, date(2026, 11, 18)) == []
    with store.uow() as uow:
        set_absence(uow, actor=ana, username=ana.username, absent_since=None)  # back at work
        uow.commit()
    with store.uow() as uow:
        callbacks.reassign_callback(uow, actor=sue, profile=lausd(), callback_id=cid, to_user=ana.username)
    mine = _open_for(store, ana.username, date(2026, 11, 19))
    assert [(c.id, c.covering_for) for c in mine] == [(cid, None)]


def test_a_voicemail_typed_in_late_is_due_from_when_it_was_received_never_from_the_future(
        store: Store, staff: dict[str, Actor]) -> None:
    # Received Fri 4 Dec 2026 16:30 (LA), typed in later: due within one business day of receipt, the end of
    # Mon 7 Dec (Sat 5 and Sun 6 are not business days), whenever it was typed.
    with store.uow() as uow:
        taken = callbacks.add_callback(uow, actor=staff["agent"], profile=lausd(), data=CallbackCreate(
            caller_name="Rosa Diaz", received_at=at(2026, 12, 4, 16, 30)))
    assert taken.received_at == at(2026, 12, 4, 16, 30)
    assert taken.due_at == datetime(2026, 12, 7, 23, 59, 59, tzinfo=LA)
    with store.uow() as uow, pytest.raises(InvalidInput, match="received in the future"):
        callbacks.add_callback(uow, actor=staff["agent"], profile=lausd(), data=CallbackCreate(
            caller_name="Rosa Diaz", received_at=utcnow() + timedelta(hours=2)))


def test_a_supervisor_reassesses_a_messages_urgency_and_its_due_time_follows(
        store: Store, staff: dict[str, Actor]) -> None:
    received = at(2026, 12, 4, 16, 30)
    cid = _add(store, staff["agent"], received_at=received)
    with store.uow() as uow, pytest.raises(PermissionDenied, match="re-assess a message's urgency"):
        callbacks.reassess_urgency(uow, actor=staff["agent"], profile=lausd(), callback_id=cid, urgent=True)
    with store.uow() as uow:
        urgent = callbacks.reassess_urgency(uow, actor=staff["supervisor"], profile=lausd(), callback_id=cid,
                                            urgent=True)
    assert urgent.urgent and urgent.due_at == received  # urgent: due at once, from when it was received
    with store.uow() as uow, pytest.raises(RuleRefused, match="already urgent"):
        callbacks.reassess_urgency(uow, actor=staff["supervisor"], profile=lausd(), callback_id=cid, urgent=True)
    with store.uow() as uow:
        calm = callbacks.reassess_urgency(uow, actor=staff["supervisor"], profile=lausd(), callback_id=cid,
                                          urgent=False)
    assert calm.due_at == datetime(2026, 12, 7, 23, 59, 59, tzinfo=LA)  # back to one business day
    with store.uow(readonly=True) as uow:
        trail = [(e.actor, e.field, e.new) for e in uow.session.exec(
            select(AuditEvent).where(AuditEvent.action == "callback.assess").order_by(AuditEvent.id))]  # type: ignore[arg-type]
    assert [(who, what) for who, what, _ in trail] == [("sue", "urgent"), ("sue", "due_at")] * 2


def test_a_callback_is_never_handed_to_someone_absent(store: Store, staff: dict[str, Actor]) -> None:
    ana, sue, sam = staff["agent"], staff["supervisor"], staff["specialist"]
    cid = _add(store, ana, received_at=at(2026, 12, 4, 9))
    with store.uow() as uow:
        set_absence(uow, actor=sue, username=sam.username, absent_since=date(2026, 12, 1))
        uow.commit()
    with store.uow() as uow, pytest.raises(RuleRefused, match=r"sam is away since Tue 1 Dec( 2026)?:"):
        callbacks.reassign_callback(uow, actor=sue, profile=lausd(), callback_id=cid, to_user=sam.username)
    with store.uow() as uow, pytest.raises(RuleRefused, match="someone who is present"):
        callbacks.add_callback(uow, actor=ana, profile=lausd(), data=CallbackCreate(
            caller_name="Rosa Diaz", assigned_to=sam.username))
    assert [c.id for c in _open_for(store, ana.username, date(2026, 12, 7))] == [cid]


def test_the_share_of_callbacks_returned_on_time(store: Store, staff: dict[str, Actor]) -> None:
    ana = staff["agent"]
    now = utcnow()
    on_time = _add(store, ana, received_at=now - timedelta(minutes=1))  # due the end of the next business day
    late = _add(store, ana, received_at=now - timedelta(days=30))  # due a month ago: returned now, late
    _add(store, ana, received_at=now - timedelta(minutes=2))  # still open
    for cid in (on_time, late):
        with store.uow() as uow:
            callbacks.complete_callback(uow, actor=ana, callback_id=cid)
    with store.uow(readonly=True) as uow:
        figure = callbacks.callback_timeliness(uow.session, since=now - timedelta(days=40),
                                               until=now + timedelta(days=1))
    assert (figure.received, figure.returned, figure.on_time, figure.late, figure.still_open) == (3, 2, 1, 1, 1)
    assert figure.words() == "50% returned on time (1 of 2)"


def test_a_callback_is_returned_by_its_holder_or_whoever_sees_its_case_on_both_backends(
        store: Store, staff: dict[str, Actor]) -> None:
    # The rule PostgreSQL's row-level security holds for every login, held by the store on SQLite too: an agent
    # returns her own callbacks and those of cases she works, never a colleague's; a callback about a case goes
    # only to someone who works the case, and one whose case moved on from its holder is refused in words.
    ana, sue = staff["agent"], staff["supervisor"]
    bo = add_user(store, staff["admin"], "bo", "agent")
    theirs = _add(store, bo)
    for attempt in (lambda uow: callbacks.complete_callback(uow, actor=ana, callback_id=theirs),
                    lambda uow: callbacks.record_attempt(uow, actor=ana, callback_id=theirs, result="reached")):
        with store.uow() as uow, pytest.raises(NotFound, match=f"No callback {theirs}"):
            attempt(uow)
    number = call(store, sue, call_type="concern", category="Transportation").case.case_number  # pat's
    about = _add(store, sue, case_number=number)
    with store.uow() as uow, pytest.raises(RuleRefused, match=f"ana does not work case {number}"):
        callbacks.reassign_callback(uow, actor=sue, profile=lausd(), callback_id=about, to_user="ana")
    with store.uow() as uow:
        reassign(uow, actor=sue, case_number=number, to_user="ana")
    with store.uow() as uow:
        callbacks.reassign_callback(uow, actor=sue, profile=lausd(), callback_id=about, to_user="ana")
    for someone in ("pat", "sam"):  # the case moves on twice: ana no longer sees it
        with store.uow() as uow:
            reassign(uow, actor=sue, case_number=number, to_user=someone)
    with store.uow() as uow, pytest.raises(RuleRefused, match="about a case you do not work"):
        callbacks.complete_callback(uow, actor=ana, callback_id=about)
    assert [c.id for c in _open_for(store, "bo", date(2026, 12, 7))] == [theirs]
    with store.uow() as uow:  # whoever works the case returns it
        assert callbacks.complete_callback(uow, actor=staff["specialist"], callback_id=about).done_at is not None
