"""The case's work menu and its dialogs at 80x24: nothing they say is cut."""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.widgets import Static

from calldesk.screens.case.menu import CaseActionMenu
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.integration.helpers import call
from tests.ui.test_case_workspace import _open_case, _settle


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
