"""The case-work dialogs under Pilot, each pushed on its own with a case number (the case screen binds keys to
them): a complaint through two follow-ups, its letter approved, signed and attached, to closing; an Area
Offices concern acknowledged, extended and answered in writing, its deadlines moving."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Static

from calldesk.app import CalldeskApp
from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.screens.case.letter import LetterDialog
from calldesk.screens.case.progress_dialogs import (
    ClockDialog,
    CloseDialog,
    FollowUpDialog,
    PlanDialog,
    ResolutionDialog,
)
from calldesk.screens.desk_state import Desk
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.one_case import get_case
from calldesk.store.services.reference import sync_reference
from tests.integration.helpers import call, submit_letter
from tests.ui.conftest import fixed_clock

NY = ZoneInfo("America/New_York")


class Host(App[None]):
    """A tiny app that shows one dialog and keeps what it dismissed with (in the desk's own styles)."""

    CSS_PATH = CalldeskApp.CSS_PATH

    def __init__(self, dialog: ModalScreen[str | None]) -> None:
        super().__init__()
        self.dialog, self.results = dialog, []  # type: list[str | None]

    def on_mount(self) -> None:
        self.push_screen(self.dialog, callback=self.results.append)


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def work_in(dialog: ModalScreen[str | None], *typed: str, save: bool = True) -> tuple[str | None, str, str]:
    """Type each text into the next field, ctrl+s; returns (what it dismissed with, state line, refusal line)."""
    host = Host(dialog)
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for number, text in enumerate(typed):
            if number:
                await pilot.press("tab")
            await pilot.press(*text)
        state = str(dialog.query_one("#state", Static).render())
        # Readable at 80x24: the dialog and its Save button fit on the screen.
        assert dialog.query_one(".dialog").region.bottom <= 24
        assert dialog.query_one("#save").region.bottom <= dialog.query_one(".dialog").region.bottom
        if save:
            await pilot.press("ctrl+s")
            await settle(pilot)
        refusal = str(dialog.query_one("#refusal", Static).render()) if not host.results else ""
        return (host.results[0] if host.results else None), state, refusal


def desk(store: Store, actor: Actor, profile: Profile) -> Desk:
    return Desk(profile, fixed_clock, store=store, actor=actor)


@pytest.mark.slow
async def test_a_complaint_through_two_follow_ups_and_its_letter_to_closing(
        desk_store: Store, staff: dict[str, Actor], profile: Profile, tmp_path: Path) -> None:
    sam, sue = staff["specialist"], staff["supervisor"]
    number = call(desk_store, sam, call_type="complaint", category="Transportation").case.case_number  # intake
    as_sam, as_sue = desk(desk_store, sam, profile), desk(desk_store, sue, profile)
    result, _, refusal = await work_in(PlanDialog(as_sam, number), "Call the office")
    assert result is None and "needs a date" in refusal
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    result, _, _ = await work_in(PlanDialog(as_sam, number), f"Call the office@{tomorrow}")
    assert result == f"Case {number}: plan of 1 step(s) saved."
    for done in ("Called the office", "Met the principal"):
        result, state, _ = await work_in(FollowUpDialog(as_sam, number), done, "Bus route")
        assert result == f"Follow-up written on case {number}."
    assert "Met the principal" not in state and "Called the office / pending: Bus route" in state
    assert "Plan: Call the office by" in state
    result, _, _ = await work_in(ResolutionDialog(as_sam, number), "Route restored", "Resolved", "IDEA 300.101")
    assert result == f"Case {number}: resolution written; letter draft."
    result, state, refusal = await work_in(CloseDialog(as_sam, number))
    assert result is None and "Missing: the supervisor's approval of the letter" in state
    assert "cannot close yet" in refusal
    result, state, _ = await work_in(LetterDialog(as_sam, number), save=False)
    assert "Next: edit the words; tick to submit them" in state
    submit_letter(desk_store, sam, number)  # (the words through the dialog: tests/ui/test_letter_dialog.py)
    result, state, _ = await work_in(LetterDialog(as_sue, number))
    assert "Next: read it; a note returns it, none approves" in state and result == f"Case {number}: letter approved."
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF-1.4 signed")
    result, _, refusal = await work_in(LetterDialog(as_sue, number), "", str(signed))
    assert result is None and "someone else signs and attaches it" in refusal
    result, state, _ = await work_in(LetterDialog(as_sam, number), "", str(signed))
    assert "approved by sue" in state and result == f"Case {number}: letter signed."
    result, _, _ = await work_in(LetterDialog(as_sam, number))
    assert result == f"Case {number}: letter coordinator informed."
    result, state, _ = await work_in(CloseDialog(as_sam, number))
    assert "Nothing missing" in state and result == f"Case {number} closed."
    with desk_store.uow(readonly=True) as uow:
        assert get_case(uow.session, number, viewer=None).status == "closed"


async def test_an_area_offices_concern_acknowledged_extended_and_answered_in_writing(
        desk_store: Store, staff: dict[str, Actor], admin: Actor) -> None:
    area = load_profile("area_offices")
    with desk_store.uow() as uow:
        sync_reference(uow, actor=admin, profile=area)
        uow.commit()
    pat = staff["program_specialist"]
    case = call(desk_store, pat, area, call_type="concern", category="Transportation",
                opened_at=datetime(2026, 11, 23, 10, tzinfo=NY)).case
    at_desk = desk(desk_store, pat, area)

    def due() -> tuple[datetime | None, datetime | None, datetime | None]:
        with desk_store.uow(readonly=True) as uow:
            row = get_case(uow.session, case.case_number, viewer=None)
            return row.acknowledge_by, row.respond_by, row.next_deadline

    assert due()[0] == datetime(2026, 11, 30, 23, 59, 59, tzinfo=NY)
    result, state, _ = await work_in(ClockDialog(at_desk, case.case_number, "acknowledge"), "Called Ms Gomez")
    assert "acknowledgement by end of Mon 30 Nov" in state and result == f"Case {case.case_number}: " \
        "acknowledgement recorded."
    assert due()[0] is None
    result, _, refusal = await work_in(ClockDialog(at_desk, case.case_number, "extend"), "17 Dec", "One more week")
    assert result is None and "is not a date" in refusal
    result, state, _ = await work_in(ClockDialog(at_desk, case.case_number, "extend"), "2026-12-17",
                                     "Letter: one more week")
    assert "response by end of Thu 10 Dec" in state
    assert result == f"Case {case.case_number}: written response extended to Thu 17 Dec."
    assert due()[1] == datetime(2026, 12, 17, 23, 59, 59, tzinfo=NY)
    result, state, _ = await work_in(ClockDialog(at_desk, case.case_number, "written_response"), "Mailed")
    assert "response by end of Thu 17 Dec" in state and "acknowledgement" not in state
    assert result == f"Case {case.case_number}: written response recorded."
    assert due()[1] is None and due()[2] is not None
