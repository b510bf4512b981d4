"""The one base of the dialogs that write (calldesk.screens.writing_dialog): what is typed right after Tab lands in
the next field while the case is still being read, and Save cannot submit before the case and its version are on
screen (the stale-write check always has the version the user saw)."""

from __future__ import annotations

import threading
from typing import Any

from textual.app import App
from textual.widgets import Button, Input, Select, Static

from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.screens.case.action_dialogs import MeetingDialog, MergeDialog
from calldesk.screens.desk_state import Desk
from calldesk.screens.writing_dialog import CaseDialog
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.one_case import get_case
from calldesk.store.services.referrals_meetings_reviews import meetings_for
from tests.integration.helpers import call
from tests.ui.conftest import fixed_clock
from tests.ui.steps import until
from tests.ui.test_key_order import burst, typed

ROCHESTER = load_profile("rochester")


class Host(App[None]):
    def __init__(self, dialog: CaseDialog[Any]) -> None:
        super().__init__()
        self.dialog, self.results = dialog, []  # type: ignore[var-annotated]

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def held(dialog: CaseDialog[Any]) -> threading.Event:
    """Reading the case waits until the returned event is set: a busy machine, or a slow database."""
    gate = threading.Event()
    read = dialog.read

    def slow() -> Any:
        gate.wait(10)
        return read()

    dialog.read = slow  # type: ignore[method-assign]
    return gate


async def test_a_meeting_typed_at_speed_lands_field_by_field_while_the_case_is_read(
        store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                  opened_at=fixed_clock()).case.case_number  # (taken at the desk's time: before the meeting)
    dialog = MeetingDialog(Desk(ROCHESTER, fixed_clock, store=store, actor=staff["agent"]), number)
    gate = held(dialog)
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, Select)  # the kind of meeting (a picker, "resolution" already picked)
        # Every key queued before any is handled, as under load: Tab, then the next field's words at once.
        burst(app, ["tab", *typed("2026-12-01 15:00"), "tab", *typed("Parent, Principal"), "tab", *typed("Room 4")])
        await pilot.pause(0.3)
        assert dialog.query_one("#f-when", Input).value == "2026-12-01 15:00"
        assert dialog.query_one("#f-parties", Input).value == "Parent, Principal"
        assert dialog.query_one("#f-place", Input).value == "Room 4"
        # Save before the case is read: disabled, and ctrl+s submits nothing (no version to check against).
        assert dialog.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert not app.results and "still being read" in str(dialog.query_one("#refusal", Static).render())
        gate.set()
        assert await until(pilot, lambda: not dialog.query_one("#save", Button).disabled, 5)
        assert dialog.query_one("#f-place", Input).has_focus  # reading the case did not move the cursor
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.results and app.results[0].place == "Room 4"
    with store.uow(readonly=True) as uow:
        case = get_case(uow.session, number, viewer=None)
        meetings = meetings_for(uow.session, case.id)
    assert [(m.kind, m.parties, m.place) for m in meetings] == [("resolution", "Parent, Principal", "Room 4")]


async def test_a_merge_reason_typed_right_after_tab_is_the_reason(
        store: Store, staff: dict[str, Actor], profile: Profile) -> None:
    survivor = call(store, staff["agent"]).case.case_number
    duplicate = call(store, staff["agent"]).case.case_number  # the same caller: the survivor is listed first
    dialog = MergeDialog(Desk(profile, fixed_clock, store=store, actor=staff["supervisor"]), duplicate)
    gate = held(dialog)
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, ["tab", *typed("Same bus complaint")])
        await pilot.pause(0.3)
        assert dialog.query_one("#f-reason", Input).value == "Same bus complaint"
        gate.set()
        assert await until(pilot, lambda: dialog.found is not None, 5)
        await pilot.pause()
        picker = dialog.query_one("#f-into", Select)
        assert picker.value == survivor  # the only case it could go into, picked
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.results and app.results[0].case_number == survivor
    with store.uow(readonly=True) as uow:
        assert get_case(uow.session, duplicate, viewer=None).close_reason == f"merged into {survivor}"


async def test_save_cannot_submit_a_case_dialog_before_its_version_is_read(
        store: Store, staff: dict[str, Actor], profile: Profile) -> None:
    number = call(store, staff["agent"]).case.case_number
    dialog = MergeDialog(Desk(profile, fixed_clock, store=store, actor=staff["supervisor"]), number)
    gate = held(dialog)
    app = Host(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert dialog.version is None
        dialog.action_save()  # what ctrl+s or the button would do
        await pilot.pause()
        assert not dialog.saving and not app.results
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        with store.uow(readonly=True) as uow:
            assert dialog.version == get_case(uow.session, number, viewer=None).version


async def test_a_form_picker_offers_only_those_at_work_and_saves_the_one_picked(
        store: Store, staff: dict[str, Actor], admin: Actor) -> None:
    """AskForm's people picker (the callbacks' hand-on uses it): read as the form opens, nobody absent offered,
    picked with the keys (Enter opens it, letters find the name, Enter picks), ctrl+s saves it."""
    from calldesk.screens.callbacks import AskForm
    from calldesk.screens.case.action_dialogs import staff_options
    from calldesk.store.db.users import set_absence

    with store.uow() as uow:
        set_absence(uow, actor=staff["supervisor"], username="pat", absent_since=fixed_clock().date())  # away today
    saved: list[dict[str, str]] = []

    def options() -> dict[str, list[tuple[str, str]]]:
        with store.uow(readonly=True) as uow:
            return {"user": staff_options(uow.session, fixed_clock().date(), exclude=["ana"])}

    form = AskForm("Hand the callback on to", [], [], lambda values, ticks: saved.append(values),
                   picks=[("user", "Hand it to")], options=options)

    class FormHost(App[None]):
        def on_mount(self) -> None:
            self.push_screen(form)

    app = FormHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        picker = form.query_one("#f-user", Select)
        # By hand: the staff fixture's people at work but ana (who has it) and pat (absent): sue, sam and the
        # store's admin, none with open cases, so by rank: sam (specialist), sue (supervisor), the admin.
        assert [value for _, value in picker._options if isinstance(value, str)] == \
            ["sam", "sue", admin.username]
        await pilot.press("enter", "s", "u", "e", "enter", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert saved == [{"user": "sue"}]
