""""Needs a call back" ticked on a call makes its case's callback in the call's one save (issue 23, item 10), on
both backends; tries at a callback are counted on it with the last result."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from calldesk.errors import PermissionDenied
from calldesk.models import Callback, Case
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import callbacks
from calldesk.store.services.calls import CallSave, SavedCase, save_call
from tests.integration.helpers import at, lausd

INQUIRY = {"caller_name": "Rosa Diaz", "phone": "(213) 555-0177", "call_type": "inquiry",
           "category": "Enrollment", "needs_follow_up": True, "urgent": True}


def _save(store: Store, actor: Actor, **values: Any) -> SavedCase:
    with store.uow() as uow:
        return save_call(uow, actor=actor, profile=lausd(), data=CallSave(**values))


def _callbacks(store: Store) -> list[Callback]:
    with store.uow(readonly=True) as uow:
        return list(uow.session.exec(select(Callback).order_by(col(Callback.id))))


def test_a_ticked_call_back_makes_one_callback_with_the_save(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    saved = _save(store, agent, client_id="call-cb", opened_at=at(2026, 11, 23), fields=INQUIRY)
    [made] = _callbacks(store)
    # The case's own details; urgent, so due at once (PROTOCOL 5: urgent calls are due immediately).
    assert (made.case_id, made.caller_name, made.phone) == (saved.case.id, "Rosa Diaz", "+12135550177")
    assert made.urgent and made.due_at == made.received_at and made.done_at is None
    assert made.message == f"Call back about case {saved.case.case_number} (Enrollment)."
    # An inquiry needing a follow-up is the program specialist's (PROTOCOL 2, tier inquiry_followup): the case is
    # assigned to the present one, and so is its callback; the save says so.
    assert made.assigned_to == (saved.case.assigned_to or agent.username)
    assert saved.callback_added and f"Callback to the caller on {made.assigned_to}'s list." in saved.reasons
    again = _save(store, agent, client_id="call-cb", opened_at=at(2026, 11, 23), fields=INQUIRY,
                  case_number=saved.case.case_number, expected_version=saved.case.version)
    assert not again.callback_added and len(_callbacks(store)) == 1, "saving again makes no other"
    with store.uow() as uow:
        callbacks.complete_callback(uow, actor=agent, callback_id=made.id)  # type: ignore[arg-type]
    _save(store, agent, client_id="call-cb", opened_at=at(2026, 11, 23), fields=INQUIRY,
          case_number=saved.case.case_number, expected_version=again.case.version + 1)
    assert len(_callbacks(store)) == 1, "nor after it was returned"


def test_no_tick_no_callback_and_a_refused_save_makes_none(store: Store, staff: dict[str, Actor]) -> None:
    _save(store, staff["agent"], client_id="call-no", opened_at=at(2026, 11, 23),
          fields={**INQUIRY, "needs_follow_up": False})
    assert _callbacks(store) == []
    concern = {**INQUIRY, "call_type": "concern", "claim": "Placed at a school 40 minutes away."}
    with pytest.raises(PermissionDenied):  # the close is refused (a concern is a program specialist's) ...
        _save(store, staff["agent"], client_id="call-refused", opened_at=at(2026, 11, 23), fields=concern,
              response="She will be moved", close=True)
    with store.uow(readonly=True) as uow:
        assert uow.session.exec(select(Case).where(Case.client_id == "call-refused")).first() is None
    assert _callbacks(store) == [], "... and the callback goes with the rest of the save"


def test_tries_are_counted_on_the_callback_with_the_last_result(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    saved = _save(store, agent, client_id="call-try", opened_at=at(2026, 11, 23), fields=INQUIRY)
    [made] = _callbacks(store)
    assert made.attempts == 0 and made.last_attempt is None
    owner = staff["supervisor"]  # a supervisor sees every callback (the owner may be the program specialist)
    for result in ("voicemail", "no-answer"):
        with store.uow() as uow:
            tried = callbacks.record_attempt(uow, actor=owner, callback_id=made.id, result=result)  # type: ignore[arg-type]
    assert (tried.attempts, tried.last_attempt) == (2, "no_answer")  # two tries, the last with no answer
    assert saved.case.case_number in tried.message
