"""r on the desk acts as it is read, and Enter typed right after it resumes the unsaved call it lists, however fast:
before, the drafts were read while Enter went to My work behind the list, and opened the case there."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input

from calldesk.screens.desk import DeskScreen
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import drafts
from tests.integration.helpers import call
from tests.ui.steps import SIZE, settle, until
from tests.ui.test_key_order import burst


async def _desk_with_work(pilot: Any, app: Any) -> DeskScreen:
    await settle(pilot)
    desk = app.screen
    assert isinstance(desk, DeskScreen)
    assert await until(pilot, lambda: desk.query_one("#my-work", DataTable).row_count > 0, 10)
    return desk


async def test_enter_typed_right_after_r_resumes_the_unsaved_call(make_app: Any, desk_store: Store, agent: Actor,
                                                                   staff: dict[str, Actor]) -> None:
    pat = staff["program_specialist"]
    call(desk_store, agent, call_type="concern", category="Transportation")  # pat's: in My work, under the cursor
    app = make_app(pat)
    async with app.run_test(size=SIZE) as pilot:
        await _desk_with_work(pilot, app)
        with desk_store.uow() as uow:  # a call left unsaved (as on another start)
            drafts.save_draft(uow, actor=pat, client_id="c-1", form={"caller_name": "Tad Adams"})
        burst(app, ["r", "enter"])
        assert await until(pilot, lambda: isinstance(app.screen, IntakeScreen), 10), app.screen
        await settle(pilot)
        assert app.screen.query_one("#caller_name", Input).value == "Tad Adams"


async def test_with_no_unsaved_call_the_keys_after_r_open_nothing(make_app: Any, desk_store: Store, agent: Actor,
                                                                   staff: dict[str, Actor]) -> None:
    call(desk_store, agent, call_type="concern", category="Transportation")
    app = make_app(staff["program_specialist"])
    async with app.run_test(size=SIZE) as pilot:
        desk = await _desk_with_work(pilot, app)
        burst(app, ["r", "enter"])
        assert await until(pilot, lambda: any(n.message == "No unsaved calls." for n in app._notifications), 10)
        await settle(pilot)
        assert app.screen is desk  # Enter did not open the case under My work's cursor
