"""The case's work menu and its dialogs at 80x24, and without colour (NO_COLOR): nothing they say is cut, and every
text box reads as one."""

from __future__ import annotations

from typing import Any

import pytest
from textual.containers import Vertical
from textual.widgets import Input, Static

from calldesk.screens.case.action_dialogs import EscalateDialog
from calldesk.screens.case.menu import CaseActionMenu
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.integration.helpers import call
from tests.ui.steps import until
from tests.ui.test_case_workspace import _open_case, _settle


async def _work_dialog(pilot: Any, app: Any, number: str, letter: str, kind: type) -> Any:
    """The case `number` opened, its work menu (ctrl+g), and the dialog its `letter` opens (a `kind`), settled."""
    await _open_case(pilot, app, number)
    await pilot.press("ctrl+g")
    await _settle(pilot, app)
    await pilot.press(letter)
    assert await until(pilot, lambda: isinstance(app.screen, kind), 10)
    await _settle(pilot, app)
    return app.screen


def _whole(widget: Static, box: Vertical) -> bool:
    """`widget` shows all its lines inside `box` (none cut off by the box's edge)."""
    inside = box.content_region
    return widget.region.height > 0 and widget.region.y >= inside.y and widget.region.bottom <= inside.bottom


async def test_at_80x24_the_work_menu_shows_why_an_action_is_refused_and_its_keys(
        make_app: Any, desk_store: Store, staff: dict[str, Actor]) -> None:
    """An agent may not merge: g says why under the list, the whole sentence, and the hint under it stays in
    sight. Before, the list took every line, and the sentence was cut after its first line, the hint gone."""
    number = call(desk_store, staff["agent"]).case.case_number
    app = make_app(staff["agent"])
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_case(pilot, app, number)
        await pilot.press("ctrl+g")
        await _settle(pilot, app)
        menu = app.screen
        assert isinstance(menu, CaseActionMenu)
        await pilot.press("g")
        await _settle(pilot, app)
        box = menu.query_one(".case-menu", Vertical)
        why = menu.query_one("#case-menu-why", Static)
        assert "Merge" in str(why.render()) and why.region.height >= 2, str(why.render())
        assert _whole(why, box), (why.region, box.content_region)
        assert _whole(menu.query_one(".dialog-hint", Static), box)


@pytest.mark.parametrize("no_color", [True, False])
async def test_without_colour_a_dialogs_text_box_is_underlined(
        make_app: Any, desk_store: Store, staff: dict[str, Actor], monkeypatch: pytest.MonkeyPatch,
        no_color: bool) -> None:
    """The action dialogs' text boxes are compact (no border, to fit at 80x24): only their shade of grey set them
    apart, one step from the dialog's, so without colour the reason to escalate looked like a line of text."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    number = call(desk_store, staff["agent"], call_type="concern", category="Transportation").case.case_number
    app = make_app(staff["specialist"])
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color is no_color
        reason = (await _work_dialog(pilot, app, number, "e", EscalateDialog)).query_one("#f-reason", Input)
        assert bool(reason.styles.text_style.underline) is no_color


async def test_at_80x24_the_quality_review_scrolls_to_each_field_and_its_buttons(
        make_app: Any, desk_store: Store, staff: dict[str, Actor]) -> None:
    """LAUSD's checklist has ten points: with the score, the comment and the buttons the review is taller than 24
    lines. Before, the dialog was cut at the screen's edge (Save and Cancel out of sight, Tab moved into fields
    never shown) and the longest point's label was cut at the dialog's side; now the dialog scrolls to the field
    that has the cursor, and a label wraps."""
    from calldesk.screens.case.action_dialogs import ReviewDialog
    from calldesk.widgets.tick_box import TickBox

    number = call(desk_store, staff["agent"], call_type="concern", category="Transportation").case.case_number
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _work_dialog(pilot, app, number, "q", ReviewDialog)
        box = dialog.query_one(".dialog", Vertical)
        longest = max(dialog.query(TickBox), key=lambda tick: len(str(tick.label)))
        assert longest.region.right <= box.content_region.right and longest.region.height >= 2, longest.region
        assert app.focused is dialog.query(TickBox).first()
        for _ in range(len(dialog.query("Input, TickBox, Button")) - 1):  # every field, then Save, then Cancel
            await pilot.press("tab")

            def in_sight() -> bool:  # (the dialog scrolls to the focused field after a refresh: waited for)
                focused = app.focused
                return focused is not None and box.content_region.contains_region(focused.region)

            assert await until(pilot, in_sight, 3), (app.focused, box)
        assert app.focused is dialog.query_one("#cancel")
