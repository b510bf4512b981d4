"""The listener signed in as an agent's own PostgreSQL login (made by `db grant`): it reads the store's CTI token,
keeps the events and makes a missed call's callback through her login; the supervisor reads the caller log
through his; the events carry the login that kept them, whatever the listener claims."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from calldesk.errors import PermissionDenied
from calldesk.models import AuditEvent, Callback, PhoneEvent
from calldesk.store.services.phone import phone_log
from tests.conftest import Team
from tests.integration.helpers import LA, at
from tests.phone.cti import listening
from tests.team.helpers import acting, owner_rows

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

SEQUENCES = json.loads((Path(__file__).parent / "data" / "cti_sequences.json").read_text())
RING = at(2026, 12, 4, 16, 30)  # Fri 4 Dec 2026 16:30 LA: a missed call is due by the end of Mon 7 Dec (DCFS)


def test_an_agents_listener_keeps_the_calls_and_a_missed_one_is_her_callback(team: Team) -> None:
    ana = team.actor("ana")
    missed = [{**e, "user": [team.name("ana")]} if e["event"] == "newCall" else e for e in SEQUENCES["missed"]]
    with listening(team.store("ana"), ana, clock=lambda: RING) as endpoint:
        for event in [*SEQUENCES["answered"], *missed, missed[-1]]:
            assert endpoint.post(event) == (200, {})
    events = owner_rows(team, select(PhoneEvent).order_by(col(PhoneEvent.id)))
    assert len(events) == 5 and {e.recorded_by for e in events} == {team.name("ana")}
    [callback] = owner_rows(team, select(Callback))
    assert (callback.assigned_to, callback.phone) == (team.name("ana"), "+13105551234")
    assert callback.due_at == datetime(2026, 12, 7, 23, 59, 59, tzinfo=LA)
    # The database recorded each event her login wrote.
    recorded = owner_rows(team, select(AuditEvent).where(AuditEvent.entity == "phoneevent"))
    assert len(recorded) >= 5 and {e.actor for e in recorded} == {team.name("ana")}
    with acting(team, "sue") as (uow, sue):
        lines = phone_log(uow.session, viewer=sue, since=at(2026, 12, 1))
    assert {(line.call_id, line.missed, line.callback_id) for line in lines} == {
        ("a1-answered", False, None), ("m1-missed", True, callback.id)}
    with acting(team, "ana") as (uow, me), pytest.raises(PermissionDenied):
        phone_log(uow.session, viewer=me, since=at(2026, 12, 1))


def test_a_login_writes_no_event_in_anothers_name_and_a_respondent_reads_no_token(team: Team) -> None:
    with acting(team, "bo") as (uow, _):
        uow.session.execute(text(
            "INSERT INTO phoneevent (call_id, event, at, direction, from_number, to_number, phone_digits, users, "
            "queue, answering_number, cause, recorded_by) VALUES ('x1', 'newCall', now(), 'in', '', '', '', '', "
            "'', '', '', 'someone_else')"))
        uow.session.commit()
    [kept] = owner_rows(team, select(PhoneEvent))
    assert kept.recorded_by == team.name("bo")
    with acting(team, "rex") as (uow, _):
        assert uow.session.execute(text("SELECT count(*) FROM storesecret WHERE name = 'cti'")).scalar() == 0
