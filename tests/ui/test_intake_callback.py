"""The intake's "Needs a call back" at the keyboard: Enter on it ticks it (never saves the call), and the save
makes the case's callback."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import Checkbox

from calldesk.models import Callback
from calldesk.profiles import load_profile
from calldesk.screens.case.action_dialogs import EscalateDialog
from calldesk.screens.desk_state import Desk
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.one_case import get_case
from tests.integration.helpers import call
from tests.ui.conftest import fixed_clock
from tests.ui.steps import SIZE, cases, choose, new_call, settle
from tests.ui.test_prefilled_fields import Host


async def test_needs_a_call_back_ticked_with_enter_and_saved_makes_the_callback(  # type: ignore[no-untyped-def]
        make_app, desk_store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await pilot.press(*"Rosa Diaz", "tab", *"2135550177")
        await pilot.press("alt+2")
        await choose(pilot, "category", "Enrollment")
        tick = screen.query_one("#needs_follow_up", Checkbox)
        tick.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert tick.value, "Enter ticks the box"
        assert cases(desk_store) == [], "and saves nothing"
        await pilot.press("enter", "enter")  # off and on again: still nothing saved
        await settle(pilot)
        assert tick.value and cases(desk_store) == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        [case] = cases(desk_store)
        with desk_store.uow(readonly=True) as uow:
            [made] = uow.session.exec(select(Callback)).all()
        assert made.case_id == case.id and made.caller_name == "Rosa Diaz"
        # An inquiry needing a follow-up is assigned to the program specialist at work (PROTOCOL 2): the callback
        # is on the case's assignee's list.
        assert case.assigned_to is not None and made.assigned_to == case.assigned_to


async def test_enter_on_a_dialogs_tick_box_ticks_it_and_never_saves(store: Store, staff: dict[str, Actor]) -> None:
    rochester = load_profile("rochester")
    number = call(store, staff["agent"], rochester, call_type="concern", category="Transportation").case.case_number
    dialog = EscalateDialog(Desk(rochester, fixed_clock, store=store, actor=staff["agent"]), number)
    app = Host(dialog)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        tick = dialog.query_one("#f-principal", Checkbox)
        tick.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert tick.value and app.screen is dialog, "ticked, and the dialog is still open"
    with store.uow(readonly=True) as uow:
        assert get_case(uow.session, number, viewer=None).escalation_level == 0, "nothing was escalated"
