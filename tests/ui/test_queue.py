"""The supervisor queue under Pilot, on both backends: pages past the first, sort, filters, search, assign,
the agent's own view, and a case saved by another process appearing without a key press."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from calldesk.screens.queue.dialogs import AssigneeDialog, FilterDialog, SortDialog
from calldesk.screens.queue.screen import QueueScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.widgets.queue_table import QueueTable
from tests.integration.helpers import call


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _fill(store: Store, staff: dict[str, Actor], n: int) -> list[str]:
    numbers = []
    for i in range(n):
        by = staff["agent"] if i % 5 == 0 else staff["supervisor"]
        numbers.append(call(store, by, caller_name=f"Caller {i:02d}", phone=f"21355502{i:02d}",
                            call_type=("inquiry", "concern", "complaint")[i % 3],
                            category=("Enrollment", "Transportation")[i % 2],
                            claim=f"Bus {i} was late").case.case_number)
    return numbers


async def pick_assignee(app: Any, pilot: Any, who: str) -> None:
    """a, then `who` in the picker and Enter; waits for the assignment and the queue's reload."""
    await pilot.press("a")
    for _ in range(100):  # the picker waits for the staff to be read (its worker stays until a person is picked)
        if isinstance(app.screen, AssigneeDialog):
            break
        await pilot.pause(0.05)
    assert isinstance(app.screen, AssigneeDialog)
    options = app.screen.query_one(OptionList)
    options.highlighted = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == who)
    await pilot.press("enter")
    await _settle(app, pilot)
    await _settle(app, pilot)


async def _settle(app: object, pilot: object) -> None:
    await app.workers.wait_for_complete()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


def _numbers(app: object) -> list[str]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, QueueScreen) and screen.page is not None
    return [r.case_number for r in screen.page.rows]


def _summary(app: object) -> str:
    return str(app.screen.query_one("#queue-summary", Static).render())  # type: ignore[attr-defined]


def _taker(backend: str, staff: dict[str, Actor], role: str) -> str:
    """Whom the picker offers for `role`'s user: on PostgreSQL the fixture's staff have no login (no db grant), so
    only the admin, the store's owner login, can be given work (tests/ui/test_pickers_sign_in.py)."""
    return staff[role if backend == "sqlite" else "admin"].username


async def test_pages_sort_filter_search_and_assign(make_app, desk_store: Store, staff: dict[str, Actor],
                                                   backend: str) -> None:
    numbers = _fill(desk_store, staff, 30)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        first = _numbers(app)
        assert 5 <= len(first) < 30  # one screenful, not the whole queue
        assert app.screen.query_one(QueueTable).labels[0] == "SLA"
        assert "of 30" in _summary(app)
        await pilot.press("pagedown")
        await _settle(app, pilot)
        second = _numbers(app)
        assert second and not set(second) & set(first)  # the next page, past the first
        assert f"rows {len(first) + 1}-" in _summary(app)
        await pilot.press("end")
        await _settle(app, pilot)
        _numbers(app)
        assert app.screen.page.at_end and "-30 of 30" in _summary(app)
        await pilot.press("home")
        await _settle(app, pilot)
        assert _numbers(app) == first
        # Sort by case number, then the same column again: reversed.
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SortDialog)
        await pilot.press("down", "enter")  # "Case number" follows "Next deadline"
        await _settle(app, pilot)
        assert _numbers(app) == numbers[:len(first)]
        await pilot.press("s", "enter")
        await _settle(app, pilot)
        assert _numbers(app) == list(reversed(numbers))[:len(first)]
        # Filter: Transportation only.
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FilterDialog)
        dialog.query_one("#f-category", Input).value = "Transportation"
        dialog.query_one("#f-category", Input).focus()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert set(_numbers(app)) <= set(numbers[1::2]) and "of 15" in _summary(app)
        await pilot.press("x")
        await _settle(app, pilot)
        # Search the start of a caller's name.
        await pilot.press("slash")
        await pilot.press(*"caller 07", "enter")
        await _settle(app, pilot)
        assert _numbers(app) == [numbers[7]]
        # Escape in the search box closes it, the search as it was: x and f are the queue's keys again.
        await pilot.press("slash", *"caller 0", "escape")
        await _settle(app, pilot)
        assert not app.screen.query_one("#queue-search").display and _numbers(app) == [numbers[7]]
        # Assign the highlighted case: a person is picked from the staff (never typed and refused).
        sam, ana = _taker(backend, staff, "specialist"), _taker(backend, staff, "agent")
        await pick_assignee(app, pilot, sam)
        assert app.screen.page.rows[0].assigned_to == sam
        # Several at once: space marks rows; a assigns every marked case to one person in one step.
        await pilot.press("x")
        await _settle(app, pilot)
        first, second = (row.case_number for row in app.screen.page.rows[:2])
        await pilot.press("space", "down", "space")
        await pilot.pause()
        assert app.screen.marked == {first, second} and "2 marked" in _summary(app)
        await pick_assignee(app, pilot, ana)
        rows = {row.case_number: row for row in app.screen.page.rows}
        assert rows[first].assigned_to == rows[second].assigned_to == ana and not app.screen.marked


async def test_an_agent_sees_only_their_own_work(make_app, desk_store: Store, staff: dict[str, Actor]) -> None:
    numbers = _fill(desk_store, staff, 10)
    app = make_app(staff["agent"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        # The cases ana opened (0 and 5) and the inquiries routed to her, the agent at work (0, 3, 6, 9).
        mine = (0, 3, 5, 6, 9)
        assert sorted(_numbers(app)) == [numbers[i] for i in mine]
        assert _summary(app).startswith("your work")
        table = app.screen.query_one(QueueTable)
        callers = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}  # the caller: third
        assert callers == {f"Caller {i:02d}" for i in mine}  # no other caller's name reaches her screen
        await pilot.press("a")  # assigning is a supervisor's: not offered
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


async def test_a_case_saved_by_another_process_appears(make_app, desk_store: Store, staff: dict[str, Actor],
                                                       db_url: str) -> None:
    _fill(desk_store, staff, 2)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        assert len(_numbers(app)) == 2
        subprocess.run([sys.executable, "-m", "tests.integration.writer", db_url, "ana", "1"], check=True,
                       capture_output=True, timeout=60)
        for _ in range(50):  # within 5 seconds, without a key
            await asyncio.sleep(0.1)
            if len(app.screen.page.rows) == 3:
                break
        assert len(app.screen.page.rows) == 3


async def test_enter_opens_the_case_workspace(make_app, desk_store: Store, staff: dict[str, Actor]) -> None:
    from calldesk.screens.case.screen import CaseScreen

    numbers = _fill(desk_store, staff, 2)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_number in numbers


async def test_dashboard_and_trends_open_from_the_queue(make_app, desk_store: Store, staff: dict[str, Actor]) -> None:
    from calldesk.screens.dashboard import DashboardScreen
    from calldesk.screens.trends import TrendsScreen

    _fill(desk_store, staff, 3)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        await pilot.press("g")
        await _settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "open: 3" in str(app.screen.query_one("#dash-summary", Static).render())
        await pilot.press("escape", "t")
        await _settle(app, pilot)
        assert isinstance(app.screen, TrendsScreen)
        assert "Absent staff's work: 0 items" in str(app.screen.query_one("#cover-title", Static).render())


async def test_the_sla_state_and_number_stay_in_sight_when_columns_scroll(make_app, desk_store: Store,
                                                                          staff: dict[str, Actor]) -> None:
    numbers = _fill(desk_store, staff, 3)
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        table = app.screen.query_one(QueueTable)
        assert "Source" not in table.render_line(0).text  # the last column is past the 80th
        await pilot.press("right", "right", "right", "right", "right", "right")
        await pilot.pause()
        header, first = table.render_line(0).text, table.render_line(1).text
        assert header.startswith("SLA") and "Case" in header and "Source" in header  # scrolled, SLA kept
        assert any(word in first for word in ("BREACHED", "at risk", "on track")) and table.row_keys[0] in first
        assert table.row_keys[0] in numbers
        keys = str(app.screen.query_one("#queue-keys").render())
        assert "Open" in keys and "Search" in keys  # the footer line names the queue's keys


async def test_at_80_columns_the_queues_key_line_keeps_f1(make_app, desk_store: Store,  # type: ignore[no-untyped-def]
                                                          staff: dict[str, Actor]) -> None:
    """The line has room for some of the queue's keys; F1, which lists them all, is the one it never drops (it was
    the last, and the first to go at 80 columns)."""
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await _settle(app, pilot)
        keys = str(app.screen.query_one("#queue-keys").render())
        assert keys.startswith("⏎ Open") and keys.rstrip().endswith("f1 Help"), keys
        assert "Dashboard" not in keys  # (no room for every key: the line is not wider than the screen)
