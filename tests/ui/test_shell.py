"""The app shell: modes, keys from settings, the command palette, F1 help, quitting."""

from __future__ import annotations

from datetime import timedelta

from textual.binding import Binding
from textual.widgets import Input

from calldesk.app import CalldeskApp
from calldesk.screens.desk import DeskScreen
from calldesk.screens.help import HelpScreen
from calldesk.screens.intake.abuse_guidance import AbuseGuidanceScreen
from calldesk.screens.intake.quit_call import QuitCall
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.screens.queue.screen import QueueScreen
from calldesk.screens.resources import ResourceDirectory
from calldesk.screens.resume import ResumeDraft
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.widgets.queue_table import QueueTable
from calldesk.widgets.topic_picker import TopicPicker
from tests.integration.helpers import call, lausd
from tests.ui.conftest import NOW
from tests.ui.steps import SIZE, cases, choose, new_call, settle, type_into


async def test_every_binding_has_an_id_and_the_palette_offers_the_screen_commands(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        titles = {command.title for command in app.get_system_commands(screen)}
        assert {"Save", "Abuse", "Resources", "Leave call", "New call", "Help", "Queue", "Desk"} <= titles
        assert {"Caller Details", "Resolution"} <= titles, "tab switches are commands too"
        resources = next(c for c in app.get_system_commands(screen) if c.title == "Resources")
        await resources.callback()
        await pilot.pause()
        assert isinstance(app.screen, ResourceDirectory), "a palette command does what its key does"


async def test_the_palette_offers_no_screenshot_and_quits_the_desk_way(make_app) -> None:  # type: ignore[no-untyped-def]
    # Textual's Screenshot wrote the screen (the caller's name and phone) to an SVG in ~/Downloads that anyone on
    # the machine could read and that purge/erase never reach: a desk's palette does not offer it.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for screen in (app.screen, await new_call(pilot)):
            commands = list(app.get_system_commands(screen))
            titles = [command.title for command in commands]
            assert "Screenshot" not in titles
            assert {"Theme", "Keys", "Quit", "Help"} <= set(titles), "the useful ones stay"
            assert titles.count("Quit") == 1
            quit_ = next(c for c in commands if c.title == "Quit")
            assert "asks first" in (quit_.help or ""), "Quit is the desk's own (it asks about unsaved changes)"


def test_every_calldesk_binding_has_an_id() -> None:
    classes = [CalldeskApp, DeskScreen, QueueScreen, IntakeScreen, HelpScreen, AbuseGuidanceScreen,
               QuitCall, ResourceDirectory, ResumeDraft, TopicPicker]
    ids: list[str] = []
    for cls in classes:
        for binding in cls.__dict__["BINDINGS"]:
            assert isinstance(binding, Binding) and (binding.id or binding.system), f"{cls.__name__}: {binding}"
            ids.append(binding.id or "")
    assert len([i for i in ids if i]) == len({i for i in ids if i}), "ids are unique"


async def test_f1_shows_help_for_the_screen_in_front(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await new_call(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.title_text == "New call"
        keys = {title: keys for keys, title, _ in app.screen.keys}
        assert keys["Abuse"] == "f9 / ^b" and keys["Save"] == "^s"
        await pilot.press("escape")
        assert isinstance(app.screen, IntakeScreen)


async def test_keys_are_remapped_from_the_settings_keymap(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app(keymap={"intake.save": "f5", "app.new_call": "f6"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        await type_into(pilot, "caller_name", "Kim Ng")
        await choose(pilot, "category", "Enrollment")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cases(desk_store) == [], "ctrl+s no longer saves"
        await pilot.press("f5")
        await settle(pilot)
    assert [c.caller_name for c in cases(desk_store)] == ["Kim Ng"]


async def test_q_types_in_a_field_and_never_quits_only_ctrl_q_does(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await pilot.press(*"Quinn")
        await pilot.press("q")
        assert screen.query_one("#caller_name", Input).value == "Quinnq"
        assert app.is_running
        screen.end_call()  # the call is over (as Escape ends an empty call)
        await pilot.pause()
        assert isinstance(app.screen, DeskScreen)
        await pilot.press("q")  # typed on the desk by mistake: nothing happens
        await pilot.pause()
        assert app.is_running
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running, "q on the queue does not quit either"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


async def test_the_queue_mode_lists_open_cases_overdue_first(make_app, desk_store: Store, agent: Actor,
                                                             staff: dict[str, Actor]) -> None:  # type: ignore[no-untyped-def]
    late = call(desk_store, agent, lausd(), caller_name="Old Caller", call_type="concern",
                opened_at=NOW - timedelta(days=30)).case
    fresh = call(desk_store, agent, lausd(), caller_name="New Caller", call_type="complaint", opened_at=NOW).case
    app = make_app(staff["supervisor"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one(QueueTable)
        assert table.row_keys == [late.case_number, fresh.case_number]
        first = table.get_row_at(0)
        assert "BREACHED" in str(first[0]) and first[0].style == "bold red"  # words as well as colour
        assert "BREACHED" not in str(table.get_row_at(1)[0])
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen), "a new call from anywhere, even the queue"
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen), "the call waits in the desk mode"
