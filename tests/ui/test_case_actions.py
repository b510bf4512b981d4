"""The case dialogs on their own under Pilot: a concern escalated up Rochester's whole ladder, a refusal kept on
the dialog with what was typed, and a merge after which the survivor's history shows both cases."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from textual.app import App
from textual.widgets import Checkbox, Input, Select, Static

from calldesk.models import utcnow
from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.screens.case.action_dialogs import CaseActionDialog, EscalateDialog, MergeDialog, ReviewDialog
from calldesk.screens.desk_state import Desk
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.history import case_history
from calldesk.store.read.one_case import get_case
from tests.integration.helpers import call
from tests.ui.conftest import fixed_clock

ROCHESTER = load_profile("rochester")


class Host(App[None]):
    """A bare app that shows one dialog and keeps what it dismissed with."""

    def __init__(self, dialog: CaseActionDialog) -> None:
        super().__init__()
        self.dialog, self.results = dialog, []  # type: ignore[var-annotated]

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def _desk(store: Store, actor: Actor, profile: Profile) -> Desk:
    return Desk(profile, fixed_clock, store=store, actor=actor)


async def _fill(pilot: Any, app: Host, **values: str) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    for name, value in values.items():
        app.screen.query_one(f"#f-{name}", Input | Select).value = value  # a picker is set to the value picked
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_concern_escalated_up_rochesters_whole_ladder_in_the_dialog(
        store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation").case.case_number
    desk = _desk(store, staff["program_specialist"], ROCHESTER)
    for level, title in [(1, "District Coordinator"), (2, "Chief of Schools"), (3, "Superintendent's Office")]:
        app = Host(EscalateDialog(desk, number))
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert f"next: {title}" in str(app.screen.query_one("#state", Static).render())
            await _fill(pilot, app, reason=f"Parent not satisfied at level {level - 1}")
            assert app.results and app.results[0].escalation_level == level
    app = Host(EscalateDialog(desk, number))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fill(pilot, app, reason="Once more")
        assert not app.results and isinstance(app.screen, EscalateDialog)  # refused: the dialog stays
        assert "top of the Rochester" in str(app.screen.query_one("#refusal", Static).render())
        assert app.screen.query_one("#f-reason", Input).value == "Once more"  # what was typed is kept
    with store.uow(readonly=True) as uow:
        assert get_case(uow.session, number, viewer=None).escalation_level == 3


async def test_a_merge_in_the_dialog_and_the_survivor_shows_both_histories(
        store: Store, staff: dict[str, Actor], profile: Profile) -> None:
    survivor = call(store, staff["agent"]).case.case_number
    duplicate = call(store, staff["agent"], caller_name="Rosa Diaz", phone="2135550177",
                     category="Transportation").case.case_number
    app = Host(MergeDialog(_desk(store, staff["supervisor"], profile), duplicate))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fill(pilot, app, into=survivor, reason="Same bus complaint")
        assert app.results and app.results[0].case_number == survivor
    with store.uow(readonly=True) as uow:
        history = case_history(uow.session, survivor, viewer=None)
        assert get_case(uow.session, duplicate, viewer=None).close_reason == f"merged into {survivor}"
    assert {h.case_number for h in history} == {survivor, duplicate}


async def test_a_review_in_the_dialog_with_its_checklist(store: Store, staff: dict[str, Actor],
                                                         profile: Profile) -> None:
    opened = call(store, staff["agent"]).case
    number, who = opened.case_number, opened.assigned_to or opened.opened_by
    app = Host(ReviewDialog(_desk(store, staff["supervisor"], profile), number))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The dialog says whose work it reviews: the case's assignee (routed at the call), else who took it.
        state = str(app.screen.query_one("#state", Static).render())
        assert state.startswith(f"Reviews the work of {who} (")
        for name in ("contact_accurate", "labelled_right", "claim_evidence_written", "urgency",
                     "follow_ups_on_time"):
            app.screen.query_one(f"#f-{name}", Checkbox).value = True
        await _fill(pilot, app, score="5", comment="Clear claim and evidence.")
        assert app.results and app.results[0].score == 5 and app.results[0].follow_ups_on_time
    with store.uow(readonly=True) as uow:  # the review is about the person the dialog named
        from sqlmodel import select

        from calldesk.models import QualityReview

        assert uow.session.exec(select(QualityReview.reviewed_person)).one() == who


async def test_the_ferpa_record_screen_shows_the_printed_record(store: Store, staff: dict[str, Actor],
                                                                profile: Profile) -> None:
    from calldesk.models import StudentCreate
    from calldesk.screens.case.ferpa import FerpaRecordScreen
    from calldesk.store.services import confidentiality

    number = call(store, staff["agent"]).case.case_number
    with store.uow() as uow:
        confidentiality.add_student(uow, actor=staff["agent"], case_number=number,
                                    data=StudentCreate(name="Leo Gomez", student_ref="S77"))

    class RecordHost(App[None]):
        def on_mount(self) -> None:
            self.push_screen(FerpaRecordScreen(_desk(store, staff["supervisor"], profile), "S77"))

    app = RecordHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one("#ferpa-text", Static).render())
        assert "FERPA record of Leo Gomez" in text and f"case {number}" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, FerpaRecordScreen)


async def test_refer_meeting_and_a_late_appeal_in_their_dialogs(store: Store, staff: dict[str, Actor]) -> None:
    from calldesk.models import ResolutionUpdate
    from calldesk.screens.case.action_dialogs import AppealDialog, MeetingDialog, ReferDialog
    from calldesk.store.services import follow_ups_resolution as casework

    area = load_profile("area_offices")
    number = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                  opened_at=fixed_clock()).case.case_number  # (taken at the desk's time: before the meeting)
    desk = _desk(store, staff["agent"], ROCHESTER)
    app = Host(ReferDialog(desk, number))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fill(pilot, app, kind="safety", contact="Director Smith", note="Fight at the stop")
        assert app.results and app.results[0].office == "Safety and Security"
    app = Host(MeetingDialog(desk, number))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fill(pilot, app, kind="mediation", when="2026-12-01 15:00", parties="Parent, Principal")
        assert app.results and app.results[0].parties == "Parent, Principal"
    decided = call(store, staff["agent"], area, call_type="concern", category="Transportation",
                   caller_name="Rosa Diaz", phone="2135550177",
                   opened_at=fixed_clock()).case.case_number  # (before the appeal, received at the desk's time)
    with store.uow() as uow:
        casework.set_resolution(uow, actor=staff["program_specialist"], case_number=decided,
                                data=ResolutionUpdate(response="Route restored."))
    # The decision is the response just written (the real clock's now): the appeal dialog's desk runs on it too.
    late = (utcnow() + timedelta(days=60)).astimezone(area.tz).strftime("%Y-%m-%d 09:00")
    app = Host(AppealDialog(Desk(area, lambda: utcnow().astimezone(area.tz), store=store, actor=staff["agent"]),
                            decided))
    async with app.run_test(size=(80, 24)) as pilot:
        await _fill(pilot, app, reason="Written appeal", received=late)
        assert not app.results and "too late" in str(app.screen.query_one("#refusal", Static).render())
        await _fill(pilot, app, received="")  # empty: the desk's clock, within the window
        # Area Offices step 4: the appeal is reviewed by the Associate Superintendent, the ladder's level 2.
        assert app.results and app.results[0].escalation_level == 2


async def test_a_protocol_step_recorded_in_its_dialog_after_a_refusal_that_keeps_what_was_typed(
        store: Store, staff: dict[str, Actor]) -> None:
    from calldesk.screens.case.steps import StepDialog

    number = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                  opened_at=fixed_clock()).case.case_number  # (taken at the desk's time: before the step)
    app = Host(StepDialog(_desk(store, staff["program_specialist"], ROCHESTER), number))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        intro = str(app.screen.query_one("#state", Static).render())
        assert "determination_told: Parent told the determination on how to proceed (to do" in intro
        await _fill(pilot, app, step="determination_told", party="Mrs. Gomez")
        assert not app.results and "What was determined" in str(app.screen.query_one("#refusal",
                                                                                       Static).render())
        assert app.screen.query_one("#f-party", Input).value == "Mrs. Gomez"
        # The desk's clock is Mon 23 Nov 10:00 in Los Angeles: 13:00 in New York, Rochester's zone.
        await _fill(pilot, app, note="A mediation meeting with the teacher", on="2026-11-23 12:59")
        assert not app.results and re.fullmatch(  # (the opening's year said when it is not this year's)
            r"Refused: The step cannot be done before the case was opened \(Mon 23 Nov( 2026)? 13:00\): give a "
            r"later time\.", str(app.screen.query_one("#refusal", Static).render()))
        assert app.screen.query_one("#f-note", Input).value == "A mediation meeting with the teacher"
        await _fill(pilot, app, on="2026-12-01 15:00")
        assert app.results and app.results[0].step == "determination_told"
        assert app.results[0].party == "Mrs. Gomez" and app.results[0].by_user == "pat"
