"""The supervisor's caller log, opened from the queue with l (and offered in the palette): the phone system's calls
with a missed one marked and the callback it became; an agent is not offered it."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from calldesk.profiles import load_profile
from calldesk.rules.phone import parse_event
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.phone import record_event
from calldesk.widgets.commands import commands_of
from tests.ui.conftest import fixed_clock


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _calls(store: Store, agent: Actor) -> None:
    ring = fixed_clock()
    for fields in ({"event": "newCall", "from": "+13105551234", "callId": "c1", "user": [agent.username],
                    "queue": "english"},
                   {"event": "hangup", "from": "+13105551234", "callId": "c1", "cause": "noAnswer"},
                   {"event": "newCall", "from": "+12135550142", "callId": "c2", "user": agent.username},
                   {"event": "answer", "from": "+12135550142", "callId": "c2", "user": agent.username},
                   {"event": "hangup", "from": "+12135550142", "callId": "c2", "cause": "normalClearing"}):
        with store.uow() as uow:
            record_event(uow, actor=agent, profile=load_profile(store.protocol), event=parse_event(fields), at=ring)


async def test_the_caller_log_opens_from_the_queue_for_a_supervisor(make_app, desk_store: Store,
                                                                    staff: dict[str, Actor]) -> None:
    from calldesk.screens.phone_log import PhoneLogScreen

    _calls(desk_store, staff["agent"])
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "queue.phone_log" in {c.binding.id for c in commands_of(app.screen)}
        await pilot.press("l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PhoneLogScreen)
        title = str(app.screen.query_one("#phone-log-title", Static).render())
        assert title == "Caller log, last 7 days: 2 calls, 1 missed"
        table = app.screen.query_one("#phone-log", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        missed = next(r for r in rows if r[0] == "c1")
        assert missed[8] == "noAnswer (missed)" and missed[9].startswith("callback ")
        answered = next(r for r in rows if r[0] == "c2")
        assert answered[8] == "normalClearing" and answered[4] == staff["agent"].username


async def test_an_agent_is_not_offered_the_caller_log(make_app, desk_store: Store, staff: dict[str, Actor]) -> None:
    app = make_app(staff["agent"])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "queue.phone_log" not in {c.binding.id for c in commands_of(app.screen)}
