"""Keys typed fast on the queue go where the key before them sent them: the search box takes the word typed right
after /, the report's month box the month typed right after m. Before, the box got the focus a moment after the key
was read, and the keys queued meanwhile were the queue's own (m the monthly report, a assign, e escalate, Enter
opens a case)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from calldesk.screens.queue.screen import QueueScreen
from calldesk.screens.reports import ReportScreen
from calldesk.store.db.users import Actor
from tests.ui.test_key_order import burst, typed
from tests.ui.test_report_screen import _summary


async def _on_the_queue(app: Any, pilot: Any) -> QueueScreen:
    """F4, and the queue read: the screen the keys are typed on."""
    await pilot.press("f4")
    await app.workers.wait_for_complete()
    await pilot.pause()
    queue = app.screen
    assert isinstance(queue, QueueScreen)
    return queue


async def test_a_word_typed_right_after_slash_lands_in_the_search_box(make_app: Any,
                                                                      staff: dict[str, Actor]) -> None:
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        queue = await _on_the_queue(app, pilot)
        burst(app, ["slash", *typed("mart ea")])  # m: the report, a: assign, e: escalate, were they read here
        await pilot.pause()
        await pilot.pause()
        assert app.screen is queue, app.screen
        assert queue.query_one("#queue-search", Input).value == "mart ea"
        burst(app, ["slash", "b"])  # a / in the search is a letter of it
        await pilot.pause()
        assert queue.query_one("#queue-search", Input).value == "mart ea/b"


async def test_m_and_a_month_in_one_burst_open_that_month(make_app: Any, staff: dict[str, Actor]) -> None:
    """m and the month typed at once, before the queue has handled m: the month is the report's, not the queue's
    keys (2, 0, 6, - and Enter on the queue's table), and the search box's letters are still its own."""
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        queue = await _on_the_queue(app, pilot)
        burst(app, ["m", *typed("2026-09"), "enter"])
        for _ in range(100):
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if isinstance(app.screen, ReportScreen) and "2026-09:" in _summary(app):
                break
        assert app.screen.query_one("#report-month", Input).value == "2026-09", _summary(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is queue
        burst(app, ["slash", *typed("mm")])  # an m typed in the search is a letter of it
        await pilot.pause()
        await pilot.pause()
        assert app.screen is queue and queue.query_one("#queue-search", Input).value == "mm"
