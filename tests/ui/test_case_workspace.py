"""The case workspace: find a case (phone typed either way), open it from the desk and the queue, edit and save
(a stale version refused), History at local times, assignment seen in the assignee's My work."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from textual.widgets import DataTable, Input, Select, Static

from calldesk.models import CaseUpdate
from calldesk.screens.case.screen import CaseScreen
from calldesk.screens.desk import DeskScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import update_case
from tests.integration.helpers import call, lausd


async def _settle(pilot: Any, app: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _open_case(pilot: Any, app: Any, number: str) -> CaseScreen:
    """The desk up, then case `number` opened in the workspace and read."""
    await _settle(pilot, app)
    app.push_screen(CaseScreen(number))
    return await _case_screen(pilot, app)


async def _case_screen(pilot: Any, app: Any) -> CaseScreen:
    for _ in range(40):
        await _settle(pilot, app)
        if isinstance(app.screen, CaseScreen) and app.screen.view is not None and app.screen.shown_ready:
            await _settle(pilot, app)
            return app.screen
    raise AssertionError(f"no case screen: {app.screen}")


async def test_find_by_phone_typed_both_ways_and_open_from_the_desk(make_app: Any, desk_store: Store,
                                                                     agent: Actor) -> None:
    case = call(desk_store, agent, caller_name="Rosa Diaz", phone="213-555-0142").case
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(pilot, app)
        for typed in ("2135550142", "(213) 555-0142"):
            await pilot.press("slash")
            await _settle(pilot, app)
            find = app.screen.query_one("#find-text", Input)
            find.value = typed
            await pilot.press("enter")
            await _settle(pilot, app)
            table = app.screen.query_one("#find-results", DataTable)
            assert table.row_count == 1, typed
            await pilot.press("enter")
            screen = await _case_screen(pilot, app)
            assert screen.case_number == case.case_number
            assert screen.form.values()["caller_name"] == "Rosa Diaz"
            await pilot.press("escape")
            await _settle(pilot, app)
            assert isinstance(app.screen, DeskScreen)


async def test_edit_save_and_a_stale_version_refused(make_app: Any, desk_store: Store, agent: Actor,
                                                    profile: Any) -> None:
    case = call(desk_store, agent, school="Roosevelt High").case
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_case(pilot, app, case.case_number)
        screen.query_one("#school", Input).value = "Garfield High"
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        assert screen.view is not None and screen.view.case.school == "Garfield High"
        # Someone else saves meanwhile: our next save is refused and what we typed stays.
        with desk_store.uow() as uow:
            update_case(uow, actor=agent, profile=profile, case_number=case.case_number,
                        expected_version=None, changes=CaseUpdate(department="Transport"))
        screen.query_one("#school", Input).value = "Lincoln High"
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        assert "saved by someone else" in screen.query_one("#case-banner").message  # type: ignore[attr-defined]
        assert screen.query_one("#school", Input).value == "Lincoln High"
        with desk_store.uow(readonly=True) as uow:
            from calldesk.store.read.one_case import get_case

            assert get_case(uow.session, case.case_number, viewer=None).school == "Garfield High"


async def test_a_save_with_nothing_changed_makes_no_new_version(make_app: Any, desk_store: Store, agent: Actor,
                                                                 profile: Any) -> None:
    """ctrl+s on a case as it was read (its response too) writes nothing: a colleague's edit made meanwhile, against
    the version they read, is then not refused as stale."""
    from calldesk.models import ResolutionUpdate
    from calldesk.store.read.one_case import get_case
    from calldesk.store.services.follow_ups_resolution import set_resolution

    case = call(desk_store, agent, school="Roosevelt High").case
    with desk_store.uow() as uow:
        set_resolution(uow, actor=agent, case_number=case.case_number,
                       data=ResolutionUpdate(response="Told her the route.", outcome="Informed"))
    with desk_store.uow(readonly=True) as uow:
        seen = get_case(uow.session, case.case_number, viewer=None).version  # what a colleague has open
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_case(pilot, app, case.case_number)
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
    with desk_store.uow() as uow:  # the colleague saves her change against the version she read
        update_case(uow, actor=agent, profile=profile, case_number=case.case_number, expected_version=seen,
                    changes=CaseUpdate(department="Transport"))
    with desk_store.uow(readonly=True) as uow:
        assert get_case(uow.session, case.case_number, viewer=None).version == seen + 1


async def test_escape_with_unsaved_changes_asks_before_dropping_them(make_app: Any, desk_store: Store,
                                                                      agent: Actor) -> None:
    from calldesk.screens.confirm import Confirm

    case = call(desk_store, agent, school="Roosevelt High").case
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_case(pilot, app, case.case_number)
        await pilot.press("escape")  # nothing changed: it leaves at once
        await _settle(pilot, app)
        assert isinstance(app.screen, DeskScreen)
        app.push_screen(CaseScreen(case.case_number))
        screen = await _case_screen(pilot, app)
        screen.query_one("#school", Input).focus()
        await pilot.press("end", *" West")
        await pilot.press("escape")
        await _settle(pilot, app)
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # stays, with what was typed
        await _settle(pilot, app)
        assert app.screen is screen and screen.query_one("#school", Input).value == "Roosevelt High West"
        await pilot.press("escape", "y")  # leaves without it
        await _settle(pilot, app)
        assert isinstance(app.screen, DeskScreen)
    with desk_store.uow(readonly=True) as uow:
        from calldesk.store.read.one_case import get_case

        assert get_case(uow.session, case.case_number, viewer=None).school == "Roosevelt High"


async def test_f7_pressed_fast_moves_one_tab_a_press(make_app: Any, desk_store: Store, agent: Actor) -> None:
    """F7 F7 from Follow-Up, faster than the screen follows (a burst, as under load), lands two tabs on (Steps), as
    on the call's screen; then F7 three times more, past History and Links, round to Caller Details."""
    from tests.ui.test_key_order import burst

    case = call(desk_store, agent, school="Roosevelt High").case
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_case(pilot, app, case.case_number)
        screen.action_show_tab("follow-up")
        await _settle(pilot, app)
        burst(app, ["f7", "f7"])
        await _settle(pilot, app)
        assert screen.form.active_tab == screen.form.tabs.active == "case-steps"
        burst(app, ["f7", "f7", "f7"])
        await _settle(pilot, app)
        assert screen.form.active_tab == "caller-details"


async def test_history_tab_shows_local_times(make_app: Any, desk_store: Store, agent: Actor) -> None:
    case = call(desk_store, agent).case
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_case(pilot, app, case.case_number)
        await pilot.press("alt+6")
        await _settle(pilot, app)
        text = str(screen.query_one("#case-history-body", Static).render())
        assert screen.view is not None
        event = screen.view.history[0]
        from calldesk.rules.calendar import calendar_for
        from calldesk.rules.shown import moment_words

        local = calendar_for(screen.desk.profile).local(event.at)
        assert moment_words(event.at, tz=local.tzinfo, today=local.date()) in text  # type: ignore[arg-type]
        # LAUSD's desk is in Los Angeles (the seed): the event is shown at its time there, never at UTC's.
        assert moment_words(event.at, tz=UTC, today=local.date()) not in text
        assert "case.open" not in text and f"{agent.username} opened the case" in text


async def test_the_history_tab_tells_the_changes_in_words(make_app: Any, desk_store: Store,
                                                          staff: dict[str, Actor]) -> None:
    """Issue 23 item 14: "Ana changed the call type from inquiry to complaint", not field names and raw values."""
    from calldesk.store.services.calls import CallSave, save_call
    from tests.conftest import add_user

    ana = add_user(desk_store, staff["admin"], "aruiz", "agent", full_name="Ana Ruiz", supervisor="sue")
    case = call(desk_store, ana).case  # an inquiry about Enrollment (tests.integration.helpers.call)
    with desk_store.uow() as uow:
        save_call(uow, actor=ana, profile=lausd(), data=CallSave(
            client_id=case.client_id, opened_at=case.opened_at, case_number=case.case_number,
            expected_version=case.version, fields={"call_type": "complaint", "school": "Garfield High"}))
    app = make_app(actor=ana)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_case(pilot, app, case.case_number)
        await pilot.press("alt+6")
        await _settle(pilot, app)
        text = str(screen.query_one("#case-history-body", Static).render())
    # Opened as an immediate inquiry about Enrollment, kept by the agent who took it; then the save: the call type
    # and the school changed (and the complaint went to a specialist: "assigned it to sam", the only one).
    assert "Ana Ruiz opened the case: Inquiry (immediate) about Enrollment, assigned to aruiz." in text, text
    assert ("Ana Ruiz set the school involved to Garfield High and changed the call type from inquiry to complaint. "
            "Calldesk then changed the tier from Inquiry (immediate) to Complaint") in text, text
    assert "call_type" not in text and "->" not in text and "case.update" not in text, text


async def test_an_assigned_case_shows_in_the_assignees_my_work(make_app: Any, desk_store: Store,
                                                              staff: dict[str, Actor]) -> None:
    case = call(desk_store, staff["agent"], call_type="concern", category="Transportation").case
    boss = make_app(staff["supervisor"])
    async with boss.run_test(size=(100, 30)) as pilot:
        await _settle(pilot, boss)
        boss.push_screen(CaseScreen(case.case_number))
        await _case_screen(pilot, boss)
        await pilot.press("f5")
        await _settle(pilot, boss)
        # Routed to pat; the supervisor moves it: a picker of who may work it (no name typed and then refused).
        picker = boss.screen.query_one("#f-to", Select)
        # By hand: a concern is the program specialists' work; pat has it, so sam (specialist), sue (supervisor)
        # and the store's admin are offered, the fewest open cases first, then by rank; ana (an agent) is not.
        offered = [value for _, value in picker._options if isinstance(value, str)]
        assert offered == ["sam", "sue", staff["admin"].username]
        await pilot.press("enter", "s", "a", "m", "enter", "ctrl+s")
        await _settle(pilot, boss)
        screen = await _case_screen(pilot, boss)
        assert screen.view is not None and screen.view.case.assigned_to == "sam"
    worker = make_app(staff["specialist"])
    async with worker.run_test(size=(100, 30)) as pilot:
        await _settle(pilot, worker)
        table = worker.screen.query_one("#my-work", DataTable)
        assert table.row_count >= 1
        row_keys = [str(k.value) for k in table.rows]
        assert any(key.endswith(case.case_number) for key in row_keys)
        table.focus()
        await pilot.press("enter")
        screen = await _case_screen(pilot, worker)
        assert screen.case_number == case.case_number


async def test_enter_on_the_queue_opens_the_case(make_app: Any, desk_store: Store, staff: dict[str, Actor]) -> None:
    case = call(desk_store, staff["agent"]).case
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(pilot, app)
        await pilot.press("f4")
        await _settle(pilot, app)
        from calldesk.widgets.queue_table import QueueTable

        app.screen.query_one(QueueTable).focus()
        await pilot.press("enter")
        screen = await _case_screen(pilot, app)
        assert screen.case_number == case.case_number


async def test_an_earlier_call_opens_from_the_history_panel_and_escape_returns_to_the_call(
        make_app: Any, desk_store: Store, agent: Actor) -> None:
    from calldesk.screens.intake.screen import IntakeScreen
    from tests.ui.steps import SIZE, call_from, settle

    earlier = call(desk_store, agent, caller_name="Rosa Diaz", phone="213-555-0142").case
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        intake = await call_from(pilot, "2135550142")
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("enter")
        screen = await _case_screen(pilot, app)
        assert screen.case_number == earlier.case_number
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is intake and isinstance(intake, IntakeScreen)
        assert intake.form.values()["phone"] == "2135550142"


async def test_the_case_screen_reads_at_80_by_24(make_app: Any, desk_store: Store, agent: Actor) -> None:
    case = call(desk_store, agent).case
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_case(pilot, app, case.case_number)
        summary = str(screen.query_one("#case-summary", Static).render())
        assert case.case_number in summary and "OPEN" in summary
        assert screen.query_one("#caller_name", Input).region.height > 0  # the form has room on screen
        from calldesk.widgets.commands import commands_of

        ids = {command.binding.id for command in commands_of(screen)}
        assert {"case.save", "case.back", "case.reload", "case.next_tab"} <= ids
        assert "case.assign" not in ids  # an agent may not assign: the key is not offered
        line = screen.query_one("#case-keys")
        assert line.display and "Save" in str(line.render())  # the narrow key line stands in for the footer


async def test_a_closed_case_opens_read_only_and_help_lists_the_keys(make_app: Any, desk_store: Store,
                                                                     staff: dict[str, Actor]) -> None:
    from calldesk.screens.help import HelpScreen
    from calldesk.store.services.cases import close_case

    case = call(desk_store, staff["agent"], call_type="compliment").case
    with desk_store.uow() as uow:
        close_case(uow, actor=staff["agent"], case_number=case.case_number, reason="thanked")
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_case(pilot, app, case.case_number)
        assert screen.query_one("#caller_name", Input).disabled
        assert "is closed" in screen.query_one("#case-banner").message  # type: ignore[attr-defined]
        await pilot.press("f1")
        await _settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)
        keys = {title for _, title, _ in app.screen.keys}
        assert {"Save", "Assign", "Reload", "Back"} <= keys


async def test_my_work_says_overdue_in_words(make_app: Any, desk_store: Store, agent: Actor,
                                             staff: dict[str, Actor]) -> None:

    from tests.ui.conftest import NOW

    late = call(desk_store, agent, call_type="concern", category="Transportation",
                opened_at=NOW - timedelta(days=10)).case
    assert late.assigned_to == "pat"  # routed to the program specialist, whose work it is
    app = make_app(staff["program_specialist"])
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(pilot, app)
        table = app.screen.query_one("#my-work", DataTable)
        rows = [[str(cell) for cell in table.get_row(key)] for key in table.rows]
        case_rows = [row for row in rows if row[2] == late.case_number]
        assert case_rows and all(row[0].startswith("OVERDUE ") for row in case_rows)
        assert "overdue" in str(app.screen.query_one("#my-work-title", Static).render())


async def test_the_work_menu_opens_each_dialog_by_its_letter_and_the_case_shows_the_entry(
        make_app: Any, desk_store: Store, agent: Actor) -> None:
    """ctrl+g on the case screen lists the work; "f" opens the follow-up entry, saved through its service and on
    the case when the dialog closes; Escape in the menu goes back to the case untouched."""
    from calldesk.screens.case.menu import CASE_ACTIONS, CaseActionMenu
    from calldesk.screens.case.progress_dialogs import FollowUpDialog
    from calldesk.store.read.queries import follow_ups_for

    case = call(desk_store, agent, call_type="concern", claim="The bus never came").case
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_case(pilot, app, case.case_number)
        await pilot.press("ctrl+g")
        await _settle(pilot, app)
        menu = app.screen
        assert isinstance(menu, CaseActionMenu)
        assert menu.query_one("#case-menu-options").option_count == len(CASE_ACTIONS)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await _settle(pilot, app)
        assert app.screen is screen
        await pilot.press("ctrl+g", "f")
        await _settle(pilot, app)
        assert isinstance(app.screen, FollowUpDialog)
        await pilot.press(*"Called the depot")
        await pilot.press("tab", *"Depot to call back")
        await pilot.press("ctrl+s")
        for _ in range(20):
            await _settle(pilot, app)
            if app.screen is screen:
                break
        assert app.screen is screen
        from calldesk.screens.case.action_dialogs import EscalateDialog, ReferDialog

        for letter, dialog in (("e", EscalateDialog), ("d", ReferDialog)):  # escalation's and referral's too
            await pilot.press("ctrl+g", letter)
            await _settle(pilot, app)
            assert isinstance(app.screen, dialog), letter
            await pilot.press("escape")
            await _settle(pilot, app)
            assert app.screen is screen
    with desk_store.uow(readonly=True) as uow:
        entries = follow_ups_for(uow.session, case.id)  # type: ignore[arg-type]
    assert [(e.done, e.pending) for e in entries][-1] == ("Called the depot", "Depot to call back")
