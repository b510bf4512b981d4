"""The ring line's watch (issue 26): it waits on the store's change signal instead of reading the events ten
times a second. On PostgreSQL the phoneevent trigger (0021) notifies `calldesk_phone` when an event is kept, and
nothing else does; on SQLite the file's commit counter moves (one pragma read, no table read)."""

from __future__ import annotations

import time

import pytest

from calldesk.profiles import load_profile
from calldesk.rules.phone import parse_event
from calldesk.store.db.changes import PHONE_CHANNEL, ChangeWatch
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.phone import latest_ring, record_event
from tests.conftest import Team
from tests.integration.helpers import call


def _ring(store: Store, agent: Actor, call_id: str) -> None:
    event = parse_event({"event": "newCall", "from": "+13105551234", "callId": call_id, "user": [agent.username]})
    with store.uow() as uow:
        record_event(uow, actor=agent, profile=load_profile(store.protocol), event=event)


def test_a_kept_phone_event_wakes_the_watch_at_once(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    with ChangeWatch(store.engine, channel=PHONE_CHANNEL, poll=0.02) as watch:
        assert not watch.wait(0.2)  # nothing changed
        _ring(store, agent, "w1")
        began = time.monotonic()
        assert watch.wait(5.0)
        assert time.monotonic() - began < 0.2  # well inside the pop's 200 ms
        assert not watch.wait(0.2)  # told once per change
        call(store, agent)  # a case saved, no phone event
        case_woke = watch.wait(0.5)
    # PostgreSQL tells the ring line only of phone events; SQLite's counter moves on any commit (then the line's
    # one indexed read finds no new ring).
    assert case_woke is (store.engine.dialect.name != "postgresql")


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_an_agents_desk_hears_an_event_another_login_kept(team: Team) -> None:
    # ana's desk listens through her own login; bo's listener keeps the ring through his.
    with ChangeWatch(team.store("ana").engine, channel=PHONE_CHANNEL, poll=0.02) as watch:
        assert not watch.wait(0.2)
        _ring(team.store("bo"), team.actor("bo"), "w-team")
        assert watch.wait(5.0)
    with team.store("ana").uow(readonly=True) as uow:
        ring = latest_ring(uow.session, user=team.name("bo"))
    assert ring is not None and ring.call_id == "w-team" and ring.recorded_by == team.name("bo")
