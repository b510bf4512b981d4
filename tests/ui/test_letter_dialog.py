"""The desk's letter dialog (work menu, l) under Pilot: sam's words start from LAUSD's template filled from the
case and are submitted; sue reads them and returns them with a note, which sam then sees; sue approves the
resubmitted words and writes the PDF for signing."""

from __future__ import annotations

import stat
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Static, TextArea

from calldesk.models import ResolutionUpdate
from calldesk.models.work import Resolution
from calldesk.rules.profile import Profile
from calldesk.screens.case.letter import LetterDialog
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.widgets.tick_box import TickBox
from tests.integration.helpers import LA, call
from tests.ui.test_case_work import Host, desk, settle, work_in


def _letter(store: Store) -> Resolution:
    with store.uow(readonly=True) as uow:
        return uow.session.exec(select(Resolution)).one()


@pytest.mark.slow
async def test_the_letter_dialog_drafts_submits_returns_approves_and_prints(
        desk_store: Store, staff: dict[str, Actor], profile: Profile, tmp_path: Path) -> None:
    sam, sue = staff["specialist"], staff["supervisor"]
    number = call(desk_store, sam, call_type="complaint", category="Transportation", caller_name="Maria Gomez",
                  opened_at=datetime(2026, 11, 23, 10, tzinfo=LA)).case.case_number
    with desk_store.uow() as uow:
        casework.set_resolution(uow, actor=sam, case_number=number, data=ResolutionUpdate(
            response="Route restored", outcome="Resolved", alleged_violation="IDEA 300.101"))
    as_sam, as_sue = desk(desk_store, sam, profile), desk(desk_store, sue, profile)

    dialog = LetterDialog(as_sam, number)
    host = Host(dialog)
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        area = dialog.query_one("#text", TextArea)
        # By hand from lausd.toml: the template filled (opened Mon 23 Nov 2026 -> "November 23, 2026").
        assert "Dear Maria Gomez," in area.text and "made on November 23, 2026." in area.text
        assert area.has_focus and not area.read_only
        await pilot.press(*"PS ")  # typed at the start of the words
        await pilot.press("tab", "space")  # the tick box: submit it for approval
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert host.results == [f"Case {number}: letter submitted for approval."]
    stored = _letter(desk_store)
    assert stored.letter_text.startswith("PS ") and stored.submitted_at is not None
    # Opened again by sam: it shows as submitted (ticked), and saved again as it is, it keeps waiting.
    dialog = LetterDialog(as_sam, number)
    host = Host(dialog)
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert dialog.query_one("#submit", TickBox).value
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert host.results == [f"Case {number}: letter still waiting for approval."]
    assert _letter(desk_store).submitted_at == stored.submitted_at

    result, state, _ = await work_in(LetterDialog(as_sue, number), "Name the school")
    assert "submitted for approval" in state and result == f"Case {number}: letter returned with the note."
    dialog = LetterDialog(as_sam, number)
    host = Host(dialog)
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        note = str(dialog.query_one("#note-line", Static).render())
        assert "Returned by sue: Name the school" in note
        assert dialog.query_one("#text", TextArea).text.startswith("PS ")  # the words so far, not the template
        await pilot.press("tab", "space", "ctrl+s")
        await settle(pilot)
    assert host.results == [f"Case {number}: letter submitted for approval."]
    result, _, _ = await work_in(LetterDialog(as_sue, number))  # no note: approved
    assert result == f"Case {number}: letter approved."
    target = tmp_path / "for-signing.pdf"
    result, state, _ = await work_in(LetterDialog(as_sue, number), str(target))
    assert "write its PDF for signing" in state
    assert result == f"Case {number}: the approved letter written to {target} for signing."
    assert target.read_bytes().startswith(b"%PDF-") and stat.S_IMODE(target.stat().st_mode) == 0o600
