"""The Asterisk AMI adapter on recorded AMI traffic (tests/phone/data/ami_queue_calls.txt: an answered queue call,
one abandoned while waiting, one nobody answered, and an internal call), no live Asterisk needed; its events kept on
both backends make the same callbacks as the CTI endpoint's."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from calldesk.models import Callback, PhoneEvent
from calldesk.phone.ami import events_of
from calldesk.profiles import load_profile
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.phone import record_event
from tests.conftest import add_user
from tests.integration.helpers import at

TRAFFIC = Path(__file__).parent / "data" / "ami_queue_calls.txt"


def _events() -> list:  # type: ignore[type-arg]
    with TRAFFIC.open(encoding="utf-8", newline="") as lines:
        return list(events_of(lines))


def test_the_recorded_traffic_in_calldesks_event_shape() -> None:
    said = [(e.event, e.call_id, e.from_number, e.queue, e.users, e.cause) for e in _events()]
    assert said == [
        # Answered: the caller joins the queue, ana (agent 201) takes it, the caller's channel hangs up (16).
        ("newCall", "1764950400.101", "+12135550142", "english", (), ""),
        ("answer", "1764950400.101", "+12135550142", "english", ("ana",), ""),
        ("hangup", "1764950400.101", "+12135550142", "english", (), "normalClearing"),
        # Abandoned while waiting: QueueCallerAbandon is the hang-up (cancel); the channel's own Hangup after it
        # is the same event of the same call (stored once).
        ("newCall", "1764950460.103", "+13105551234", "bilingual", (), ""),
        ("hangup", "1764950460.103", "+13105551234", "bilingual", (), "cancel"),
        ("hangup", "1764950460.103", "+13105551234", "bilingual", (), "normalClearing"),
        # Nobody answered: Q.850 cause 19.
        ("newCall", "1764950520.105", "+16265550100", "english", (), ""),
        ("hangup", "1764950520.105", "+16265550100", "english", (), "noAnswer"),
    ]  # the agent leg's Hangup and the internal call: nothing


def test_the_adapters_events_kept_make_the_missed_calls_callbacks(store: Store, admin: Actor) -> None:
    ana = add_user(store, admin, "ana", "agent")
    for event in _events():
        with store.uow() as uow:
            record_event(uow, actor=ana, profile=load_profile(store.protocol), event=event,
                         at=at(2026, 12, 4, 16, 30))
    with store.uow(readonly=True) as uow:
        stored = list(uow.session.exec(select(PhoneEvent.call_id, PhoneEvent.event).order_by(col(PhoneEvent.id))))
        callbacks = list(uow.session.exec(select(Callback.phone).order_by(col(Callback.id))))
    assert len(stored) == 7  # 8 events, the abandoned call's second hang-up a duplicate
    assert callbacks == ["+13105551234", "+16265550100"]  # the abandoned and the unanswered call
