"""The supervisor's monthly report: counts, charts of call types, SLA outcomes and school trends, the chain, and
the supervisor's approval (a freezes the numbers, as `calldesk report approve` does)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.widgets.input import Selection
from textual.worker import Worker

from calldesk.errors import CalldeskError
from calldesk.rules.reporting import (
    CALL_TYPE_LABELS,
    DIMENSION_LABELS,
    DIMENSIONS,
    SLA_LABELS,
    SLA_OUTCOMES,
    chain_warnings,
    every_call_type,
    month_period,
    previous_month,
)
from calldesk.rules.shown import day_words
from calldesk.screens.desk_state import Desk
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.screens.held_keys import field_ready
from calldesk.widgets.bar_chart import BarChart
from calldesk.widgets.inert_text import plain

if TYPE_CHECKING:
    from calldesk.store.services.reports import ReportRun

TRENDS_SHOWN = 4  # the busiest schools or departments in the trend chart, one bar a month each


class MonthBox(Input):
    """The month box: it takes digits and "-" (a month, YYYY-MM); a letter typed in it is the screen's key (r runs
    again, a approves, d marks a step), as with the cursor anywhere else on the page."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and (character.isdigit() or character == "-")


class ReportScreen(ReportsWorkerFailures, Screen[None]):
    """The month's report as the CLI's `report monthly` gives it (the same service), with charts."""

    SUB_TITLE = "Monthly report"
    HELP = ("The month's reportable cases by type, category, channel, school or department, tier, source and "
            "SLA outcome, with charts (every bar labelled with its number); non-reportable matters are listed "
            "apart. Type a month (YYYY-MM) and press Enter; a approves the report (supervisors: its numbers are "
            "frozen, later runs show what changed); in the reporting chain, d marks the step under the cursor "
            "done (yours, now); the page scrolls when the terminal is small; Escape goes back to the queue.")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    DEFAULT_CSS = """
    ReportScreen #report-page { height: 1fr; }
    ReportScreen #report-summary { height: auto; padding: 0 1; }
    ReportScreen #report-charts { grid-size: 2; grid-rows: auto; grid-gutter: 1 2; height: auto; }
    ReportScreen #report-tables { grid-size: 2; grid-rows: auto; grid-gutter: 0 1; height: auto; }
    ReportScreen.-narrow #report-charts, ReportScreen.-narrow #report-tables { grid-size: 1; }
    ReportScreen DataTable { height: auto; max-height: 30; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="report.back", tooltip="Back to the supervisor queue"),
        # Priority (and the month box leaves letters to them): they act with the cursor in the month box too.
        Binding("r", "rerun", "Run again", priority=True, id="report.rerun", tooltip="Count the month again"),
        Binding("a", "approve", "Approve", priority=True, id="report.approve",
                tooltip="Approve the report: its numbers are frozen (supervisors; asks first)"),
        Binding("d", "mark_step", "Step done", priority=True, id="report.step_done",
                tooltip="Mark the reporting-chain step under the cursor done, as yourself, now"),
    ]

    class Loaded(Message):
        def __init__(self, run: ReportRun) -> None:
            super().__init__()
            self.run = run

    class Done(Message):
        """A change was saved (a step marked, the report approved): said to the person, the month read again."""

        def __init__(self, said: str, month: str) -> None:
            super().__init__()
            self.said, self.month = said, month

    def __init__(self, desk: Desk, month: str | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.month = month or previous_month(desk.today()).label
        self.steps: list[str] = []  # the chain's step ids, in the chain table's order
        self.run: ReportRun | None = None  # the report on screen

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="report-page"):
            yield MonthBox(self.month, placeholder="YYYY-MM", id="report-month", restrict=r"[0-9-]*")
            yield Static("Counting...", id="report-summary", markup=False)
            with Grid(id="report-charts"):
                yield BarChart("By call type", id="chart-types")
                yield BarChart("SLA outcome", id="chart-sla")
                yield BarChart("Trend by school or department", id="chart-trends")
            with Grid(id="report-tables"):
                counts: DataTable[str] = DataTable(id="report-counts", zebra_stripes=True)
                counts.add_columns("Dimension", "Key", "Count")
                yield counts
                routed: DataTable[str] = DataTable(id="report-not-reportable", zebra_stripes=True)
                routed.add_columns("Not reportable", "Category", "Routed to")
                yield routed
                chain: DataTable[str] = DataTable(id="report-chain", cursor_type="row")
                chain.add_columns("Due", "State", "Step")
                yield chain
        yield Footer()

    def on_mount(self) -> None:
        # The cursor in the month box, now: it was left to Textual's first focusable widget, the page's scroll, so
        # a month typed went nowhere. The keys typed while the screen came up (held by the app) go there next.
        field_ready(self, self.query_one("#report-month", Input))
        self.load(self.month)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "approve":  # offered to those who may approve (the service checks again)
            return self.desk.actor.may("approve_report")
        return True

    def action_rerun(self) -> None:
        self.load(self.query_one("#report-month", Input).value)

    def action_mark_step(self) -> None:
        table = self.query_one("#report-chain", DataTable)
        if table.row_count and self.steps:
            self.mark(self.query_one("#report-month", Input).value, self.steps[table.cursor_row])

    @work(thread=True, exclusive=True, group="report-write", exit_on_error=False)
    def mark(self, month: str, step: str) -> None:
        from calldesk.store.services.report_steps import mark_step

        with self.desk.store.uow() as uow:
            marked = mark_step(uow, actor=self.desk.actor, profile=self.desk.profile,
                               period=month_period(month), step=step, now=self.desk.now())
        self.post_message(self.Done(f"{marked.step.label}: {marked.step.words}.", month))

    def action_approve(self) -> None:
        run = self.run
        if run is None:
            self.notify("No report on screen yet.", severity="warning")
            return
        if run.status == "approved":
            self.notify(f"Report {run.report_id} is already approved by {run.approved_by}.", markup=False)
            return
        period = str(run.numbers["period"])

        def answered(yes: bool | None) -> None:
            if yes:
                self.approve(run.report_id, period)

        from calldesk.screens.confirm import Confirm

        self.app.push_screen(Confirm(f"Approve report {run.report_id} ({period})?",
                                     f"{run.numbers['total']} reportable case(s). Approved, its numbers are frozen: "
                                     "later runs show what changed since.", yes="Approve", no="Not yet"), answered)

    @work(thread=True, exclusive=True, group="report-write", exit_on_error=False)
    def approve(self, report_id: int, month: str) -> None:
        from calldesk.store.services.reports import approve_report

        with self.desk.store.uow() as uow:
            run = approve_report(uow, actor=self.desk.actor, profile=self.desk.profile, report_id=report_id,
                                 now=self.desk.now())
        self.post_message(self.Done(f"Report {run.report_id} approved by {run.approved_by}; its numbers are "
                                    "frozen.", month))

    @on(Done)
    def _done(self, event: Done) -> None:
        self.notify(event.said, markup=False)
        self.load(event.month)

    @on(Input.Submitted, "#report-month")
    def _month_typed(self, event: Input.Submitted) -> None:
        self.load(event.value)

    @work(thread=True, exclusive=True, group="report-read", exit_on_error=False)
    def load(self, month: str) -> None:
        from calldesk.store.services.reports import run_report

        period = month_period(month)
        with self.desk.store.uow() as uow:
            run = run_report(uow, actor=self.desk.actor, profile=self.desk.profile, period=period,
                             now=self.desk.now())
        self.post_message(self.Loaded(run))

    def show_failure(self, worker: Worker[Any], refusal: CalldeskError) -> None:
        if worker.group == "report-read":  # shown as one sentence under the month, the screen stays usable
            self.run = None
            self.query_one("#report-summary", Static).update(plain(refusal.message))
            for table in self.query(DataTable):  # no other month's figures under the refusal
                table.clear()
            for chart in self.query(BarChart):
                chart.show([])
            return
        super().show_failure(worker, refusal)

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        numbers = event.run.numbers
        run = self.run = event.run
        box = self.query_one("#report-month", Input)
        if box.has_focus and box.value == numbers["period"]:  # the month shown: the next month typed replaces it
            box.selection = Selection(0, len(box.value))
        approved = f", approved by {run.approved_by}" if run.approved_by else ""
        changed = f"; {len(run.differences)} count(s) changed since approval" if run.differences else ""
        order = [f"Warning: {w}" for w in chain_warnings(self.desk.profile, self.desk.today())
                 if f"{month_period(numbers['period']).first:%B %Y}:" in w]
        self.query_one("#report-summary", Static).update(Text("\n").join(plain(line) for line in [  # a line each
            f"{numbers['period']}: {numbers['total']} reportable case(s); report {run.report_id} "
            f"{run.status}{approved}{changed}. {numbers['not_reportable']['total']} not reportable."
            + (f" Callbacks: {numbers['callbacks']['share']}." if numbers.get("callbacks") else ""),
            *order, *([f"Note: {run.footnote}"] if run.footnote else [])]))
        counts = self.query_one("#report-counts", DataTable)
        counts.clear()
        for dimension in DIMENSIONS:
            for key, n in numbers["counts"].get(dimension, {}).items():
                label = {"call_type": CALL_TYPE_LABELS, "sla": SLA_LABELS}.get(dimension, {}).get(key, key)
                counts.add_row(DIMENSION_LABELS[dimension], plain(label), str(n))
        routed = self.query_one("#report-not-reportable", DataTable)
        routed.clear()
        for case in numbers["not_reportable"]["cases"]:
            routed.add_row(plain(case["case"]), plain(case["category"]), plain(case["route_to"]))
        chain = self.query_one("#report-chain", DataTable)
        chain.clear()
        self.steps = [step.step for step in run.chain]
        year = self.desk.today().year
        for step in run.chain:
            chain.add_row(day_words(step.due, this_year=year), plain(step.words), plain(step.label))
        self._charts(numbers)

    def _charts(self, numbers: dict[str, Any]) -> None:
        types = every_call_type(numbers["counts"].get("call_type", {}))
        self.query_one("#chart-types", BarChart).show([(CALL_TYPE_LABELS[t], n) for t, n in types.items()])
        sla = numbers["counts"].get("sla", {})
        self.query_one("#chart-sla", BarChart).show([(SLA_LABELS[o], int(sla.get(o, 0))) for o in SLA_OUTCOMES])
        trends = numbers["trends"]
        busiest = sorted(trends["places"].items(), key=lambda kv: -sum(kv[1]))[:TRENDS_SHOWN]
        self.query_one("#chart-trends", BarChart).show(
            [(f"{month} {place}", n) for place, series in busiest for month, n in zip(trends["months"], series,
                                                                                       strict=True)],
            f"Trend by school or department (the busiest {len(busiest)}, by month)" if busiest else None)
