"""SVG snapshots of the intake screen's five tabs and the abuse guidance, at 120x36 with a fixed clock, and
of the five tabs at 80x24 without colour (NO_COLOR).

Update the baselines after a deliberate change with: pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Footer, Tab

from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.widgets.caller_history import CallerHistory
from calldesk.widgets.confidentiality import STUDENT_CLOSED
from calldesk.widgets.form_field import FOCUS_MARK, FormField
from calldesk.widgets.intake_form import TABS, IntakeForm
from calldesk.widgets.key_line import KeyLine
from tests.integration.helpers import call, lausd
from tests.ui.conftest import NOW
from tests.ui.steps import SIZE, choose, new_call, settle, type_into


async def a_call_in_progress(pilot: Pilot[None]) -> None:
    """A repeat caller about a late bus: the same typing for every tab's picture."""
    await new_call(pilot)
    await type_into(pilot, "caller_name", "Maria Gomez")
    await type_into(pilot, "phone", "2135550142")
    await choose(pilot, "relationship", "relative")
    await type_into(pilot, "school", "Roosevelt HS")
    await choose(pilot, "category", "Transportation")
    await choose(pilot, "subcategory", "Late or missed bus")
    await choose(pilot, "call_type", "concern")
    await type_into(pilot, "claim", "The 7:10 bus skipped her stop twice this week.")
    await type_into(pilot, "steps_taken", "Called the school office on Monday.")
    await settle(pilot)


@pytest.fixture
def earlier_call(desk_store: Store, agent: Actor) -> None:
    call(desk_store, agent, lausd(), caller_name="Maria Gomez", phone="(213) 555-0142", category="Transportation",
         opened_at=NOW - timedelta(days=12))


@pytest.mark.parametrize("tab", ["1", "2", "3", "4", "5"])
def test_intake_tab(tab: str, make_app, earlier_call: None, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await a_call_in_progress(pilot)
        await pilot.press(f"alt+{tab}")
        pilot.app.screen.set_focus(None)  # no blinking cursor in the picture
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_abuse_guidance(make_app, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await new_call(pilot)
        await type_into(pilot, "caller_name", "Jo Doe")
        await pilot.press("f9")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


SMALL = (80, 24)


async def a_small_call(pilot: Pilot[None]) -> None:
    """The same call at 80x24: ticked and unticked boxes, a focused field, the student information closed."""
    screen = await new_call(pilot)
    await type_into(pilot, "caller_name", "Maria Gomez")
    await type_into(pilot, "phone", "2135550142")
    await choose(pilot, "relationship", "relative")
    await choose(pilot, "category", "Transportation")
    await choose(pilot, "subcategory", "Late or missed bus")
    screen.query_one("#close_on_save", Checkbox).value = True
    screen.query_one("#needs_follow_up", Checkbox).value = True
    await type_into(pilot, "claim", "Another student hit my son on the bus.")
    await settle(pilot, 0.3)


@pytest.mark.parametrize("tab", ["1", "2", "3", "4", "5"])
def test_small_terminal_without_colour(tab: str, make_app, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                       snap_compare) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Pilot[None]) -> None:
        await a_small_call(pilot)
        await pilot.press(f"alt+{tab}")  # focus lands on the tab's first field: its label is marked
        await settle(pilot)
        focused = pilot.app.focused
        for blinking in (focused, *pilot.app.screen.query("Input, TextArea")):
            if hasattr(blinking, "cursor_blink"):
                blinking.cursor_blink = False  # a still cursor in the picture
        if tab == "3":
            pilot.app.screen.query_one("#student-information").scroll_visible(animate=False)
        await settle(pilot)

    app = make_app()
    assert app.no_color
    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


async def test_at_80x24_the_form_keeps_its_width_and_every_label(make_app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await a_small_call(pilot)
        screen = pilot.app.screen
        assert not screen.query_one(CallerHistory).display, "the earlier calls give the form its room"
        assert screen.query_one(IntakeForm).size.width == 80
        tabs = list(screen.query(Tab))
        assert len(tabs) == 5 and all(t.region.right <= 80 and t.region.width > 0 for t in tabs)
        keys = screen.query_one(KeyLine)
        assert keys.display and not screen.query_one(Footer).display
        shown = str(keys.render())
        assert all(k in shown for k in ("Save", "Save+close", "Abuse", "Next tab", "Help")), shown
        for pane, _ in TABS:
            screen.form.show_tab(pane)
            await pilot.pause(0.1)
            for field in screen.query_one(f"#{pane}").query(FormField):
                assert len(f"{FOCUS_MARK} {field.label}") <= field.outer_size.width - 4, f"{field.label!r} is cut"
        ticked = screen.query_one("#needs_follow_up", Checkbox)
        unticked = screen.query_one("#urgent", Checkbox)
        assert "[X]" in str(ticked.render()) and "[ ]" in str(unticked.render()), "ticks read without colour"
        assert screen.query_one("#student-information").border_title == STUDENT_CLOSED
        screen.query_one("#phone").focus()
        await pilot.pause()
        assert screen.query_one("#field-phone", FormField).border_title == f"{FOCUS_MARK} Phone"
        await pilot.press("f8")
        await pilot.pause()
        assert screen.query_one(CallerHistory).display, "F8 shows the earlier calls"
