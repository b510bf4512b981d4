"""The queue offers a key only to whom it works for: v (quality reviews per person) is a supervisor's, who reviews
cases (rules.permissions review_case); an admin or an agent was shown it, and it opened a screen refusing them."""

from __future__ import annotations

from typing import Any

import pytest

from calldesk.screens.queue.screen import QueueScreen
from calldesk.screens.review_summary import ReviewSummaryScreen
from calldesk.store.db.users import Actor
from calldesk.widgets.commands import commands_of


async def _settle(app: Any, pilot: Any) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("role", ["admin", "agent", "supervisor"])
async def test_v_is_offered_to_whom_it_works_for(make_app, staff: dict[str, Actor], role: str) -> None:  # type: ignore[no-untyped-def]
    # (the fixture's admin was read as the store's only user, who acts in every role: read as one of the team)
    app = make_app(Actor(staff[role].username, role))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        offered = {command.binding.id for command in commands_of(queue)}  # (F1 help and the palette list these)
        assert ("queue.reviews" in offered) == (role == "supervisor")
        await pilot.press("v")
        await _settle(app, pilot)
        if role == "supervisor":
            assert isinstance(app.screen, ReviewSummaryScreen)
        else:
            assert app.screen is queue
