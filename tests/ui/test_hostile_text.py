"""Stored markup and escape sequences reach the desk inert: the supervisor's queue and the unsaved-call list."""

from __future__ import annotations

from textual.widgets import OptionList

from calldesk.screens.queue import QueueScreen
from calldesk.screens.resume import ResumeDraft
from calldesk.store import drafts
from calldesk.store.store import Store
from calldesk.store.users import Actor
from calldesk.widgets.queue_table import QueueTable
from tests.integration.helpers import call, lausd
from tests.ui.conftest import NOW
from tests.ui.steps import SIZE, settle

HOSTILE = "[/] [link=https://evil.example]x[/link] \x1b[2J"


async def test_the_queue_shows_a_hostile_caller_name_as_typed(make_app, desk_store: Store, agent: Actor,  # type: ignore[no-untyped-def]
                                                              staff: dict[str, Actor]) -> None:
    call(desk_store, agent, lausd(), caller_name=HOSTILE, call_type="concern", opened_at=NOW)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        row = [str(cell) for cell in app.screen.query_one(QueueTable).get_row_at(0)]
    assert "[/] [link=https://evil.example]x[/link] \\x1b[2J" in row and not any("\x1b" in c for c in row)


async def test_an_unsaved_call_with_a_hostile_name_is_offered_inert(make_app, desk_store: Store, agent: Actor  # type: ignore[no-untyped-def]
                                                                    ) -> None:
    with desk_store.uow() as uow:
        drafts.save_draft(uow, actor=agent, client_id="c-1", form={"caller_name": HOSTILE})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeDraft)
        prompt = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
    assert "[/] [link=https://evil.example]x[/link]" in prompt and "\x1b" not in prompt
