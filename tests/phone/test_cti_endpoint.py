"""Recorded CTI sequences (answered, missed, transferred, retried) posted over HTTP to the real endpoint (uvicorn
on a free port), on both backends; a missed call becomes a callback due by the DCFS rule."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from calldesk.errors import PermissionDenied
from calldesk.models import Callback, PhoneEvent
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.phone import phone_log
from tests.conftest import add_user
from tests.integration.helpers import LA, at
from tests.phone.cti import listening

SEQUENCES = json.loads((Path(__file__).parent / "data" / "cti_sequences.json").read_text())
# Every event rings at Fri 4 Dec 2026 16:30 in Los Angeles (the listener's clock), so a missed call's callback is
# due within one business day of it: the end of Mon 7 Dec 2026 (Sat 5 and Sun 6 are not business days; DCFS).
RING = at(2026, 12, 4, 16, 30)
DUE = datetime(2026, 12, 7, 23, 59, 59, tzinfo=LA)


def _people(store: Store, admin: Actor) -> dict[str, Actor]:
    people = {"sue": add_user(store, admin, "sue", "supervisor")}
    for name in ("ana", "bo"):
        people[name] = add_user(store, admin, name, "agent", supervisor="sue")
    return people


def _rows(store: Store, query: object) -> list:  # type: ignore[type-arg]
    with store.uow(readonly=True) as uow:
        return list(uow.session.exec(query))  # type: ignore[call-overload]


def test_the_recorded_sequences_each_event_once_a_missed_call_a_callback(store: Store, admin: Actor) -> None:
    people = _people(store, admin)
    with listening(store, people["ana"], clock=lambda: RING) as endpoint:
        for name in ("answered", "missed", "transferred", "retried"):
            for event in SEQUENCES[name]:
                assert endpoint.post(event) == (200, {}), (name, event)
    events = _rows(store, select(PhoneEvent).order_by(col(PhoneEvent.id)))
    # 3 + 2 + 3 events, and the retried call's 4 posts are 2 events: 10 rows.
    assert len(events) == 10
    assert {(e.call_id, e.event) for e in events if e.call_id == "r1-retried"} == {
        ("r1-retried", "newCall"), ("r1-retried", "hangup")}
    callbacks = _rows(store, select(Callback).order_by(col(Callback.id)))
    # Missed: m1 (noAnswer) and r1 (cancel, posted twice: one callback); answered and transferred calls: none.
    assert [(c.phone, c.assigned_to) for c in callbacks] == [("+13105551234", "ana"), ("+16265550100", "ana")]
    assert all(c.received_at == RING and c.due_at == DUE for c in callbacks)
    assert callbacks[0].message == "Missed call on bilingual: nobody answered."
    assert callbacks[1].message == "Missed call on english: the caller hung up before it was answered."
    with store.uow(readonly=True) as uow:
        lines = {line.call_id: line for line in phone_log(uow.session, viewer=people["sue"], since=at(2026, 12, 1))}
    assert set(lines) == {"a1-answered", "m1-missed", "t1-transferred", "r1-retried"}
    answered = lines["a1-answered"]
    assert (answered.agent, answered.queue, answered.cause, answered.missed) == ("ana", "english", "normalClearing",
                                                                                False)
    assert answered.ring_at == answered.answer_at == answered.hangup_at == RING
    assert (lines["t1-transferred"].agent, lines["t1-transferred"].cause) == ("bo", "forwarded")
    assert lines["m1-missed"].missed and lines["m1-missed"].callback_id == callbacks[0].id
    assert lines["m1-missed"].answer_at is None
    with store.uow(readonly=True) as uow, pytest.raises(PermissionDenied, match="read the caller log"):
        phone_log(uow.session, viewer=people["ana"], since=at(2026, 12, 1))


def test_form_data_with_either_spelling_and_a_user_array(store: Store, admin: Actor) -> None:
    people = _people(store, admin)
    with listening(store, people["bo"], clock=lambda: RING) as endpoint:
        assert endpoint.post({"event": "newCall", "caller_id": "(213) 555-0142", "to": "+12135559000",
                              "direction": "in", "call_id": "f1", "user[]": ["bo", "ana"], "queue": "english"},
                             form=True) == (200, {})
        assert endpoint.post({"event": "hangup", "callerId": "(213) 555-0142", "direction": "in", "callId": "f1",
                              "cause": "noAnswer"}, form=True) == (200, {})
    ring = _rows(store, select(PhoneEvent).where(PhoneEvent.event == "newCall"))[0]
    assert (ring.from_number, ring.phone_digits, ring.users) == ("(213) 555-0142", "12135550142", "bo,ana")
    # The first agent rung (bo) has the missed call's callback; the number is stored dialable (E.164).
    assert [(c.phone, c.assigned_to) for c in _rows(store, select(Callback))] == [("+12135550142", "bo")]


def test_a_wrong_token_or_a_bad_event_is_refused_in_one_line_and_nothing_is_kept(store: Store,
                                                                                    admin: Actor) -> None:
    people = _people(store, admin)
    with listening(store, people["ana"]) as endpoint:
        status, answer = endpoint.post(SEQUENCES["missed"][0], token="not-the-token")
        assert status == 401 and "Unknown token" in answer["error"]
        assert endpoint.post({"event": "ring", "callId": "x"}) == (
            422, {"error": "Unknown event 'ring': expected newCall, answer or hangup."})
        assert endpoint.post({"event": "hangup", "callId": "x", "cause": "exploded"})[0] == 422
        assert endpoint.post({"event": "newCall", "direction": "in"}) == (422, {"error": "The event has no callId."})
        status, answer = endpoint.post({"event": "newCall", "callId": "x", "from": "1\x1b[2J"})
        assert status == 422 and "control characters" in answer["error"]
    assert _rows(store, select(PhoneEvent)) == [] and _rows(store, select(Callback)) == []


def test_a_listener_signed_in_without_a_desk_role_keeps_nothing(store: Store, admin: Actor) -> None:
    rex = add_user(store, admin, "rex", "respondent", places="Roosevelt High")
    with listening(store, rex) as endpoint:
        status, answer = endpoint.post(SEQUENCES["missed"][0])
    assert status == 403 and "receive the phone system's events" in answer["error"]
    assert _rows(store, select(PhoneEvent)) == []


def test_the_case_opened_from_a_calls_pop_is_the_calls_case_in_the_log(store: Store, admin: Actor) -> None:
    from calldesk.profiles import load_profile
    from calldesk.rules.phone import call_client_id
    from calldesk.store.services.calls import CallSave, save_call

    people = _people(store, admin)
    with listening(store, people["ana"], clock=lambda: RING) as endpoint:
        for event in SEQUENCES["answered"]:
            assert endpoint.post(event) == (200, {})
    # The desk's p starts the intake with the call's client id and ring time: the save opens the call's case.
    with store.uow() as uow:
        saved = save_call(uow, actor=people["ana"], profile=load_profile(store.protocol), data=CallSave(
            client_id=call_client_id("a1-answered"), opened_at=RING,
            fields={"caller_name": "Maria Gomez", "phone": "+12135550142", "call_type": "inquiry",
                    "category": "Enrollment"}))
    with store.uow(readonly=True) as uow:
        [line] = phone_log(uow.session, viewer=people["sue"], since=at(2026, 12, 1))
    assert (line.call_id, line.case_number, line.callback_id) == ("a1-answered", saved.case.case_number, None)
