"""The case dialogs' pickers, keyboard only (Enter opens the list, letters find, Enter picks): the referral office,
the kind of meeting, the meeting whose outcome is recorded, the case to merge into. The people pickers (assign,
hand on) are in test_case_workspace.py and test_writing_dialogs.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from textual.widgets import Select, Static

from calldesk.profiles import load_profile
from calldesk.screens.case.action_dialogs import MeetingDialog, MeetingOutcomeDialog, MergeDialog, ReferDialog
from calldesk.screens.desk_state import Desk
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.referrals_meetings_reviews import schedule_meeting
from tests.integration.helpers import call
from tests.ui.conftest import LA, fixed_clock
from tests.ui.test_writing_dialogs import Host

ROCHESTER = load_profile("rochester")


def values(picker: Select[str]) -> list[str]:
    return [value for _, value in picker._options if isinstance(value, str)]


async def opened(pilot: Any, app: Host) -> Any:
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


async def saved(pilot: Any, app: Host) -> None:
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_referral_office_and_the_meeting_kind_are_picked(store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                  opened_at=fixed_clock()).case.case_number  # (taken at the desk's time: before the meeting)
    desk = Desk(ROCHESTER, fixed_clock, store=store, actor=staff["agent"])
    app = Host(ReferDialog(desk, number))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await opened(pilot, app)
        picker = dialog.query_one("#f-kind", Select)
        assert values(picker) == ["safety", "civil_rights"] and picker.value == "safety"  # rules.handling
        await pilot.press("enter", *"civil", "enter", "tab", *"Ms Reyes")
        await saved(pilot, app)
        assert app.results and app.results[0].office == "Civil rights coordinator"
    app = Host(MeetingDialog(desk, number))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await opened(pilot, app)
        assert values(dialog.query_one("#f-kind", Select)) == ["mediation", "resolution"]
        await pilot.press("enter", *"med", "enter", "tab", *"2026-12-01 15:00", "tab", *"Parent, Principal")
        await saved(pilot, app)
        assert app.results and app.results[0].kind == "mediation"


async def test_the_meeting_whose_outcome_is_recorded_is_picked_from_the_cases(store: Store,
                                                                             staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    number = call(store, agent, ROCHESTER, call_type="concern", category="Transportation",
                  opened_at=fixed_clock()).case.case_number  # (taken at the desk's time: before the meetings)
    desk = Desk(ROCHESTER, fixed_clock, store=store, actor=agent)
    app = Host(MeetingOutcomeDialog(desk, number))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await opened(pilot, app)
        assert values(dialog.query_one("#f-meeting", Select)) == []
        assert "No meeting is scheduled" in str(dialog.query_one("#state", Static).render())
        await pilot.press("tab", *"Agreed")
        await saved(pilot, app)
        assert not app.results and "The meeting: pick one" in str(dialog.query_one("#refusal", Static).render())
    ids = []
    for kind, when in (("resolution", datetime(2026, 12, 1, 15, 0, tzinfo=LA)),
                       ("mediation", datetime(2027, 1, 5, 15, 0, tzinfo=LA))):  # (next year: its year is said)
        with store.uow() as uow:
            ids.append(schedule_meeting(uow, actor=agent, case_number=number, kind=kind, when=when,
                                        parties=["Parent", "Principal"]).id)
    app = Host(MeetingOutcomeDialog(desk, number))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await opened(pilot, app)
        picker = dialog.query_one("#f-meeting", Select)
        assert values(picker) == [str(i) for i in ids]  # the case's two meetings, oldest first
        assert "mediation on Tue 5 Jan 2027 18:00" in str(picker._options[-1][0])  # (Rochester: New York time)
        assert "resolution on Tue 1 Dec 18:00" in str(picker._options[-2][0])  # this year's: no year
        await pilot.press("enter", *"media", "enter", "tab", *"Agreed on a new stop", "tab", "space")
        await saved(pilot, app)
        assert app.results and app.results[0].id == ids[1] and app.results[0].parent_satisfied


async def test_the_merge_target_lists_the_same_callers_cases_first(store: Store, staff: dict[str, Actor],
                                                                   profile: Any) -> None:
    agent = staff["agent"]
    other = call(store, agent, caller_name="Rosa Diaz", phone="2135550177", category="Transportation").case
    first = call(store, agent).case  # Maria Gomez, 213-555-0142
    duplicate = call(store, agent).case  # Maria Gomez again
    app = Host(MergeDialog(Desk(profile, fixed_clock, store=store, actor=staff["supervisor"]),
                           duplicate.case_number))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await opened(pilot, app)
        picker = dialog.query_one("#f-into", Select)
        # The same caller's case first, then (no other case of its category) the other open cases; never itself.
        assert values(picker) == [first.case_number, other.case_number]
        await pilot.press("enter", *"rosa", "enter")  # found by the caller's name in the list
        assert picker.value == other.case_number
        await pilot.press("tab", *"Same matter")
        await saved(pilot, app)
        assert app.results and app.results[0].case_number == other.case_number


@pytest.mark.parametrize("dialog", ["EscalateDialog", "AppealDialog", "ReferDialog", "MeetingDialog",
                                    "MeetingOutcomeDialog", "MergeDialog", "ReviewDialog", "AssignDialog",
                                    "StepDialog"])
async def test_each_case_action_dialog_keeps_its_save_button_on_an_80_by_24_terminal(
        store: Store, staff: dict[str, Actor], dialog: str) -> None:
    import importlib

    from calldesk.screens.case import action_dialogs as case_actions
    from calldesk.screens.case import steps as case_steps
    from tests.ui.test_case_work import Host as Styled  # the desk's own styles

    number = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation").case.case_number
    module = case_steps if dialog == "StepDialog" else case_actions
    shown = getattr(importlib.import_module(module.__name__), dialog)(
        Desk(ROCHESTER, fixed_clock, store=store, actor=staff["supervisor"]), number)
    app = Styled(shown)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        box, save = shown.query_one(".dialog").region, shown.query_one("#save").region
        assert save.bottom <= box.bottom <= 24, (save, box)


async def test_the_protocol_step_is_picked_from_the_protocols_steps(store: Store, staff: dict[str, Actor]) -> None:
    from calldesk.screens.case.steps import StepDialog

    area = load_profile("area_offices")
    number = call(store, staff["agent"], area, call_type="concern", category="Transportation").case.case_number
    app = Host(StepDialog(Desk(area, fixed_clock, store=store, actor=staff["program_specialist"]), number))
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = await opened(pilot, app)
        # area_offices.toml: building_attempt is for inquiries (its tiers), administrator_informed for concerns and
        # complaints: a concern's one step, picked already; the building attempt is never offered.
        picker = dialog.query_one("#f-step", Select)
        assert values(picker) == ["administrator_informed"] and picker.value == "administrator_informed"
        await pilot.press("tab", *"Ms Park, assistant principal")
        await saved(pilot, app)
        assert app.results and app.results[0].step == "administrator_informed"
        assert app.results[0].party == "Ms Park, assistant principal"
