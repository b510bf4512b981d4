"""Keys typed right after the work menu's letter land in the dialog the letter opens, in order, and never in the
case behind it: the letter picks as it is read, and the keys after it wait until the dialog's first field has the
focus (as the keys after ctrl+n wait for the call's first field). Every menu key acts in the order typed."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from calldesk.screens.case.menu import CASE_ACTIONS, CaseActionMenu
from calldesk.screens.case.progress_dialogs import FollowUpDialog
from calldesk.screens.case.screen import CaseScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.integration.helpers import call
from tests.ui.steps import until
from tests.ui.test_case_workspace import _open_case, _settle
from tests.ui.test_key_order import burst, typed


@pytest.fixture
def number(desk_store: Store, staff: dict[str, Actor]) -> str:
    """An open concern, which a specialist may follow up, plan, escalate..."""
    return call(desk_store, staff["agent"], call_type="concern", category="Transportation",
                caller_name="Rosa Diaz").case.case_number


async def _typing_in_case(pilot: Any, app: Any, number: str, *, menu: bool = True) -> CaseScreen:
    """Case `number` open, the cursor in its caller's name (the agent was typing there), the work menu open."""
    screen = await _open_case(pilot, app, number)
    screen.query_one("#caller_name", Input).focus()
    await pilot.pause()
    if menu:
        await pilot.press("ctrl+g")
        await _settle(pilot, app)
        assert isinstance(app.screen, CaseActionMenu)
    return screen


async def test_keys_typed_after_the_menu_letter_land_in_the_dialogs_first_field(
        make_app: Any, number: str, staff: dict[str, Actor]) -> None:
    app = make_app(staff["specialist"])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _typing_in_case(pilot, app, number)
        burst(app, ["f", *typed("Called the depot")])  # the letter and the words, faster than a screen mounts
        assert await until(pilot, lambda: isinstance(app.screen, FollowUpDialog), 10)
        await _settle(pilot, app)
        assert app.screen.query_one("#done", Input).value == "Called the depot"
        assert screen.query_one("#caller_name", Input).value == "Rosa Diaz"  # nothing typed into the case


async def test_a_burst_from_ctrl_g_never_types_into_the_case(
        make_app: Any, number: str, staff: dict[str, Actor]) -> None:
    app = make_app(staff["specialist"])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _typing_in_case(pilot, app, number, menu=False)
        burst(app, ["ctrl+g", "f", *typed("Called the depot")])
        assert await until(pilot, lambda: isinstance(app.screen, FollowUpDialog), 10)
        await _settle(pilot, app)
        assert app.screen.query_one("#done", Input).value == "Called the depot"
        assert screen.query_one("#caller_name", Input).value == "Rosa Diaz"


async def test_arrows_and_enter_typed_fast_open_the_action_they_reach(
        make_app: Any, number: str, staff: dict[str, Actor]) -> None:
    app = make_app(staff["specialist"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _typing_in_case(pilot, app, number)
        offered = [a for a in CASE_ACTIONS if app.screen.offer(a).allowed]
        burst(app, ["down", "enter", *typed("Bus route")])  # Enter read before the arrow had moved: the first
        second = type(offered[1].make(app.desk, number))
        assert await until(pilot, lambda: isinstance(app.screen, second), 10), app.screen
        await _settle(pilot, app)
        focused = app.focused
        assert isinstance(focused, Input) and focused.value == "Bus route"


async def test_escape_then_a_letter_closes_the_menu_and_types_the_letter_in_the_case(
        make_app: Any, number: str, staff: dict[str, Actor]) -> None:
    app = make_app(staff["specialist"])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _typing_in_case(pilot, app, number)
        burst(app, ["escape", "e"])  # changed her mind, and goes on typing in the case (e: Escalate in the menu)
        await _settle(pilot, app)
        await _settle(pilot, app)
        assert app.screen is screen
        assert screen.query_one("#caller_name", Input).value == "Rosa Diaze"


async def test_keys_for_a_dialog_that_cannot_open_are_set_aside_not_typed_into_the_case(
        make_app: Any, number: str, staff: dict[str, Actor], monkeypatch: pytest.MonkeyPatch) -> None:
    from calldesk.errors import CalldeskError

    def store_away(*args: object) -> None:
        raise CalldeskError("The store cannot be reached.")

    monkeypatch.setattr(FollowUpDialog, "__init__", store_away)  # the dialog fails as it is built
    app = make_app(staff["specialist"])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _typing_in_case(pilot, app, number)
        burst(app, ["f", *typed("Called")])
        await _settle(pilot, app)
        assert await until(pilot, lambda: not app._held_keys, 5)
        assert app.screen is screen
        assert screen.query_one("#caller_name", Input).value == "Rosa Diaz"
        said = [n.message for n in app._notifications]
        assert any("6 key(s) typed after it were set aside" in m for m in said), said
        assert any("The store cannot be reached." in m for m in said), said
