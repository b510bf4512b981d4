"""Issue 23 item 12: the queue at a glance: a deadline in another year says its year, the header counts breached
and at risk, the caller's name is in sight without scrolling (120x36 and 80x24), and the cursor stays on the case
just assigned."""

from __future__ import annotations

from typing import Any

import pytest

from calldesk.rules.triage import format_due
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.widgets.queue_table import QueueTable
from tests.integration.helpers import at, call
from tests.ui.test_queue import _numbers, _settle, _summary, pick_assignee


def test_a_deadline_in_another_year_says_its_year() -> None:
    assert format_due(at(2027, 1, 4, 15), with_time=True, this_year=2026) == "Mon 4 Jan 2027 15:00"
    assert format_due(at(2026, 12, 15, 15), with_time=True, this_year=2026) == "Tue 15 Dec 15:00"
    assert format_due(at(2027, 1, 5, 0), with_time=True, this_year=2026) == "end of Mon 4 Jan 2027"


def _queue(store: Store, staff: dict[str, Actor]) -> dict[str, str]:
    agent = staff["agent"]
    made = {
        # Opened 1 Oct: every clock (an inquiry is answered the same day) long past on 23 Nov: breached.
        "old1": call(store, agent, caller_name="Olga Old", phone="2135550101", opened_at=at(2026, 10, 1)),
        "old2": call(store, agent, caller_name="Otto Old", phone="2135550102", opened_at=at(2026, 10, 1)),
        # Opened today at 9 (the desk's clock is Mon 23 Nov 10:00): answered by the end of today, within a day.
        "today": call(store, agent, caller_name="Tina Today", phone="2135550103", opened_at=at(2026, 11, 23, 9)),
        # A complaint opened 30 Dec: its first follow-up entry is due two business days on, in January 2027.
        "next_year": call(store, agent, caller_name="Nora Newyear", phone="2135550104", call_type="complaint",
                          opened_at=at(2026, 12, 30)),
    }
    return {key: outcome.case.case_number for key, outcome in made.items()}


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_queue_reads_at_a_glance(make_app, desk_store: Store, staff: dict[str, Actor],  # type: ignore[no-untyped-def]
                                           size: tuple[int, int]) -> None:
    numbers = _queue(desk_store, staff)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=size) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        table: Any = app.screen.query_one(QueueTable)
        assert "Caller" in table.render_line(0).text, "the caller's column is in sight without scrolling"
        lines = {table.row_keys[i]: table.render_line(i + 1).text for i in range(table.row_count)}
        assert "Olga Old" in lines[numbers["old1"]] and "Nora Newyear" in lines[numbers["next_year"]]
        assert "2027" not in lines[numbers["today"]]
        # By hand (see _queue): old1 and old2 breached, today's at risk, the complaint on track.
        assert "rows 1-4 of 4 | 2 breached, 1 at risk" in _summary(app)


async def test_the_deadline_column_shows_the_year_at_80_columns(make_app, desk_store: Store,  # type: ignore[no-untyped-def]
                                                                staff: dict[str, Actor]) -> None:
    numbers = _queue(desk_store, staff)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        table: Any = app.screen.query_one(QueueTable)
        row = table.row_keys.index(numbers["next_year"])
        assert "2027" in table.get_row_at(row)[3].plain  # the deadline cell (after SLA, case, caller)


async def test_the_cursor_stays_on_the_case_just_assigned(make_app, desk_store: Store,  # type: ignore[no-untyped-def]
                                                          staff: dict[str, Actor]) -> None:
    _queue(desk_store, staff)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        screen: Any = app.screen
        screen.sort = "assignee"  # nobody's cases together: assigning one moves it away from its line
        screen.restart()
        await _settle(app, pilot)
        await pilot.press("down")
        table: Any = screen.query_one(QueueTable)
        chosen = table.row_keys[table.cursor_row]
        before = _numbers(app).index(chosen)
        await pick_assignee(app, pilot, "sam")
        after = _numbers(app).index(chosen)
        assert after != before, "the assignment moved the case in the assignee order"
        assert table.row_keys[table.cursor_row] == chosen, "the cursor went with it"


async def test_a_refused_escalation_comes_back_as_a_message_and_reopens_the_form(  # type: ignore[no-untyped-def]
        make_app, desk_store: Store, staff: dict[str, Actor]) -> None:
    """Issue 24 "Workers": the escalation runs in a thread worker and its outcome comes back as a message (no
    call_from_thread): a refusal (no reason given) opens the form again with the reason for the refusal; a reason
    escalates the case and says so."""
    from textual.widgets import Input, Label

    from calldesk.screens.queue.dialogs import PromptDialog

    _queue(desk_store, staff)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        table: Any = app.screen.query_one(QueueTable)
        chosen = table.row_keys[table.cursor_row]
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        # (The form waits in a worker of its own: waiting for every worker would wait for the person.)
        first = app.screen
        await pilot.press("enter")  # no reason
        said: list[str] = []
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, PromptDialog) and app.screen is not first:
                said = [str(label.render()) for label in app.screen.query(Label)]
                break
        assert "Say why the case is escalated." in said, said  # refused: the form is back, saying why
        app.screen.query_one("#prompt", Input).value = "Parent not satisfied"
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if any("escalated" in n.message for n in app._notifications):
                break
        assert not isinstance(app.screen, PromptDialog)
        from calldesk.rules.escalation import escalation_step

        rung = escalation_step(app.desk.profile, 1)  # where it went, by name, and to whom
        assert rung is not None and any(n.message.startswith(f"Case {chosen} escalated to {rung.title}")
                                        for n in app._notifications), [n.message for n in app._notifications]
