"""Stored markup and escape sequences reach the desk inert: the queue, the unsaved-call list, the case workspace
and the callbacks screen; nothing drawn sends a control character to the terminal."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, OptionList, TextArea

from calldesk.models import FollowUpCreate
from calldesk.screens.queue.screen import QueueScreen
from calldesk.screens.resume import ResumeDraft
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import drafts
from calldesk.widgets.queue_table import QueueTable
from tests.integration.helpers import call, lausd
from tests.ui.conftest import NOW
from tests.ui.steps import SIZE, settle, until

HOSTILE = "[/] [link=https://evil.example]x[/link] \x1b[2J"


async def test_the_queue_shows_a_hostile_caller_name_as_typed(make_app, desk_store: Store, agent: Actor,  # type: ignore[no-untyped-def]
                                                              staff: dict[str, Actor]) -> None:
    call(desk_store, agent, lausd(), caller_name=HOSTILE, call_type="concern", opened_at=NOW)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        row = [str(cell) for cell in app.screen.query_one(QueueTable).get_row_at(0)]
    assert "[/] [link=https://evil.example]x[/link] \\x1b[2J" in row and not any("\x1b" in c for c in row)


async def test_an_unsaved_call_with_a_hostile_name_is_offered_inert(make_app, desk_store: Store, agent: Actor  # type: ignore[no-untyped-def]
                                                                    ) -> None:
    with desk_store.uow() as uow:
        drafts.save_draft(uow, actor=agent, client_id="c-1", form={"caller_name": HOSTILE})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeDraft)
        prompt = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
    assert "[/] [link=https://evil.example]x[/link]" in prompt and "\x1b" not in prompt


CONTROLS = "Ana \x1b]0;PWNED\x07 \x1b[2J \u202eevil \x9b31m [red]x[/] end"
RAW = ("\x1b]0;PWNED", "\x1b[2J", "\u202e", "\x9b", "\x07")


def _terminal_output(app: Any) -> str:
    """What the app sends the terminal for its whole screen (the same call its display makes on a real one)."""
    return str(app.screen._compositor.render_update(full=True).render_segments(app.console))


async def test_the_case_workspace_shows_stored_escapes_inert_and_saves_them_unchanged(
        make_app, desk_store: Store, agent: Actor) -> None:  # type: ignore[no-untyped-def]
    from calldesk.screens.case.screen import CaseScreen
    from calldesk.store.services.follow_ups_resolution import add_follow_up

    number = call(desk_store, agent, lausd(), caller_name=CONTROLS, school=CONTROLS, claim=CONTROLS,
                  call_type="concern", opened_at=NOW).case.case_number
    with desk_store.uow() as uow:
        add_follow_up(uow, actor=agent, profile=lausd(), case_number=number,
                      data=FollowUpCreate(done=CONTROLS, pending=CONTROLS))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(CaseScreen(number))
        for _ in range(40):
            await settle(pilot)
            screen = app.screen
            if isinstance(screen, CaseScreen) and screen.view is not None and screen.shown_ready:
                break
        assert isinstance(screen, CaseScreen)
        await settle(pilot)
        shown = screen.query_one("#caller_name", Input).value
        assert "\\x1b]0;PWNED\\x07" in shown and "[red]x[/]" in shown and "\\u202e" in shown
        assert "\\x1b[2J" in str(screen.query_one("#claim", TextArea).text)
        for tab in ("caller-details", "call-information", "follow-up", "case-history", "case-links"):
            screen.action_show_tab(tab)
            await settle(pilot)
            drawn = _terminal_output(app)
            assert not [raw for raw in RAW if raw in drawn], tab
        # Pasted or typed past the form's guard, a control still never reaches the terminal (the line filter).
        school = screen.query_one("#school", Input)
        was = school.value
        school.value = "pasted \x1b]0;PWNED\x07 \x9b2J"
        screen.action_show_tab("caller-details")
        await settle(pilot)
        assert "pasted" in _terminal_output(app) and not [raw for raw in RAW if raw in _terminal_output(app)]
        school.value = was  # back to what it showed: left as it was
        screen.query_one("#department", Input).value = "Transport"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.view is not None and screen.view.case.department == "Transport"
    # The fields shown inert and left alone keep the stored text exactly (no escape was saved as typed text).
    case = screen.view.case
    assert case.caller_name == CONTROLS and case.school == CONTROLS and case.claim == CONTROLS


async def test_the_callbacks_screen_shows_a_hostile_caller_as_typed(make_app, desk_store: Store,  # type: ignore[no-untyped-def]
                                                                    agent: Actor) -> None:
    from textual.widgets import DataTable

    from calldesk.models import CallbackCreate
    from calldesk.screens.callbacks import CallbacksScreen
    from calldesk.store.services.callbacks import add_callback

    with desk_store.uow() as uow:
        add_callback(uow, actor=agent, profile=lausd(), data=CallbackCreate(
            caller_name=CONTROLS, phone="+12135550142", message=CONTROLS, assigned_to=agent.username))
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")  # the desk's callbacks
        assert await until(pilot, lambda: isinstance(pilot.app.screen, CallbacksScreen), 10)
        await settle(pilot)
        cells = [str(c) for c in pilot.app.screen.query_one("#callbacks", DataTable).get_row_at(0)]
        drawn = _terminal_output(pilot.app)
    assert any("\\x1b]0;PWNED" in c for c in cells), cells
    assert "[red]x[/]" in drawn and not [raw for raw in RAW if raw in drawn]  # markup drawn as typed, not red
