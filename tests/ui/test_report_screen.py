"""The supervisor's monthly report screen: reached from the queue with m, counts and charts from the store."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import DataTable, Input, Static

from calldesk.models import CaseCreate
from calldesk.rules.profile import Profile
from calldesk.screens.reports import ReportScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import open_case
from calldesk.widgets.bar_chart import BarChart
from tests.ui.conftest import LA


async def _month_typed(pilot, app, month: str) -> str:  # type: ignore[no-untyped-def]
    """`month` typed in the report's month box and Enter pressed: the summary then shown."""
    app.screen.query_one("#report-month", Input).value = month
    await pilot.click("#report-month")
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return str(app.screen.query_one("#report-summary", Static).render())


async def test_the_queue_opens_the_monthly_report_with_its_charts(make_app, desk_store: Store, profile: Profile,
                                                                  staff: dict[str, Actor]) -> None:
    for day, call_type, category in [(5, "complaint", "Transportation"), (6, "inquiry", "Enrollment"),
                                     (7, "complaint", "Discrimination")]:
        with desk_store.uow() as uow:
            open_case(uow, actor=staff["agent"], profile=profile, data=CaseCreate(
                caller_name=f"Parent {day}", phone=f"(213) 555-01{day:02d}", call_type=call_type, category=category,
                claim="The caller's account.", school="Roosevelt High",
                opened_at=datetime(2026, 10, day, 10, tzinfo=LA)))
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("f4")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(app.screen.query_one("#report-summary", Static).render())
        assert "2026-10: 2 reportable case(s)" in summary and "1 not reportable" in summary  # discrimination
        assert "\nNote: " in summary and "\\x0a" not in summary  # the profile's note on a line of its own
        counts = app.screen.query_one("#report-counts", DataTable)
        rows = [tuple(str(c) for c in counts.get_row_at(i)) for i in range(counts.row_count)]
        assert ("Call type", "Complaint", "1") in rows and ("Category", "Discrimination", "1") not in rows
        assert len(app.screen.query(BarChart)) == 3
        # A month that is none: said, and no other month's figures stay under it.
        assert "2026-13" in await _month_typed(pilot, app, "2026-13")
        assert counts.row_count == 0 and all(not chart.bars for chart in app.screen.query(BarChart))
        # Another month typed in: counted again.
        assert "2026-09: 0 reportable case(s)" in await _month_typed(pilot, app, "2026-09")
        await pilot.press("escape")
        assert not isinstance(app.screen, ReportScreen)


async def test_the_report_key_is_not_offered_to_an_agent(make_app, agent: Actor) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "monthly_report" not in {b.binding.action for b in app.screen.active_bindings.values()
                                        if b.enabled}
        await pilot.press("m")
        await pilot.pause()
        assert not isinstance(app.screen, ReportScreen)


async def test_a_supervisor_marks_the_chain_step_under_the_cursor_done(make_app, desk_store: Store,
                                                                       staff: dict[str, Actor]) -> None:
    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("f4")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        chain = app.screen.query_one("#report-chain", DataTable)
        before = str(chain.get_row_at(0)[1])
        assert "done" not in before  # a draft report exists now, but no step is done until someone marks it
        chain.focus()
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(chain.get_row_at(0)[1]).startswith("done by sue on ")


async def test_a_month_typed_as_the_report_opens_lands_in_the_month_box(make_app, desk_store: Store,
                                                                         staff: dict[str, Actor]) -> None:
    """Keyboard only: m, then the month and Enter at once; then another month typed over the one shown (the focus
    was left to Textual's first focusable widget, the page's scroll: the keys went nowhere)."""
    from tests.ui.test_key_order import burst, typed

    app = make_app(actor=staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("m")
        burst(app, [*typed("2026-09"), "enter"])
        for _ in range(100):
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if isinstance(app.screen, ReportScreen) and "2026-09:" in _summary(app):
                break
        box = app.screen.query_one("#report-month", Input)
        assert box.value == "2026-09" and box.has_focus, _summary(app)
        assert "2026-09: 0 reportable case(s)" in _summary(app)
        await pilot.press(*"2026-08", "enter")  # typed over the month shown, not after it
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert box.value == "2026-08" and "2026-08: 0 reportable case(s)" in _summary(app)


def _summary(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#report-summary", Static).render())

