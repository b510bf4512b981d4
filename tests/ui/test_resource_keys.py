"""The resource directory takes the words typed right after ctrl+r, and its entry dialog the words typed right after
F6, however fast they come (calldesk.screens.held_keys): before, they went to the call behind, or nowhere, while the
directory came up, and the search opened empty."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, TextArea

from calldesk.screens.resource_keeping import ResourceEntryDialog
from calldesk.screens.resources import ResourceDirectory
from calldesk.store.db.users import Actor
from tests.ui.steps import SIZE, new_call, settle, type_into, until
from tests.ui.test_key_order import burst, typed


async def test_words_typed_right_after_ctrl_r_are_the_search(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Jo")
        burst(app, ["ctrl+r", *typed("late busy"), "backspace"])  # a backspace keeps its place too
        assert await until(pilot, lambda: isinstance(app.screen, ResourceDirectory), 10), app.screen
        search = app.screen.query_one("#resource-search", Input)
        assert await until(pilot, lambda: search.value == "late bus", 5), search.value
        assert screen.query_one("#caller_name", Input).value == "Jo"  # nothing typed into the call
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#response", TextArea).text.startswith("Transportation Services Division")


async def test_words_typed_right_after_f6_are_the_new_entrys(make_app: Any, staff: dict[str, Actor]) -> None:
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=SIZE) as pilot:
        await new_call(pilot)
        await pilot.press("ctrl+r")
        assert await until(pilot, lambda: isinstance(app.screen, ResourceDirectory), 10), app.screen
        await settle(pilot)
        burst(app, ["f6", *typed("Family Support Line"), "tab", *typed("Parenting classes")])
        assert await until(pilot, lambda: isinstance(app.screen, ResourceEntryDialog), 10), app.screen
        await settle(pilot)
        assert app.screen.query_one("#entry-department", Input).value == "Family Support Line"
        assert app.screen.query_one("#entry-response", Input).value == "Parenting classes"
