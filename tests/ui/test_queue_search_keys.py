"""Keys typed fast on the queue go where the key before them sent them: the search box takes the word typed right
after /, the report's month box the month typed right after m, and each dialog (e's reason, s's sort, f's filters,
a's assignee) the keys typed right after its key. Before, the box got the focus a moment after the key was read,
and the keys queued meanwhile were the queue's own (m the monthly report, a assign, e escalate, Enter opens a
case)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, OptionList

from calldesk.screens.queue.dialogs import AssigneeDialog, PromptDialog
from calldesk.screens.queue.screen import QueueScreen
from calldesk.screens.reports import ReportScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.integration.helpers import call
from tests.ui.steps import until
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


async def test_a_reason_typed_right_after_e_is_the_escalations(make_app: Any, desk_store: Store,
                                                               staff: dict[str, Actor]) -> None:
    """e and the reason in one burst: the reason's letters (a assigns, e escalates, s sorts...) are the dialog's."""
    call(desk_store, staff["agent"], call_type="concern", category="Transportation")
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        queue = await _on_the_queue(app, pilot)
        burst(app, ["e", *typed("Late again, she asked twice")])
        assert await until(pilot, lambda: isinstance(app.screen, PromptDialog), 10), app.screen
        prompt = app.screen.query_one("#prompt", Input)
        assert await until(pilot, lambda: prompt.value == "Late again, she asked twice", 5), prompt.value
        assert app.screen_stack[-2] is queue  # no other dialog was opened by the reason's letters


async def test_the_column_picked_right_after_s_is_the_sort(make_app: Any, desk_store: Store,
                                                           staff: dict[str, Actor]) -> None:
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        queue = await _on_the_queue(app, pilot)
        burst(app, ["s", "down", "enter"])  # the column below the deadline: the case number
        assert await until(pilot, lambda: app.screen is queue and queue.sort == "number", 10), app.screen


async def test_tabs_and_a_category_typed_right_after_f_are_the_filters(make_app: Any, desk_store: Store,
                                                                       staff: dict[str, Actor]) -> None:
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        queue = await _on_the_queue(app, pilot)
        # Five lists (status, SLA, tier, source, assignee), then the category, typed, and Enter applies them all
        burst(app, ["f", *["tab"] * 5, *typed("Transportation"), "enter"])
        assert await until(pilot, lambda: app.screen is queue and queue.filters.category == "Transportation",
                           10), (app.screen, queue.filters)


async def test_an_arrow_typed_right_after_a_moves_in_the_assignee_list(make_app: Any, desk_store: Store,
                                                                       staff: dict[str, Actor]) -> None:
    call(desk_store, staff["agent"], call_type="concern", category="Transportation")
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _on_the_queue(app, pilot)
        burst(app, ["a", "down"])  # the second person offered
        assert await until(pilot, lambda: isinstance(app.screen, AssigneeDialog), 10), app.screen
        await pilot.pause()
        assert app.screen.query_one("#assignees", OptionList).highlighted == 1
