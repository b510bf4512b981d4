"""Issue 23 item 11 in the find dialog: a name found by any word, the cursor stays in the query box, and the keys
typed while the dialog opens are all kept."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from calldesk.screens.find import FindCaseScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.integration.helpers import call
from tests.ui.steps import SIZE, settle, until
from tests.ui.test_key_order import burst


async def test_find_by_a_later_word_keeps_the_cursor_in_the_query_box(make_app, desk_store: Store,  # type: ignore[no-untyped-def]
                                                                     agent: Actor) -> None:
    case = call(desk_store, agent, caller_name="José María López", phone="213-555-0142").case
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # "/" opens the dialog; the letters right behind it, in the app's queue before it has mounted, go into the box.
        burst(app, ["slash", *"lopez"])
        await until(pilot, lambda: isinstance(app.screen, FindCaseScreen), 5)
        screen = app.screen
        assert isinstance(screen, FindCaseScreen)
        query = screen.query_one("#find-text", Input)
        await until(pilot, lambda: query.value == "lopez", 2)
        assert query.value == "lopez", "every key typed while the dialog opened is kept"
        await pilot.press("enter")
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == 1  # by hand: one case, José María López, "lopez" its last word, accent dropped
        assert screen.focused is query, "the cursor stays in the query box"
        await pilot.press("backspace", *"z jose", "enter")  # typing on refines the search
        await settle(pilot)
        assert query.value == "lopez jose" and table.row_count == 1
        await pilot.press("down")
        assert screen.focused is table, "down moves to the results"
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == case.case_number


async def test_every_key_typed_as_find_opens_reaches_the_box_in_order(make_app, desk_store: Store,  # type: ignore[no-untyped-def]
                                                                      agent: Actor) -> None:
    """The keys after / wait for the box (the app holds them: calldesk.screens.held_keys), editing keys too. The
    dialog's own fallback before (its on_key typed the printable keys that reached it into the box) dropped the
    others: in this burst the box read "lope" or nothing, and Enter never searched."""
    call(desk_store, agent, caller_name="José María López")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, ["slash", "backspace", *"lopezz", "backspace", "enter"])
        assert await until(pilot, lambda: isinstance(app.screen, FindCaseScreen), 5)
        screen = app.screen
        assert await until(pilot, lambda: screen.searched == "lopez", 5), screen.query_one("#find-text", Input).value
        await settle(pilot)
        assert screen.query_one(DataTable).row_count == 1


async def test_keys_typed_right_after_ctrl_o_pick_from_the_callers_earlier_calls(make_app, desk_store: Store,  # type: ignore[no-untyped-def]
                                                                                 agent: Actor) -> None:
    """During a call, ctrl+o, down and Enter in one burst open the caller's second earlier call; before, down and
    Enter went to the call's field while the list came up (Enter moved the call on to its next field)."""
    from calldesk.screens.case.screen import CaseScreen
    from calldesk.widgets.caller_history import CallerHistory
    from tests.ui.steps import call_from

    numbers = [call(desk_store, agent, caller_name="Rosa Diaz", phone="213-555-0142").case.case_number
               for _ in range(2)]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        intake = await call_from(pilot, "2135550142")
        listed = [case.case_number for case in intake.query_one(CallerHistory).cases if case.yours]
        assert sorted(listed) == sorted(numbers)
        focused = app.focused
        burst(app, ["ctrl+o", "down", "enter"])
        assert await until(pilot, lambda: isinstance(app.screen, CaseScreen), 10), app.screen
        assert app.screen.case_number == listed[1]
        assert intake.focused is focused  # Enter did not move the call on
