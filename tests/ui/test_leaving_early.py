"""Leaving at once (ctrl+q right after ctrl+n) while the hidden tabs are still mounting: no traceback."""

from __future__ import annotations

from calldesk.app import CalldeskApp
from calldesk.screens.intake import IntakeScreen
from calldesk.store.store import Store
from calldesk.store.users import Actor
from tests.ui.conftest import fixed_clock


async def test_exit_while_tabs_still_mounting(desk_store: Store, agent: Actor) -> None:
    app = CalldeskApp(desk_store, agent, clock=fixed_clock)
    hit: list[bool] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await app.run_action("new_call")
        for _ in range(200):
            await pilot.pause(0.001)
            if isinstance(app.screen, IntakeScreen) and app.screen.is_mounted and not app.screen.form.ready:
                hit.append(True)
                app.exit()
                break
    assert hit, "never caught the screen mid-mount"
    assert app.return_code in (0, None), app.return_code
