"""The queue's search box takes the keys typed right after /, however fast they come: before, the box got the
focus a moment after / was read, and the letters queued meanwhile were the queue's own keys (m the monthly
report, a assign, e escalate)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from calldesk.screens.queue.screen import QueueScreen
from calldesk.store.db.users import Actor
from tests.ui.test_key_order import burst, typed


async def test_a_word_typed_right_after_slash_lands_in_the_search_box(make_app: Any,
                                                                      staff: dict[str, Actor]) -> None:
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        burst(app, ["slash", *typed("mart ea")])  # m: the report, a: assign, e: escalate, were they read here
        await pilot.pause()
        await pilot.pause()
        assert app.screen is queue, app.screen
        assert queue.query_one("#queue-search", Input).value == "mart ea"
        burst(app, ["slash", "b"])  # a / in the search is a letter of it
        await pilot.pause()
        assert queue.query_one("#queue-search", Input).value == "mart ea/b"
