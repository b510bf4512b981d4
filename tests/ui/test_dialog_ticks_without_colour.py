"""Without colour (NO_COLOR), a dialog's tick boxes read ticked or not in symbols: [X] and [ ], never a colour
alone (issue 23 item 15)."""

from __future__ import annotations

import pytest
from textual.geometry import Region

from calldesk.profiles import load_profile
from calldesk.screens.case.action_dialogs import EscalateDialog
from calldesk.screens.desk_state import Desk
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.widgets.tick_box import TickBox
from tests.integration.helpers import call
from tests.ui.conftest import fixed_clock
from tests.ui.test_writing_dialogs import Host


def drawn(widget: TickBox) -> str:
    """The tick box's line as the terminal gets it."""
    width, height = widget.size
    return "".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


async def test_a_dialogs_tick_box_reads_ticked_or_not_without_colour(
        store: Store, staff: dict[str, Actor], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    rochester = load_profile("rochester")
    number = call(store, staff["agent"], rochester, call_type="concern", category="Transportation").case.case_number
    dialog = EscalateDialog(Desk(rochester, fixed_clock, store=store, actor=staff["agent"]), number)
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        await app.workers.wait_for_complete()
        await pilot.pause()
        box = dialog.query_one("#f-principal", TickBox)
        assert "[ ] The concern directly involves the principal" in drawn(box)
        await pilot.press("tab", "space")  # from the reason to the tick box, ticked with the space bar
        await pilot.pause()
        assert box.value and "[X] The concern directly involves the principal" in drawn(box)
        await pilot.press("space")
        await pilot.pause()
        assert not box.value and "[ ]" in drawn(box)
