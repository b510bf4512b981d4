"""Whole calls taken at the keyboard, on the real app and a real SQLite store."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlmodel import select
from textual.widgets import Checkbox, Input, Select, TextArea

from calldesk.models import CaseLink, CaseUpdate, Disclosure, FollowUp, Resolution
from calldesk.screens.desk import DeskScreen
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.screens.resources import ResourceDirectory
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import update_case
from calldesk.widgets.banner import Banner
from calldesk.widgets.call_information import CallInformation
from calldesk.widgets.caller_history import CallerHistory
from calldesk.widgets.form_field import FormField
from tests.integration.helpers import call, lausd
from tests.ui.conftest import NOW
from tests.ui.steps import SIZE, caller_and_topic, cases, choose, new_call, settle, type_into


def text_of(screen: IntakeScreen, selector: str) -> str:
    return str(screen.query_one(selector).render())


@pytest.mark.slow
async def test_an_inquiry_answered_and_closed(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await pilot.press(*"Maria Gomez", "tab", *"213 555 0142")
        await pilot.press("alt+2")
        await choose(pilot, "category", "Transportation")
        await choose(pilot, "subcategory", "Late or missed bus")
        await pilot.press("alt+5")
        await type_into(pilot, "response", "Bus 12 runs late this week; Transportation will call her back.")
        await pilot.press("alt+1")
        screen.query_one("#close_on_save", Checkbox).focus()
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen), "a closed call returns to the desk"
    [case] = cases(desk_store)
    assert (case.status, case.close_reason, case.tier) == ("closed", "resolved", "inquiry_immediate")
    assert case.phone == "+12135550142"  # normalised by the service
    with desk_store.uow(readonly=True) as uow:
        resolution = uow.session.exec(select(Resolution).where(Resolution.case_id == case.id)).one()
    assert resolution.response.startswith("Bus 12 runs late")


async def test_a_concern_is_assigned_with_its_deadlines(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Dana Whitfield")
        await pilot.press("alt+2")
        await choose(pilot, "category", "Student placement")
        await choose(pilot, "call_type", "concern")
        await type_into(pilot, "claim", "Placed at a school 40 minutes away.")
        triage = text_of(screen, "#triage")
        # 10 business days from Mon 23 Nov 2026 (Thanksgiving does not count); a follow-up every 2 days.
        assert "resolve by end of Tue 8 Dec" in triage and "next follow-up by end of Wed 25 Nov" in triage
        assert "handled by a program specialist" in triage
        await type_into(pilot, "followup_done", "Told her a program specialist will call back.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen), "an open concern stays on screen"
        assert "Case 2026-000001 · open · Concern · program specialist" in text_of(screen, "#case-number")
        # (from the entry, at the store's time: a day deadline, said as every screen says one)
        assert text_of(screen, "#follow-up-due").startswith("Next follow-up entry due by end of ")
        assert screen.query_one("#followup_done", TextArea).text == "", "the entry was added, the box emptied"
        entries = text_of(screen, "#entries")
    [case] = cases(desk_store)
    assert (case.tier, case.owner_role, case.status) == ("concern", "program_specialist", "open")
    assert case.resolve_by is not None and case.resolve_by.astimezone(NOW.tzinfo).date().isoformat() == "2026-12-08"
    with desk_store.uow(readonly=True) as uow:
        [entry] = uow.session.exec(select(FollowUp)).all()
    assert entry.done == "Told her a program specialist will call back."
    # Listed at the agency's time (Los Angeles), as every screen shows times, not the stored UTC.
    local = entry.entry_at.replace(tzinfo=entry.entry_at.tzinfo or UTC).astimezone(NOW.tzinfo)
    assert entries.startswith(f"{local:%a} {local.day} {local:%b} {local:%H:%M} "), entries


async def test_a_repeat_caller_is_promoted(make_app, desk_store: Store, agent: Actor) -> None:  # type: ignore[no-untyped-def]
    earlier = call(desk_store, agent, lausd(), caller_name="Maria Gomez", phone="(213) 555-0142",
                   category="Transportation", opened_at=NOW - timedelta(days=12)).case
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "phone", "2135550142")
        await settle(pilot)
        history = text_of(screen, "#history")
        assert earlier.case_number in history and "Transportation" in history, "earlier calls listed while typing"
        assert screen.query_one(CallerHistory).border_title == "Earlier calls (1)"
        await type_into(pilot, "caller_name", "Maria Gomez")
        await pilot.press("alt+2")
        await choose(pilot, "category", "Transportation")
        assert "on save" in screen.query_one("#repeat-banner", Banner).message, "previewed before saving"
        await type_into(pilot, "claim", "The bus is late again.")  # a concern now: the profile wants its claim
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = screen.query_one("#repeat-banner", Banner).message
    assert message == (f"Repeat caller: called 12 days ago about Transportation: this is now a concern, "
                       f"linked to {earlier.case_number}, routed to a program specialist.")
    new = cases(desk_store)[-1]
    assert (new.call_type, new.tier, new.owner_role) == ("concern", "concern", "program_specialist")
    with desk_store.uow(readonly=True) as uow:
        link = uow.session.exec(select(CaseLink).where(CaseLink.case_id == new.id)).one()
    assert (link.linked_case_id, link.kind) == (earlier.id, "repeat")


async def test_a_third_party_is_blocked_until_consent_is_recorded(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Rosa Gomez")
        await choose(pilot, "relationship", "relative")
        await choose(pilot, "category", "Attendance")
        await pilot.press("alt+3")
        await settle(pilot)
        banner = screen.query_one("#consent-banner", Banner)
        information = screen.query_one("#student-information")
        assert banner.message == "Do not proceed: no written consent on file."
        assert information.disabled
        await type_into(pilot, "student_name", "Leo Gomez")
        await type_into(pilot, "records_asked", "attendance")
        screen.query_one("#add-student").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.call.student is not None and screen.call.case is not None
        assert banner.message == "Do not proceed: no written consent on file." and information.disabled
        disclose = screen.query_one("#disclose")
        disclose.focus()
        await settle(pilot)
        assert disclose.is_disabled and app.focused is not disclose  # no disclosure can start without consent

        await type_into(pilot, "consent_signed_by", "Ana Gomez (mother)")
        await type_into(pilot, "consent_signed_on", "2026-11-02")
        await type_into(pilot, "consent_records", "attendance")
        await type_into(pilot, "consent_purpose", "Help with attendance")
        await type_into(pilot, "consent_recipient", "Rosa Gomez")
        screen.query_one("#record-consent").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert banner.message == "Allowed: written consent signed by Ana Gomez (mother) on 2 Nov 2026."
        assert not information.disabled
        screen.query_one("#disclose").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "Disclosed attendance to Rosa Gomez" in text_of(screen, "#disclosures")
    with desk_store.uow(readonly=True) as uow:
        [row] = uow.session.exec(select(Disclosure)).all()
    assert (row.recipient, row.records) == ("Rosa Gomez", "attendance")
    assert row.basis == "written consent signed by Ana Gomez (mother) on 2 Nov 2026"


async def test_due_process_documents_and_closes_in_one_step(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Ivan Petrov")
        await pilot.press("alt+2")
        await choose(pilot, "call_type", "complaint")
        await choose(pilot, "category", "Student placement")
        await type_into(pilot, "claim", "The placement hearing is already under way.")
        screen.query_one("#due_process", Checkbox).focus()
        await pilot.press("space")
        assert "Already in due process: documented and closed." in text_of(screen, "#triage")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    [case] = cases(desk_store)
    assert (case.status, case.close_reason, case.reportable) == ("closed", "already in due process", False)


async def test_the_resource_directory_fills_the_response(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ResourceDirectory)
        await pilot.press(*"late bus")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.form.tabs.active == "resolution"
        response = screen.query_one("#response", TextArea).text
    assert response.startswith("Transportation Services Division: Bus eligibility")


async def test_a_refusal_is_shown_by_its_field_and_nothing_typed_is_lost(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await caller_and_topic(pilot, "Maria Gomez", "555 12", "Transportation")
        await type_into(pilot, "claim", "The bus never came.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        field = screen.query_one("#field-phone", FormField)
        assert field.has_class("-error") and "phone number" in text_of(screen, "#field-phone .field-error")
        assert screen.form.tabs.active == "caller-details" and app.focused is screen.query_one("#phone")
        assert "phone number" in screen.query_one("#refusal-banner", Banner).message
        assert screen.query_one("#claim", TextArea).text == "The bus never came."
        assert screen.query_one("#caller_name", Input).value == "Maria Gomez"
        await pilot.press("ctrl+u", *"(213) 555-0142")
        assert not field.has_class("-error"), "typing again clears the error"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.query_one("#phone", Input).value == "+12135550142"
    assert [c.phone for c in cases(desk_store)] == ["+12135550142"]


async def test_a_claim_over_its_limit_is_refused_under_its_box_and_kept_whole(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    from calldesk.rules.free_text import narrative_limit

    limit = narrative_limit("cases", "claim")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await caller_and_topic(pilot, "Maria Gomez", "(213) 555-0142", "Transportation")
        pasted = "The bus never came. " * (limit // 20) + "x"  # one character over, as a long paste would be
        screen.query_one("#claim", TextArea).text = pasted
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.query_one("#field-claim", FormField).has_class("-error")
        assert f"{limit:,} characters" in text_of(screen, "#field-claim .field-error")
        assert screen.query_one("#claim", TextArea).text == pasted  # nothing lost
    assert cases(desk_store) == []


async def test_triage_is_live_as_the_type_changes(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await pilot.press("alt+2")
        panel = screen.query_one(CallInformation)
        assert "Inquiry (immediate)" in text_of(screen, "#triage")
        await choose(pilot, "call_type", "complaint")
        triage = text_of(screen, "#triage")
        assert "Complaint" in triage and "resolve by end of Tue 15 Dec" in triage  # a day deadline (rules.shown)
        assert panel.query_one("#subcategory").disabled is False


async def test_the_category_is_picked_by_typing(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await pilot.press("alt+2")
        screen.query_one("#category").focus()
        await pilot.press("enter", *"stud", "enter")
        await pilot.pause()
        assert screen.query_one("#category", Select).value == "Student placement"
        await pilot.press("tab", "enter", *"tran", "enter")
        await pilot.pause()
        assert screen.query_one("#subcategory", Select).value == "Transfer request"


async def test_a_stale_save_is_refused_with_the_form_kept(make_app, desk_store: Store, staff) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Maria Gomez")
        await choose(pilot, "category", "Enrollment")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [case] = cases(desk_store)
        with desk_store.uow() as uow:  # a supervisor changes the case meanwhile
            update_case(uow, actor=staff["supervisor"], profile=lausd(), case_number=case.case_number,
                        expected_version=case.version, changes=CaseUpdate(school="Roosevelt HS"))
        await pilot.press("alt+2")
        await type_into(pilot, "claim", "She called back with more detail.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "reload it to see their changes" in screen.query_one("#refusal-banner", Banner).message
        assert screen.query_one("#claim", TextArea).text == "She called back with more detail."
        assert isinstance(app.screen, IntakeScreen)
    assert cases(desk_store)[0].claim == ""


async def _on_confidentiality(pilot, caller: str, relationship: str) -> IntakeScreen:  # type: ignore[no-untyped-def]
    """A new call from `caller` (`relationship` to the student), on its Confidentiality tab."""
    screen = await new_call(pilot)
    await type_into(pilot, "caller_name", caller)
    await choose(pilot, "relationship", relationship)
    await pilot.press("alt+3")
    await settle(pilot)
    return screen


async def test_a_refused_add_the_student_leaves_the_cursor_where_the_agent_types(make_app) -> None:  # type: ignore[no-untyped-def]
    """Adding the student saves the call first; refused (no category yet), it says so on the spot. The cursor
    stays on Confidentiality, so what the agent types next (the consent) never lands in Category or the claim."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _on_confidentiality(pilot, "Rosa Gomez", "relative")
        await type_into(pilot, "student_name", "Leo Gomez")
        await type_into(pilot, "records_asked", "grades")
        add = screen.query_one("#add-student")
        add.focus()
        await pilot.press("enter")
        await settle(pilot)
        banner = screen.query_one("#refusal-banner", Banner)
        assert banner.message.startswith("The student was not added: "), banner.message
        assert app.focused is add and screen.form.active_tab == "confidentiality"
        assert screen.call.student is None and screen.call.case is None
        await pilot.press("tab", *"Ana")  # on to the consent's first field
        await settle(pilot)
        assert screen.query_one("#category", Select).value == Select.NULL
        assert screen.query_one("#consent_signed_by", Input).value == "Ana"
        await choose(pilot, "category", "Attendance")  # the category given, the student is added
        add.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.call.student is not None and not banner.message  # and the refusal is gone


async def test_the_student_panel_says_one_thing_for_a_parent(make_app) -> None:  # type: ignore[no-untyped-def]
    """A parent may be told about their own child: the panel is open, and its line does not say it is closed."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _on_confidentiality(pilot, "Ana Gomez", "parent_guardian")
        panel = screen.query_one("#student-information")
        summary = text_of(screen, "#student-summary")
        assert not panel.disabled and "OPEN" in str(panel.border_title)
        assert summary == "No student added yet: add the student asked about.", summary
