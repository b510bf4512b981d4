"""An agent's call with "Needs a call back" ticked makes the case's callback through her own PostgreSQL login, in
the call's one save; its owner tries it and returns it through theirs (issue 23, item 10)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from calldesk.models import Callback
from calldesk.store.read.callbacks_due import callbacks_for
from calldesk.store.services import callbacks
from calldesk.store.services.calls import CallSave, save_call
from tests.conftest import Team
from tests.integration.helpers import at, lausd
from tests.team.helpers import acting, owner_rows

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def test_an_agents_ticked_call_back_reaches_its_owner(team: Team) -> None:
    fields = {"caller_name": "Rosa Diaz", "phone": "2135550177", "call_type": "inquiry", "category": "Enrollment",
              "needs_follow_up": True}
    with acting(team, "ana") as (uow, ana):
        saved = save_call(uow, actor=ana, profile=lausd(),
                          data=CallSave(client_id="team-cb", opened_at=at(2026, 11, 23), fields=fields))
    [made] = owner_rows(team, select(Callback))
    # An inquiry needing a follow-up goes to the program specialist at work (PROTOCOL 2): pat, the only one;
    # the case's callback is on pat's list, made by ana's save.
    assert saved.case.assigned_to == team.name("pat") == made.assigned_to and saved.callback_added
    assert made.case_id == saved.case.id and not made.urgent and made.done_at is None
    with acting(team, "pat") as (uow, pat):
        tried = callbacks.record_attempt(uow, actor=pat, callback_id=made.id, result="voicemail")  # type: ignore[arg-type]
    assert (tried.attempts, tried.last_attempt) == (1, "voicemail")
    with acting(team, "pat") as (uow, pat):
        mine = callbacks_for(uow.session, profile=lausd(), username=pat.username,
                                       today=at(2026, 11, 23).date())
    assert [(c.id, c.attempts, c.last_attempt) for c in mine] == [(made.id, 1, "voicemail")]
    with acting(team, "pat") as (uow, pat):
        assert callbacks.complete_callback(uow, actor=pat, callback_id=made.id).done_at is not None  # type: ignore[arg-type]
