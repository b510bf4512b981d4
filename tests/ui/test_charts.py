"""Issue 23 item 13: the dashboard's and the monthly report's charts read at 120x36 and at 80x24: every bar on its
own line with its label and its number, no title cut, read from the text the screen draws. The report is approved
from its screen by a supervisor (asked first); an agent is not offered the key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from textual.containers import VerticalScroll

from calldesk.models import CaseCreate
from calldesk.rules.profile import Profile
from calldesk.screens.dashboard import DashboardScreen
from calldesk.screens.reports import ReportScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import open_case
from calldesk.widgets.bar_chart import BarChart
from tests.ui.conftest import LA

# October 2026 (the report's default month on Mon 23 Nov 2026, and inside the dashboard's 26 weeks).
CALLS = [(5, "complaint", "Transportation"), (6, "inquiry", "Enrollment"), (7, "complaint", "Transportation"),
         (8, "concern", "Enrollment")]


@pytest.fixture
def october(desk_store: Store, profile: Profile, staff: dict[str, Actor]) -> None:
    for day, call_type, category in CALLS:
        with desk_store.uow() as uow:
            open_case(uow, actor=staff["agent"], profile=profile, data=CaseCreate(
                caller_name=f"Parent {day}", phone=f"(213) 555-01{day:02d}", call_type=call_type, category=category,
                claim="The caller's account.", school="Roosevelt High",
                opened_at=datetime(2026, 10, day, 10, tzinfo=LA)))


def _region_text(app: Any, widget: Any) -> list[str]:
    """The lines the screen draws inside `widget`'s visible region."""
    strips = app.screen._compositor.render_strips()
    region = widget.region.intersection(app.screen.region)
    return [strips[y].text[region.x:region.right] for y in range(region.y, region.bottom)]


async def _drawn_lines(app: Any, pilot: Any, chart: Any) -> list[str]:
    """Every line of `chart` as the screen draws it, scrolling the page down it when it is taller than the screen
    (each line kept by its place in the chart, so none is counted twice)."""
    page = next(a for a in chart.ancestors if isinstance(a, VerticalScroll))
    seen: dict[int, str] = {}
    top = chart.virtual_region.y
    for _ in range(20):
        page.scroll_to(y=top, animate=False, immediate=True)
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
        region = chart.region.intersection(page.region)
        for y in range(region.y, region.bottom):
            seen[y - chart.region.y] = strips[y].text[region.x:region.right].strip()
        if len(seen) >= chart.region.height or page.scroll_y >= page.max_scroll_y:
            break
        top += max(1, region.height)
    return [seen[i] for i in sorted(seen)]


def _labelled(line: str, label: str) -> bool:
    """`line` starts with `label`, or with its start and an ellipsis when the label column is full."""
    shown = line.split("  ")[0].split(" █")[0].split(" ▏")[0]
    return line.startswith(label) or (shown.endswith("…") and len(shown) > 4 and label.startswith(shown[:-1]))


async def _read_every_chart(app: Any, pilot: Any) -> dict[str, list[str]]:
    """Each chart scrolled into view and read as drawn: its title's words and every bar's line are checked."""
    seen: dict[str, list[str]] = {}
    for chart in app.screen.query(BarChart):
        lines = await _drawn_lines(app, pilot, chart)
        assert len(lines) == chart.region.height, (chart.id, lines)  # the whole chart was read
        drawn = " ".join(lines)
        assert all(word in drawn for word in chart.title.split()), (chart.title, lines)  # the title whole
        for label, n in chart.bars:
            found = [line for line in lines if _labelled(line, label) and line.endswith(f" {n:,}")]
            assert len(found) == 1, (label, n, lines)  # labelled, with its number, on a line of its own
        seen[chart.id or ""] = lines
    return seen


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_dashboard_charts_label_every_bar(make_app, staff: dict[str, Actor], october: None,
                                                    size: tuple[int, int]) -> None:
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=size) as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        seen = await _read_every_chart(app, pilot)
    # By hand: 2 complaints, 1 inquiry, 1 concern; 2 Transportation, 2 Enrollment; all four still open.
    types = seen["dash-types"]
    assert any(line.startswith("Complaint") and line.endswith(" 2") for line in types), types
    assert any(line.startswith("Question/inquiry") and line.endswith(" 1") for line in types), types
    assert any(line.startswith("Transportation") and line.endswith(" 2") for line in seen["dash-categories"])
    # The week commencing Mon 5 Oct holds all four calls (Mon 5, Tue 6, Wed 7, Thu 8).
    assert any(line.startswith("w/c Mon 5 Oct") and line.endswith(" 4") for line in seen["dash-weeks"])


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_report_charts_label_every_bar_and_a_supervisor_approves_it(
        make_app, desk_store: Store, staff: dict[str, Actor], october: None, size: tuple[int, int]) -> None:
    from calldesk.models import Report
    from calldesk.screens.confirm import Confirm

    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=size) as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        seen = await _read_every_chart(app, pilot)
        # By hand: 2 complaints, 1 concern, 1 inquiry, no compliment (shown as 0); the trend's October bar for
        # Roosevelt High counts all four.
        types = seen["chart-types"]
        assert any(line.startswith("Compliment") and line.endswith(" 0") for line in types), types
        assert any(line.startswith("Complaint") and line.endswith(" 2") for line in types), types
        assert any(line.startswith("2026-10 Roosevelt") and line.endswith(" 4") for line in seen["chart-trends"])
        counts = app.screen.query_one("#report-counts")
        counts.scroll_visible(animate=False, top=True)
        await pilot.pause()
        header = _region_text(app, counts)[0]
        assert all(word in header for word in ("Dimension", "Key", "Count")), header  # the table's header whole

        await pilot.press("a")  # approve: asked first; n leaves it a draft
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        with desk_store.uow(readonly=True) as uow:
            assert uow.session.get(Report, app.screen.run.report_id).status == "draft"  # type: ignore[union-attr]
        await pilot.press("a", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        run = app.screen.run
        assert run is not None and run.status == "approved" and run.approved_by == staff["supervisor"].username
        assert f"approved by {run.approved_by}" in str(app.screen.query_one("#report-summary").render())
        await pilot.press("a")  # a second time: said, nothing asked
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
    with desk_store.uow(readonly=True) as uow:
        stored = uow.session.get(Report, run.report_id)
        assert stored is not None and stored.status == "approved" and stored.approved_by == run.approved_by


async def test_the_approve_key_is_not_offered_to_an_admin(make_app, desk_store: Store, staff: dict[str, Actor]) -> None:
    """Admins run reports but do not approve them (permissions: approve_report is the supervisor's)."""
    from tests.conftest import add_user

    app = make_app(actor=add_user(desk_store, staff["admin"], "ada", "admin"))
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(ReportScreen(app.desk))
        await app.workers.wait_for_complete()
        await pilot.pause()
        offered = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert "mark_step" in offered and "approve" not in offered
