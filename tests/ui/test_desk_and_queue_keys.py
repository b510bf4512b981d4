"""F3 is the agent desk and F4 the supervisor queue from everywhere (the README's keys): a case opened from the desk
or the queue is left on the way, as Escape leaves it, unless leaving would lose changes not saved; the call, while
one is open, is what F3 shows."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from calldesk.screens.case.screen import CaseScreen
from calldesk.screens.desk import DeskScreen
from calldesk.screens.queue.screen import QueueScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.widgets.queue_table import QueueTable
from tests.integration.helpers import call
from tests.ui.test_case_workspace import _case_screen, _open_case, _settle


async def _shown_after(pilot: Any, app: Any, key: str) -> Any:
    """The screen on top once `key` is pressed and everything it started has finished."""
    await pilot.press(key)
    await _settle(pilot, app)
    return app.screen


async def test_f3_from_the_queue_shows_the_desk_not_the_case_opened_from_it(
        make_app: Any, desk_store: Store, staff: dict[str, Actor]) -> None:
    case = call(desk_store, staff["agent"]).case
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_case(pilot, app, case.case_number)  # from the desk (My work, Find)
        assert isinstance(await _shown_after(pilot, app, "f4"), QueueScreen)
        assert isinstance(await _shown_after(pilot, app, "f3"), DeskScreen)
        assert app.screen_stack == [app.screen]  # the case was left, not kept behind the desk


async def test_f4_from_the_desk_shows_the_queue_not_the_case_opened_from_it(
        make_app: Any, desk_store: Store, staff: dict[str, Actor]) -> None:
    call(desk_store, staff["agent"])
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot, app)
        (await _shown_after(pilot, app, "f4")).query_one(QueueTable).focus()
        await pilot.press("enter")  # the case, opened from the queue
        await _case_screen(pilot, app)
        assert isinstance(await _shown_after(pilot, app, "f3"), DeskScreen)
        assert isinstance(await _shown_after(pilot, app, "f4"), QueueScreen)


async def test_f3_on_a_case_opened_from_the_desk_goes_back_to_the_desk(
        make_app: Any, desk_store: Store, staff: dict[str, Actor]) -> None:
    case = call(desk_store, staff["agent"]).case
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_case(pilot, app, case.case_number)
        assert isinstance(await _shown_after(pilot, app, "f3"), DeskScreen)


async def test_f3_keeps_a_case_with_changes_not_saved_on_screen_and_says_so(
        make_app: Any, desk_store: Store, staff: dict[str, Actor]) -> None:
    case = call(desk_store, staff["agent"], school="Roosevelt High").case
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_case(pilot, app, case.case_number)
        screen.query_one("#school", Input).value = "Garfield High"  # typed, not saved
        assert isinstance(await _shown_after(pilot, app, "f4"), QueueScreen)
        assert await _shown_after(pilot, app, "f3") is screen  # the desk's case, its change kept
        assert isinstance(screen, CaseScreen) and screen.query_one("#school", Input).value == "Garfield High"
        said = [n.message for n in app._notifications]
        assert any(f"Case {case.case_number} has changes not saved" in m for m in said), said
