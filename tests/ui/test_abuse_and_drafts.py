"""Suspected child abuse leaves no narrative anywhere; an unsaved call survives the app being killed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import Input, Select, TextArea

from calldesk.rules.abuse import NARRATIVE_FIELDS
from calldesk.rules.profile import Profile
from calldesk.screens.desk_state import Desk
from calldesk.screens.intake.abuse_guidance import AbuseGuidanceScreen
from calldesk.screens.intake.call import DraftWriter
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.screens.resume import ResumeDraft
from calldesk.store.db.engine import sqlite_path
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.widgets.banner import Banner
from calldesk.widgets.call_bar import CallBar
from calldesk.widgets.intake_form import value_of
from tests.ui.steps import SIZE, cases, choose, draft_forms, new_call, save_a_call, settle, type_into

MARKER = "QZX-7731-MARKER"


def store_bytes(store: Store) -> dict[str, bytes]:
    """The SQLite file and its WAL as they are on disk right now."""
    path = sqlite_path(store.url)
    assert path is not None
    files = [path, Path(f"{path}-wal")]
    return {f.name: f.read_bytes() for f in files if f.exists()}


def assert_marker_gone(store: Store) -> None:
    for name, data in store_bytes(store).items():
        assert MARKER.encode() not in data, f"the abuse narrative is still in {name}"
    assert not any(MARKER in form for form in draft_forms(store))
    with store.uow(readonly=True) as uow:
        audit = uow.session.execute(text("SELECT old, new, changes FROM auditevent")).all()
    assert not any(MARKER in (value or "") for row in audit for value in row)


async def test_the_abuse_key_mid_call_scrubs_the_draft(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Jo Doe")
        await pilot.press("alt+2")
        await choose(pilot, "category", "Student placement")
        await type_into(pilot, "claim", f"The boy said {MARKER} happened at home.")
        await type_into(pilot, "evidence", f"His teacher saw {MARKER}.")
        await settle(pilot)
        assert any(MARKER in form for form in draft_forms(desk_store)), "the autosave had kept the narrative"
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, AbuseGuidanceScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query(".dialog-line"))
        assert "(800) 540-4000" in shown and "within 36 hours" in shown and "Do not document" in shown
        assert screen.query_one("#claim", TextArea).text == "" and screen.query_one("#claim", TextArea).disabled
        [draft] = draft_forms(desk_store)
        assert json.loads(draft)["abuse_marked"] is True
        assert_marker_gone(desk_store)
        await pilot.press("enter")
        assert app.screen is screen
        assert "do not document" in screen.query_one("#abuse-banner", Banner).message
        await pilot.press("ctrl+s")
        await settle(pilot)
    [case] = cases(desk_store)
    assert case.abuse_marked and (case.claim, case.evidence) == ("", "")
    assert draft_forms(desk_store) == []
    assert_marker_gone(desk_store)


async def test_the_abuse_key_after_saving_scrubs_the_case(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await save_a_call(pilot, f"The boy said {MARKER} happened at home.")
        assert cases(desk_store)[0].claim.endswith("happened at home.")
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, AbuseGuidanceScreen)
    [case] = cases(desk_store)
    assert case.abuse_marked and case.claim == ""
    assert_marker_gone(desk_store)


@pytest.mark.slow
async def test_abuse_words_are_named_in_the_call_bar_and_never_take_a_key(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    """A bullying call says "hit": the agent types on past the scan, every character lands, nothing is marked."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Jo Doe")
        await pilot.press("alt+2")
        claim = screen.query_one("#claim", TextArea)
        assert screen.focused is screen.query_one("#category")
        claim.focus()
        first = "Another student hit my son during PE"
        await pilot.press(*first)
        await settle(pilot, 0.3)  # well past the scan delay
        assert app.screen is screen and screen.focused is claim, "the notice takes no focus"
        notice = screen.query_one(CallBar).notice
        assert "Words that may point to abuse: hit." in notice and "F9" in notice
        rest = " yesterday, and no he ran away"  # "y" and "n" used to answer a modal prompt
        await pilot.press(*rest)
        await settle(pilot, 0.3)
        assert claim.text == first + rest, "every character typed is kept"
        assert not screen.call.abuse_marked and not claim.disabled
        # The draft keeps the text (a crash must not lose the call); F9 would scrub it.
        assert any("ran away" in form for form in draft_forms(desk_store))
        await pilot.press("f9")
        await settle(pilot)
        assert screen.call.abuse_marked and isinstance(app.screen, AbuseGuidanceScreen)
        assert screen.query_one(CallBar).notice == ""
    assert not any("ran away" in form or "hit my son" in form for form in draft_forms(desk_store))


@pytest.mark.slow
async def test_after_the_abuse_key_every_narrative_control_is_empty_and_locked(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Jo Doe")
        await choose(pilot, "category", "Transportation")  # the profile requires it before a save
        controls = [w for name in NARRATIVE_FIELDS for w in screen.query(f"#{name}")]
        assert {w.id for w in controls} >= {"claim", "evidence", "steps_taken", "response", "outcome",
                                            "alleged_violation", "followup_done", "followup_pending"}
        for control in controls:
            await type_into(pilot, control.id or "", f"{MARKER} in {control.id}")
        assert all(MARKER in str(value_of(w)) for w in controls)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("enter")
        for control in controls:
            assert value_of(control) == "", f"{control.id} still holds text"
            screen.form.show_tab_of(control)
            await pilot.pause()
            control.focus()
            await pilot.press(*"abc")
            assert value_of(control) == "" and control.disabled, f"{control.id} can still be typed into"
        await pilot.press("ctrl+s")
        await settle(pilot)
    [case] = cases(desk_store)
    assert case.abuse_marked
    assert_marker_gone(desk_store)


@pytest.mark.slow
async def test_a_draft_is_resumed_after_the_app_is_killed(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    first = make_app()
    async with first.run_test(size=SIZE) as pilot:
        await new_call(pilot)
        await type_into(pilot, "caller_name", "Maria Gomez")
        await type_into(pilot, "phone", "2135550142")
        await choose(pilot, "relationship", "relative")
        await pilot.press("alt+2")
        await choose(pilot, "category", "Transportation")
        await choose(pilot, "subcategory", "Late or missed bus")
        await type_into(pilot, "claim", "The 7:10 bus skipped her stop twice.")
        await settle(pilot)
    # The app ended without the case being saved (as if the terminal died): the draft is all that is left.
    assert cases(desk_store) == [] and len(draft_forms(desk_store)) == 1

    second = make_app()
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(second.screen, ResumeDraft)
        await pilot.press("enter")
        await settle(pilot)
        screen = second.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.query_one("#caller_name", Input).value == "Maria Gomez"
        assert screen.query_one("#phone", Input).value == "2135550142"
        assert screen.query_one("#relationship", Select).value == "relative"
        assert screen.query_one("#category", Select).value == "Transportation"
        assert screen.query_one("#subcategory", Select).value == "Late or missed bus"
        assert screen.query_one("#claim", TextArea).text == "The 7:10 bus skipped her stop twice."
        await pilot.press("ctrl+s")
        await settle(pilot)
    [case] = cases(desk_store)
    assert case.subcategory == "Late or missed bus" and draft_forms(desk_store) == [], "saving removed the draft"


async def test_leaving_an_unsaved_call_keeps_it_as_a_draft(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await new_call(pilot)
        await type_into(pilot, "caller_name", "Sam Lee")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, IntakeScreen)
    [form] = draft_forms(desk_store)
    assert json.loads(form)["caller_name"] == "Sam Lee"


def test_no_draft_is_written_once_the_case_is_saved(desk_store: Store, agent: Actor, profile: Profile) -> None:
    """An autosave still in flight when the case is saved must not bring the (removed) draft back."""
    writer = DraftWriter(Desk(profile, store=desk_store, actor=agent), "client-1")
    in_flight = writer.ticket()
    assert writer.save(in_flight, {"caller_name": "Jo Doe"})
    late = writer.ticket()
    writer.retire()
    assert not writer.save(late, {"caller_name": "Jo Doe", "claim": MARKER})
    older = 1
    assert not writer.save(older, {"caller_name": "stale"})
    assert [json.loads(form)["caller_name"] for form in draft_forms(desk_store)] == ["Jo Doe"]
