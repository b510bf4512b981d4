"""Leaving at once (ctrl+q right after ctrl+n) while the call's screen is still being built: no traceback."""

from __future__ import annotations

from calldesk.app import CalldeskApp
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.ui.conftest import fixed_clock


async def test_exit_while_the_call_is_still_being_built(desk_store: Store, agent: Actor) -> None:
    app = CalldeskApp(desk_store, agent, clock=fixed_clock)
    async with app.run_test(size=(120, 36)):
        await app.run_action("new_call")
        screen = app.screen
        assert isinstance(screen, IntakeScreen) and not screen.form_ready, "caught before its tabs are mounted"
        app.exit()
    assert app.return_code in (0, None), app.return_code


async def test_keys_typed_right_after_ctrl_n_all_land_in_order(desk_store: Store, agent: Actor) -> None:
    """An agent types the moment the key is down: nothing typed before the screen is ready is lost or reordered."""
    from textual import events
    from textual.widgets import Input

    app = CalldeskApp(desk_store, agent, clock=fixed_clock)
    names = {" ": "space", "@": "at", ".": "full_stop"}

    def typed(text: str) -> list[tuple[str, str | None]]:
        return [(names.get(c, c), c) for c in text]

    burst = [("ctrl+n", None), *typed("Ana Ruiz"), ("tab", "\t"), *typed("2135550142"), ("tab", "\t"),
             ("tab", "\t"), *typed("ana@x.org")]  # past the topic picker to the email
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for key, character in burst:  # posted at once, without waiting: faster than any agent
            app.post_message(events.Key(key, character))
        await pilot.pause(0.5)
        values = [app.screen.query_one(f"#{name}", Input).value for name in ("caller_name", "phone", "email")]
    assert values == ["Ana Ruiz", "2135550142", "ana@x.org"]
