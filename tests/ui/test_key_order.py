"""Keys typed faster than the screen can follow land in the order they were typed (a burst, as under load)."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea

from calldesk.screens.intake.screen import IntakeScreen
from tests.ui.steps import SIZE, new_call, settle


def burst(app, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Every key into the app's queue at once, before any is handled: what a busy machine does to fast typing."""
    for key in keys:
        char = {"space": " "}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))


def typed(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def test_backspaces_and_letters_keep_their_order(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        assert isinstance(screen, IntakeScreen)
        burst(app, typed("Jonathan") + ["backspace"] * 8 + typed("Maria Lopez"))
        await settle(pilot, 0.3)
        assert screen.query_one("#caller_name", Input).value == "Maria Lopez"


async def test_editing_keys_in_a_text_box_keep_their_order(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        screen.form.show_tab_of(screen.query_one("#claim"))
        screen.query_one("#claim", TextArea).focus()
        await pilot.pause()
        burst(app, typed("bus late") + ["backspace"] * 4 + typed("missed") + ["home"] + typed("The "))
        await settle(pilot, 0.3)
        assert screen.query_one("#claim", TextArea).text == "The bus missed"


async def test_a_burst_from_ctrl_n_lands_in_each_field_in_order(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, ["ctrl+n", *typed("Jonathan"), *["backspace"] * 8, *typed("Maria Lopez"), "tab",
                    *typed("2135550142")])
        await settle(pilot, 0.5)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.query_one("#caller_name", Input).value == "Maria Lopez"
        focused = app.focused
        assert isinstance(focused, Input) and focused.value == "2135550142"


async def test_tab_keys_faster_than_the_screen_show_the_tab_that_has_the_focus(make_app) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import ContentSwitcher

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        burst(app, ["f7", "f7", "f7", "f7", *typed("Told her")])
        await settle(pilot, 0.3)
        switcher = screen.form.tabs.query_one(ContentSwitcher)
        assert (switcher.current, screen.form.tabs.active) == ("resolution", "resolution")
        assert screen.query_one("#response", TextArea).text == "Told her"
