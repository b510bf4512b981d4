"""Pre-filled fields: what the agent types replaces the default, it is never added to it ("EnglishSpanish")."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.screen import ModalScreen
from textual.widgets import Input, Select

from calldesk.profiles import load_profile
from calldesk.screens.case.action_dialogs import MeetingDialog, ReferDialog
from calldesk.screens.case.progress_dialogs import CloseDialog
from calldesk.screens.desk_state import Desk
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.widgets.typing import DefaultedInput
from tests.integration.helpers import call
from tests.ui.conftest import fixed_clock
from tests.ui.steps import SIZE, cases, choose, new_call, settle


async def test_a_language_typed_replaces_english_and_routes_the_call(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await pilot.press(*"Ana Ruiz")
        language = screen.query_one("#language", Input)
        assert language.value == "English", "a call is in English unless the agent says otherwise"
        language.focus()
        await pilot.press(*"Spanish")  # key by key, as typed
        assert language.value == "Spanish"
        await pilot.press("alt+2")
        await choose(pilot, "category", "Transportation")
        await pilot.press("ctrl+s")
        await settle(pilot)
    [case] = cases(desk_store)
    assert case.language == "Spanish"  # not "EnglishSpanish", which routed to "Bilingual line (EnglishSpanish)"


async def test_a_pasted_language_replaces_the_default_and_editing_keys_edit_it(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        language = screen.query_one("#language", Input)
        language.focus()
        app.post_message(events.Paste("Korean"))
        await pilot.pause()
        assert language.value == "Korean"
        await pilot.press(*"ab")  # no longer the default: typing goes where the cursor is
        assert language.value == "Koreanab"
        language.value = "English"  # back to the default (a draft restored): typing replaces it again
        await pilot.press(*"Thai")
        assert language.value == "Thai"
        language.value = "English"
        await pilot.press("end", "backspace", "backspace", "backspace", *"and")  # an edit of the default is kept
        assert language.value == "Engl" + "and"


async def test_no_pre_filled_text_box_adds_what_is_typed_to_its_default(make_app) -> None:  # type: ignore[no-untyped-def]
    # Every text box of the call's form that starts with a value replaces it with what is typed.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        prefilled = [box for box in screen.query(Input) if box.value]
        assert prefilled, "the language box starts as English"
        assert all(isinstance(box, DefaultedInput) for box in prefilled), [box.id for box in prefilled]


class Host(App[None]):
    """A bare app showing one dialog."""

    def __init__(self, dialog: ModalScreen[Any]) -> None:
        super().__init__()
        self.dialog = dialog

    def on_mount(self) -> None:
        self.push_screen(self.dialog)


async def test_a_dialogs_default_is_replaced_by_what_is_typed(store: Store, staff: dict[str, Actor]) -> None:
    rochester = load_profile("rochester")
    number = call(store, staff["agent"], rochester, call_type="concern", category="Transportation").case.case_number
    desk = Desk(rochester, fixed_clock, store=store, actor=staff["agent"])
    # The referral office and the meeting's kind are pickers now (issue 23 item 8): a choice, never a default with
    # what is typed stuck to it; Enter opens the list, letters find the value, Enter picks it.
    for dialog, field, typed, picked in ((ReferDialog(desk, number), "f-kind", "civil", "civil_rights"),
                                         (MeetingDialog(desk, number), "f-kind", "mediation", "mediation")):
        app = Host(dialog)
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            picker = app.screen.query_one(f"#{field}", Select)
            assert isinstance(picker.value, str) and picker.value != picked, "the picker starts on a default"
            picker.focus()
            await pilot.pause()
            await pilot.press("enter", *typed, "enter")
            await pilot.pause()
            assert picker.value == picked, type(dialog).__name__
    # A text box with a default (the reason for closing): what is typed replaces it.
    app = Host(CloseDialog(desk, number))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        box = app.screen.query_one("#reason", Input)
        assert box.value, "the field starts with a default"
        box.focus()
        box.cursor_position = len(box.value)  # even with the cursor after the default (nothing selected)
        await pilot.pause()
        await pilot.press(*"withdrawn")
        assert box.value == "withdrawn"
