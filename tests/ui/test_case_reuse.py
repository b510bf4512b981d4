"""The case workspace is built once and shown again for each case (building its five-tab form took 0.5-1 s of
the UI thread at every Enter on the queue): nothing of the case shown before stays on it, a read of the case before
that arrives late is not shown, and a case opened from a case gets a workspace of its own."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from calldesk.models import FollowUpCreate, StudentCreate
from calldesk.rules.profile import Profile
from calldesk.screens.case.open import open_case_screen
from calldesk.screens.case.screen import CaseLoaded, CaseScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import confidentiality
from calldesk.store.services.cases import mark_abuse
from calldesk.store.services.follow_ups_resolution import add_follow_up
from tests.integration.helpers import call


async def _settle(pilot: Any, app: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _shown(pilot: Any, app: Any, number: str) -> CaseScreen:
    for _ in range(40):
        await _settle(pilot, app)
        screen = app.screen
        if isinstance(screen, CaseScreen) and screen.view is not None and screen.view.case.case_number == number \
                and screen.shown_ready:
            await _settle(pilot, app)
            return screen
    raise AssertionError(f"case {number} not shown: {app.screen}")


def _everything(screen: CaseScreen) -> str:
    """What the workspace holds for a person to read: every field, the summary and every panel's text."""
    texts = [str(static.render()) for static in screen.query(Static)]
    return "\n".join([*map(str, screen.form.values().values()), *texts])


async def test_the_workspace_is_built_once_and_keeps_nothing_of_the_case_before(
        make_app: Any, desk_store: Store, staff: dict[str, Actor], profile: Profile) -> None:
    agent = staff["agent"]
    first = call(desk_store, agent, caller_name="Rosa Diaz", phone="213-555-0142",
                 claim="Rosa's claim about the bus.").case.case_number
    with desk_store.uow() as uow:
        confidentiality.add_student(uow, actor=agent, case_number=first,
                                    data=StudentCreate(name="Leo Gomez", student_ref="S77"))
    with desk_store.uow() as uow:
        add_follow_up(uow, actor=agent, profile=profile, case_number=first,
                      data=FollowUpCreate(done="Rang Rosa back about Leo."))
    marked = call(desk_store, agent, caller_name="Kim Park", phone="213-555-0177").case.case_number
    with desk_store.uow() as uow:
        mark_abuse(uow, actor=staff["supervisor"], case_number=marked)
    second = call(desk_store, agent, caller_name="Omar Hale", phone="213-555-0199",
                  claim="Omar's claim about lunch.").case.case_number
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot, app)
        open_case_screen(app.screen, first)
        workspace = await _shown(pilot, app, first)
        seen = _everything(workspace)
        assert "Rosa Diaz" in seen and "Leo Gomez" in seen and "Rang Rosa back" in seen
        for number, name in ((marked, "Kim Park"), (second, "Omar Hale")):
            await pilot.press("escape")
            await _settle(pilot, app)
            open_case_screen(app.screen, number)
            again = await _shown(pilot, app, number)
            assert again is workspace  # built once
            assert name in _everything(again)
            for earlier in ("Rosa", "Leo Gomez", "S77", "the bus"):
                assert earlier not in _everything(again), (number, earlier)
        # The marked case's narrative was shut; the next case's is open and holds its own claim.
        assert workspace.form.values()["claim"] == "Omar's claim about lunch."
        assert not workspace.form.query_one("#claim").disabled
        # A read of the case shown before, arriving late, is not shown on this one.
        stale = workspace.view
        assert stale is not None
        await pilot.press("escape")
        await _settle(pilot, app)
        open_case_screen(app.screen, first)
        await _shown(pilot, app, first)
        workspace.post_message(CaseLoaded(stale, "", second))  # (as the read asked for before would come)
        await _settle(pilot, app)
        assert workspace.view is not None and workspace.view.case.case_number == first
        assert "Omar" not in _everything(workspace)
        # A case opened over a case (a linked one) gets a workspace of its own; the kept one stays under it.
        open_case_screen(app.screen, second)
        over = await _shown(pilot, app, second)
        assert over is not workspace and workspace.view.case.case_number == first
        await pilot.press("escape")
        await _settle(pilot, app)
        assert app.screen is workspace


async def test_a_case_that_cannot_be_read_shows_nothing_of_the_case_before(
        make_app: Any, desk_store: Store, staff: dict[str, Actor]) -> None:
    first = call(desk_store, staff["agent"], caller_name="Rosa Diaz", phone="213-555-0142").case.case_number
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot, app)
        open_case_screen(app.screen, first)
        workspace = await _shown(pilot, app, first)
        await pilot.press("escape")
        await _settle(pilot, app)
        open_case_screen(app.screen, "2026-999999")
        await _settle(pilot, app)
        await _settle(pilot, app)
        assert app.screen is workspace and workspace.view is None
        assert "Rosa" not in _everything(workspace) and "2026-999999" in _everything(workspace)
