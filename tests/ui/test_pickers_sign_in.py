"""On PostgreSQL a person works only through their own login (`calldesk db grant`): the people pickers (the queue's
a, the case's assign, a callback's hand on) never offer someone without one, whom work given could never reach,
and say who is left out and why. Through the supervisor's own login (the team fixture)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Label, OptionList, Select, Static

from calldesk.app import CalldeskApp
from calldesk.profiles import load_profile
from calldesk.rules.assignment import NO_SIGN_IN
from calldesk.screens.case.action_dialogs import AssignDialog
from calldesk.screens.desk_state import Desk
from calldesk.screens.queue.dialogs import AssigneeDialog
from tests.conftest import Team, add_user
from tests.integration.helpers import call
from tests.ui.conftest import fixed_clock
from tests.ui.test_writing_dialogs import Host

LAUSD = load_profile("lausd")


@pytest.fixture
def backend() -> str:
    return "postgres"


def newcomer(team: Team) -> str:
    """A specialist added as a calldesk user whose login nobody has made yet (no `db grant`)."""
    name = team.name("newbie")
    add_user(team.owner, team.owner.actor(), name, "specialist", supervisor=team.name("sue"))
    return name


async def _until(pilot: Any, app: Any, kind: type) -> Any:
    for _ in range(100):  # (the picker's worker waits for the pick: never waited for)
        await pilot.pause(0.05)
        if isinstance(app.screen, kind):
            return app.screen
    raise AssertionError(f"no {kind.__name__}: {app.screen!r}")


async def test_the_queue_picker_offers_nobody_without_a_login(team: Team) -> None:
    newbie = newcomer(team)
    call(team.store("ana"), team.actor("ana"))
    app = CalldeskApp(team.store("sue"), team.actor("sue"), LAUSD, clock=fixed_clock)  # type: ignore[arg-type]
    app.animation_level = "none"
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("a")
        dialog = await _until(pilot, app, AssigneeDialog)
        options = dialog.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert team.name("sam") in ids and newbie not in ids
        said = str(dialog.query_one("#assignees-left-out", Label).render())
        assert newbie in said and NO_SIGN_IN in said


async def test_the_case_assign_picker_offers_nobody_without_a_login(team: Team) -> None:
    newbie = newcomer(team)
    number = call(team.store("ana"), team.actor("ana"), call_type="complaint").case.case_number
    dialog = AssignDialog(Desk(LAUSD, fixed_clock, store=team.store("sue"), actor=team.actor("sue")), number)
    app = Host(dialog)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        offered = [v for _, v in dialog.query_one(Select)._options if isinstance(v, str)]
        assert team.name("sue") in offered and newbie not in offered  # a complaint: a specialist's, or above
        said = str(dialog.query_one("#state", Static).render())
        assert newbie in said and NO_SIGN_IN in said
