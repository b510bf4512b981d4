"""The pop (issue 26): a call ringing for the agent shows on the desk as one line with the caller's earlier cases
(within 200 ms of the event being kept, on a loaded machine within a few seconds), never taking a key; p starts
the intake with the number, the call's id and its ring time filled; the case saved carries the call."""

from __future__ import annotations

import threading
import time

from textual.widgets import Input

from calldesk.profiles import load_profile
from calldesk.rules.phone import call_client_id, parse_event
from calldesk.screens.desk import DeskScreen
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.screens.ring_line import RingLine
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.phone import record_event
from tests.integration.helpers import at, call
from tests.ui.steps import SIZE, until


def _ring(store: Store, agent: Actor, call_id: str, number: str) -> None:
    event = parse_event({"event": "newCall", "from": number, "to": "+12135559000", "direction": "in",
                         "callId": call_id, "user": [agent.username], "queue": "english"})
    with store.uow() as uow:
        record_event(uow, actor=agent, profile=load_profile(store.protocol), event=event,
                     at=at(2026, 11, 23, 9, 58))


async def test_a_ringing_call_pops_on_the_desk_and_p_starts_its_intake(make_app, desk_store: Store,
                                                                       agent: Actor) -> None:
    # The caller's earlier case, by the same number typed another way: the pop finds it by its digits.
    earlier = call(desk_store, agent, phone="310-555-1234", category="Transportation").case.case_number
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert await until(pilot, lambda: isinstance(app.screen, DeskScreen) and app.desk.ready, 10)
        line = app.screen.query_one(RingLine)
        assert not line.can_focus and str(line.render()) == ""
        await pilot.pause(0.3)  # the watch has read where the events stand
        started = time.monotonic()
        threading.Thread(target=_ring, args=(desk_store, agent, "pbx-77", "+13105551234")).start()
        assert await until(pilot, lambda: line.pop is not None, 10)
        took = time.monotonic() - started
        shown = str(line.render())
        assert shown.startswith("Ringing: +13105551234 - maybe the caller of 1 earlier case: ")
        assert f"{earlier} (open inquiry, Transportation)" in shown and shown.endswith("p takes the call.")
        assert took < 5, f"the pop took {took:.2f} s"  # (the benchmark holds it to 200 ms on a quiet machine)
        await pilot.press("p")
        assert await until(pilot, lambda: isinstance(app.screen, IntakeScreen), 10)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        assert intake.call.client_id == call_client_id("pbx-77") == "cti:pbx-77"
        assert intake.call.opened_at == at(2026, 11, 23, 9, 58)  # the ring, not the key press
        assert intake.query_one("#phone", Input).value == "+13105551234"


async def test_the_line_labels_a_maybe_match_and_a_blocked_number_never_pops(make_app, desk_store: Store,
                                                                              agent: Actor,
                                                                              staff: dict[str, Actor]) -> None:
    from calldesk.store.services.phone_blocks import block_number

    earlier = call(desk_store, agent, phone="310-555-1234", category="Transportation").case.case_number
    with desk_store.uow() as uow:  # the supervisor blocks a nuisance line
        block_number(uow, actor=staff["supervisor"], number="+16265550100", reason="nuisance calls")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert await until(pilot, lambda: isinstance(app.screen, DeskScreen) and app.desk.ready, 10)
        line = app.screen.query_one(RingLine)
        await pilot.pause(0.3)
        threading.Thread(target=_ring, args=(desk_store, agent, "pbx-blocked", "+16265550100")).start()
        await pilot.pause(1.0)  # five times the pop's 200 ms: a ring that pops would be on the line by now
        assert line.pop is None and str(line.render()) == ""
        # The phone system sent the caller's number with the international prefix: no exact case, one maybe.
        threading.Thread(target=_ring, args=(desk_store, agent, "pbx-78", "0013105551234")).start()
        assert await until(pilot, lambda: line.pop is not None, 10)
        shown = str(line.render())
        assert shown.startswith("Ringing: 0013105551234 - no earlier case from this number; maybe ")
        assert f"maybe {earlier} (open inquiry, by the number without the international prefix)" in shown
