"""The callbacks screen offers a key only to whom it works for: h (hand on) and u (urgency) are a supervisor's
(rules.permissions reassign, assess_callback); an agent or an admin was shown them, and a form opened only for the
store to refuse what they typed."""

from __future__ import annotations

from typing import Any

import pytest

from calldesk.models import CallbackCreate
from calldesk.profiles import load_profile
from calldesk.screens.callbacks import CallbacksScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.callbacks import add_callback
from calldesk.widgets.commands import commands_of
from tests.ui.conftest import NOW


@pytest.mark.parametrize("role", ["agent", "admin", "supervisor"])
async def test_hand_on_and_urgency_are_offered_to_supervisors(make_app, desk_store: Store,  # type: ignore[no-untyped-def]
                                                              staff: dict[str, Actor], role: str) -> None:
    who = Actor(staff[role].username, role)  # (the fixture's admin was read as the store's only user)
    with desk_store.uow() as uow:
        add_callback(uow, actor=who, profile=load_profile("lausd"),
                     data=CallbackCreate(caller_name="Rosa Diaz", received_at=NOW))
    app: Any = make_app(actor=who)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.push_screen(CallbacksScreen(app.desk))
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        offered = {command.binding.id for command in commands_of(screen)}
        supervisor = role == "supervisor"
        assert ("callbacks.hand_on" in offered) == supervisor and ("callbacks.assess" in offered) == supervisor
        assert {"callbacks.add", "callbacks.attempt", "callbacks.done"} <= offered
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (app.screen is screen) != supervisor  # the form opens for a supervisor only
