"""LA DCFS returning telephone calls, through the services on both backends: when a callback is due,
attempts, and an absent colleague's callbacks covered by their supervisor, handed on and handed back."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from calldesk.errors import InvalidInput, PermissionDenied, RuleRefused
from calldesk.models import AuditEvent, CallbackCreate
from calldesk.store import callbacks
from calldesk.store.store import Store
from calldesk.store.users import Actor, set_absence
from tests.integration.helpers import LA, at, lausd


def _add(store: Store, actor: Actor, **values: object) -> int:
    with store.uow() as uow:
        return callbacks.add_callback(uow, actor=actor, profile=lausd(), data=CallbackCreate(
            caller_name="Rosa Diaz", phone="2135550142", **values)).id  # type: ignore[arg-type]


def _open_for(store: Store, username: str, today: date) -> list[callbacks.CallbackPublic]:
    with store.uow(readonly=True) as uow:
        return callbacks.callbacks_for(uow.session, profile=lausd(), username=username, today=today)


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
