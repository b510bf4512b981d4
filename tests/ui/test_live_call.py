"""Issue 7 on a live call: tab keys from every field, edits after a save kept, Escape always leaves, no selected
text after a refusal, type-to-find picks the right choice, drafts discarded, the history without this call."""

from __future__ import annotations

import json

from sqlalchemy import text
from textual.widgets import Input, Select, TextArea

from calldesk.models import Resource
from calldesk.screens.desk import DeskScreen
from calldesk.screens.intake.quit_call import QuitCall
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.screens.resources import ResourceDirectory, ranked
from calldesk.screens.resume import ResumeDraft
from calldesk.store.db.store import Store
from calldesk.widgets.caller_history import CallerHistory
from calldesk.widgets.topic_picker import find_topics, topics_of
from tests.ui.steps import SIZE, cases, choose, draft_forms, new_call, settle, type_into


async def test_tab_keys_switch_from_a_text_box_and_land_in_the_first_field(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await pilot.press("alt+2")
        claim = screen.query_one("#claim", TextArea)
        claim.focus()
        await pilot.press(*"Bus late")
        await pilot.press("f7")  # TextArea would select text with F7: the tab switches instead
        await pilot.pause()
        assert screen.form.tabs.active == "confidentiality"
        assert screen.focused is screen.query_one("#student_name")
        await pilot.press(*"Ana")
        assert screen.query_one("#student_name", Input).value == "Ana", "typed text goes to the new tab's field"
        assert claim.text == "Bus late", "the claim kept every character"
        for key, pane, first in [("f6", "call-information", "category"), ("f6", "caller-details", "caller_name"),
                                 ("f6", "resolution", "response"), ("alt+4", "follow-up", "followup_done")]:
            await pilot.press(key)
            await pilot.pause()
            assert (screen.form.tabs.active, screen.focused and screen.focused.id) == (pane, first), key
        await pilot.press(*"ok", "f7", *"Sure")
        await pilot.pause()
        assert screen.query_one("#followup_done", TextArea).text == "ok"
        assert screen.query_one("#response", TextArea).text == "Sure"


async def test_edits_after_a_save_are_drafted_and_resumed_as_changes_to_the_case(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    first = make_app()
    async with first.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Maria Gomez")
        await choose(pilot, "category", "Transportation")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [case] = cases(desk_store)
        assert draft_forms(desk_store) == []
        await type_into(pilot, "claim", "The bus skipped her stop twice.")
        await settle(pilot, 0.3)
        [draft] = draft_forms(desk_store)
        assert json.loads(draft)["case_number"] == case.case_number, "the draft knows its case"
        assert "skipped her stop" in draft
        assert screen.unsaved_changes()
    # The app ended mid-edit (as if the terminal died).
    second = make_app()
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(second.screen, ResumeDraft)
        shown = str(second.screen.query_one("#drafts").get_option_at_index(0).prompt)  # type: ignore[attr-defined]
        assert shown.startswith(f"Unsaved changes to case {case.case_number}")
        await pilot.press("enter")
        await settle(pilot)
        screen = second.screen
        assert isinstance(screen, IntakeScreen) and screen.call.case is not None
        assert screen.call.case.case_number == case.case_number
        assert screen.query_one("#claim", TextArea).text == "The bus skipped her stop twice."
        await pilot.press("ctrl+s")
        await settle(pilot)
    [saved] = cases(desk_store)
    assert saved.case_number == case.case_number and saved.claim == "The bus skipped her stop twice."
    assert draft_forms(desk_store) == [], "the case holds the changes: no draft is left"


async def test_close_when_saved_without_a_response_does_not_trap_the_agent(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Maria Gomez")
        await choose(pilot, "category", "Transportation")
        await pilot.press("f10")  # save and close, with no response: one step, so nothing is written
        await settle(pilot)
        assert cases(desk_store) == [] and app.screen is screen
        said = [n.message for n in app._notifications]
        assert any("response" in m.lower() for m in said), said  # it says what is missing
        assert not any("saved" in m for m in said), "it must not claim a save that did not happen"
        await pilot.press("ctrl+s")  # saving without closing needs no response
        await settle(pilot)
        await type_into(pilot, "claim", "More")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen), "Escape always leaves the call"
    [case] = cases(desk_store)
    assert case.status == "open" and case.claim == "More", "leaving saved the change without closing"


async def test_after_a_refused_save_one_backspace_removes_one_letter(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Maria Gomez")
        await type_into(pilot, "phone", "555 12")
        await pilot.press("ctrl+s")
        await settle(pilot)
        phone = screen.query_one("#phone", Input)
        assert screen.focused is phone and phone.selected_text == ""
        await pilot.press("backspace", "3")
        assert phone.value == "555 13"


async def test_type_to_find_picks_complaint_for_comp_and_the_bus_topic(make_app, profile) -> None:  # type: ignore[no-untyped-def]
    assert find_topics(topics_of(profile), "bus")[0].label == "Transportation / Late or missed bus"
    assert all("abuse" not in t.label.casefold() for t in find_topics(topics_of(profile), "bus"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await pilot.press("alt+2")
        screen.query_one("#call_type").focus()
        await pilot.press("enter", *"Comp", "enter")
        await pilot.pause()
        assert screen.query_one("#call_type", Select).value == "complaint"
        await pilot.press("alt+1")
        await pilot.pause()
        screen.query_one("#topic").focus()
        await pilot.press(*"bus", "enter")
        await pilot.pause()
        assert (screen.query_one("#category", Select).value, screen.query_one("#subcategory", Select).value) == (
            "Transportation", "Late or missed bus")
        assert screen.focused is screen.query_one("#claim"), "the caller's words come next"


async def test_the_resource_directory_finds_bus_by_word_not_the_abuse_hotline(make_app) -> None:  # type: ignore[no-untyped-def]
    hotline = Resource(protocol="x", department="Children and Family Services", response="Report abuse now.",
                       keywords="abuse, neglect")
    buses = Resource(protocol="x", department="Transportation", response="Late buses.", keywords="bus, late bus")
    assert ranked([hotline, buses], "bus") == [buses]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await new_call(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ResourceDirectory)
        await pilot.press(*"bus")
        await settle(pilot)
        assert app.screen.entries[0].department.startswith("Transportation")
        assert not any("abuse" in e.response.casefold() for e in app.screen.entries)


async def test_a_draft_is_discarded_from_the_resume_list_after_confirming(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    first = make_app()
    async with first.run_test(size=SIZE) as pilot:
        for name in ("Sam Lee", "Kim Ng"):
            await new_call(pilot)
            await type_into(pilot, "caller_name", name)
            await pilot.press("escape")
            await settle(pilot)
    assert len(draft_forms(desk_store)) == 2
    second = make_app()
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(second.screen, ResumeDraft)
        await pilot.press("d")
        await settle(pilot)
        assert len(draft_forms(desk_store)) == 2, "one d only asks"
        await pilot.press("d")
        await settle(pilot)
        assert len(draft_forms(desk_store)) == 1 and isinstance(second.screen, ResumeDraft)
        await pilot.press("d", "down", "d")
        await settle(pilot)
        assert len(draft_forms(desk_store)) == 1, "another key in between keeps the draft"
        await pilot.press("d", "d")
        await settle(pilot)
        assert draft_forms(desk_store) == [] and isinstance(second.screen, DeskScreen)
    with desk_store.uow(readonly=True) as uow:
        audited = uow.session.execute(text("SELECT count(*) FROM auditevent WHERE action = 'draft.discard'")).scalar()
    assert audited == 2


async def test_the_history_panel_does_not_list_this_call(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Maria Gomez")
        await choose(pilot, "category", "Transportation")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [case] = cases(desk_store)
        await type_into(pilot, "phone", "2135550142")
        await settle(pilot, 0.3)
        history = screen.query_one(CallerHistory)
        assert case.case_number not in str(screen.query_one("#history").render())
        assert history.border_title == "Earlier calls (0)"


async def test_quitting_a_call_with_unsaved_changes_asks_first(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Maria Gomez")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitCall)
        await pilot.press("enter")  # the default button stays
        await pilot.pause()
        assert app.screen is screen and app.is_running
        await pilot.press("f4")  # the call waits behind the queue: ctrl+q there still asks for it
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitCall)
        await pilot.press("y")
        await settle(pilot)
    assert not app.is_running
    assert json.loads(draft_forms(desk_store)[0])["caller_name"] == "Maria Gomez"


async def test_enter_moves_on_at_once_even_when_keys_arrive_faster_than_the_screen(make_app) -> None:  # type: ignore[no-untyped-def]
    """Keys posted in one burst right after ctrl+n: each Enter moves on before the next letter is read."""
    from textual import events

    app = make_app()
    names = {" ": "space"}

    def typed(text: str) -> list[tuple[str, str | None]]:
        return [(names.get(c, c), c) for c in text]

    burst = [("ctrl+n", None), *typed("Ana Ruiz"), ("enter", "\r"), *typed("2135550142"), ("enter", "\r"),
             *typed("bus"), ("enter", "\r"), *typed("Late again")]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, character in burst:
            app.post_message(events.Key(key, character))
        await settle(pilot, 0.5)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert [screen.query_one(f"#{name}", Input).value for name in ("caller_name", "phone")] == [
            "Ana Ruiz", "2135550142"]
        assert screen.query_one("#claim", TextArea).text == "Late again"
        assert (screen.query_one("#category", Select).value, screen.query_one("#subcategory", Select).value) == (
            "Transportation", "Late or missed bus")
