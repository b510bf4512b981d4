"""The case dialogs on PostgreSQL through each person's own login: their pickers read what that login may read
(the cases a merge could go into, who can be given a case, the case's meetings), and each save is that person's
one service call against the version the dialog read."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Select

from calldesk.profiles import load_profile
from calldesk.screens.case.action_dialogs import AssignDialog, MeetingDialog, MeetingOutcomeDialog, MergeDialog
from calldesk.screens.desk_state import Desk
from calldesk.screens.writing_dialog import CaseDialog
from tests.conftest import Team
from tests.integration.helpers import call
from tests.team.helpers import behind
from tests.ui.conftest import fixed_clock
from tests.ui.test_writing_dialogs import Host

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)
LAUSD, ROCHESTER = load_profile("lausd"), load_profile("rochester")


def desk(team: Team, who: str, profile: Any = LAUSD) -> Desk:
    return Desk(profile, fixed_clock, store=team.store(who), actor=team.actor(who))


async def run(dialog: CaseDialog[Any], *keys: str) -> tuple[list[Any], list[str]]:
    """Open `dialog`, read what its picker offers, press `keys`; what it dismissed with and the picker's values."""
    app = Host(dialog)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        offered = [v for _, v in dialog.query_one(Select)._options if isinstance(v, str)]
        await pilot.press(*keys)
        await app.workers.wait_for_complete()
        await pilot.pause()
        refusal = "" if app.results else str(dialog.query_one("#refusal").render())  # type: ignore[attr-defined]
    assert app.results or not refusal, refusal
    return app.results, offered


async def test_a_supervisor_merges_and_assigns_through_her_own_login(team: Team) -> None:
    ana = team.actor("ana")
    survivor = call(team.store("ana"), ana).case.case_number
    duplicate = call(team.store("ana"), ana).case.case_number  # the same caller: a repeat, routed on
    done, offered = await run(MergeDialog(desk(team, "sue"), duplicate), "tab", *"Same matter", "ctrl+s")
    assert offered == [survivor]  # the only case it could go into (never itself), read through sue's login
    assert done and done[0].case_number == survivor
    assert behind(team, duplicate).close_reason == f"merged into {survivor}"
    # Assign the survivor: an inquiry is an agent's work, so every agent or above at work is offered but the one
    # who has it (the store's owner, an admin, too); sue picks bo by his name.
    had = behind(team, survivor).assigned_to
    done, offered = await run(AssignDialog(desk(team, "sue"), survivor), "enter", "b", "o", "enter",
                              "ctrl+s")
    staff = ({team.name(w) for w in ("ana", "bo", "pat", "sam", "sue", "vic", "adm")}
             | {team.owner.actor().username}) - {had}
    assert set(offered) == staff and team.name("rex") not in offered  # never the respondent
    assert done and done[0].assigned_to == team.name("bo")
    assert behind(team, survivor).assigned_to == team.name("bo")


async def test_an_agent_schedules_a_meeting_and_records_its_outcome_through_her_own_login(team: Team) -> None:
    number = call(team.store("ana"), team.actor("ana"), ROCHESTER, call_type="concern", category="Transportation",
                  opened_at=fixed_clock()).case.case_number  # (taken at the desk's time: before the meeting)
    done, kinds = await run(MeetingDialog(desk(team, "ana", ROCHESTER), number),
                            "enter", *"med", "enter", "tab", *"2026-12-01 15:00", "tab", *"Parent, Principal",
                            "ctrl+s")
    assert kinds == ["mediation", "resolution"] and done and done[0].kind == "mediation"
    meeting = done[0].id
    done, meetings = await run(MeetingOutcomeDialog(desk(team, "ana", ROCHESTER), number),
                               "tab", *"A new stop", "tab", "space", "ctrl+s")
    assert meetings == [str(meeting)]  # the case's one meeting, picked already
    assert done and done[0].outcome == "A new stop" and done[0].parent_satisfied
    assert done[0].outcome_by == team.name("ana")
