"""The supervisor's monthly report: counts, charts of call types, SLA outcomes and school trends, the chain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual_plotext import PlotextPlot

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
from calldesk.screens.context import Desk
from calldesk.screens.failures import ReportsWorkerFailures, as_refusal
from calldesk.widgets.inert_text import plain

if TYPE_CHECKING:
    from calldesk.store.reports import ReportRun

TRENDS_SHOWN = 6  # the busiest schools or departments drawn in the trend chart


class ReportScreen(ReportsWorkerFailures, Screen[None]):
    """The month's report as the CLI's `report monthly` gives it (the same service), with charts."""

    SUB_TITLE = "Monthly report"
    HELP = ("The month's reportable cases by type, category, channel, school or department, tier, source and "
            "SLA outcome, with charts; non-reportable matters are listed apart. Type a month (YYYY-MM) and "
            "press Enter; in the reporting chain, d marks the step under the cursor done (yours, now); Escape "
            "goes back to the queue.")
    DEFAULT_CSS = """
    ReportScreen #report-charts { height: 16; }
    ReportScreen PlotextPlot { width: 1fr; }
    ReportScreen #report-body { height: 1fr; }
    ReportScreen DataTable { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="report.back", tooltip="Back to the supervisor queue"),
        Binding("r", "rerun", "Run again", id="report.rerun", tooltip="Count the month again"),
        Binding("d", "mark_step", "Step done", id="report.step_done",
                tooltip="Mark the reporting-chain step under the cursor done, as yourself, now"),
    ]

    class Loaded(Message):
        def __init__(self, run: ReportRun) -> None:
            super().__init__()
            self.run = run

    def __init__(self, desk: Desk, month: str | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.month = month or previous_month(desk.today()).label
        self.steps: list[str] = []  # the chain's step ids, in the chain table's order

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(self.month, placeholder="YYYY-MM", id="report-month")
        yield Static("Counting...", id="report-summary", markup=False)
        with Horizontal(id="report-charts"):
            yield PlotextPlot(id="chart-types")
            yield PlotextPlot(id="chart-sla")
            yield PlotextPlot(id="chart-trends")
        with Horizontal(id="report-body"):
            counts: DataTable[str] = DataTable(id="report-counts", zebra_stripes=True)
            counts.add_columns("Dimension", "Key", "Count")
            yield counts
            with Vertical():
                routed: DataTable[str] = DataTable(id="report-not-reportable", zebra_stripes=True)
                routed.add_columns("Not reportable", "Category", "Routed to")
                yield routed
                chain: DataTable[str] = DataTable(id="report-chain", cursor_type="row")
                chain.add_columns("Due", "State", "Step")
                yield chain
        yield Footer()

    def on_mount(self) -> None:
        self.load(self.month)

    def action_rerun(self) -> None:
        self.load(self.query_one("#report-month", Input).value)

    def action_mark_step(self) -> None:
        table = self.query_one("#report-chain", DataTable)
        if table.row_count and self.steps:
            self.mark(self.query_one("#report-month", Input).value, self.steps[table.cursor_row])

    @work(thread=True, exclusive=True, exit_on_error=False)
    def mark(self, month: str, step: str) -> None:
        from calldesk.store.report_steps import mark_step

        try:
            with self.desk.store.uow() as uow:
                marked = mark_step(uow, actor=self.desk.actor, profile=self.desk.profile,
                                   period=month_period(month), step=step, now=self.desk.now())
        except Exception as exc:  # a refusal (not this person's step, already done) as one sentence
            self.app.call_from_thread(self.notify, as_refusal(exc).message, severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, f"{marked.step.label}: {marked.step.words}.", markup=False)
        self.load(month)

    @on(Input.Submitted, "#report-month")
    def _month_typed(self, event: Input.Submitted) -> None:
        self.load(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, month: str) -> None:
        from calldesk.store.reports import run_report

        try:
            period = month_period(month)
            with self.desk.store.uow() as uow:
                run = run_report(uow, actor=self.desk.actor, profile=self.desk.profile, period=period,
                                 now=self.desk.now())
        except Exception as exc:  # shown as one sentence under the month, the screen stays usable
            message = plain(as_refusal(exc).message)
            self.app.call_from_thread(self.query_one("#report-summary", Static).update, message)
            return
        self.post_message(self.Loaded(run))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        numbers = event.run.numbers
        run = event.run
        approved = f", approved by {run.approved_by}" if run.approved_by else ""
        changed = f"; {len(run.differences)} count(s) changed since approval" if run.differences else ""
        order = [f"Warning: {w}" for w in chain_warnings(self.desk.profile, self.desk.today())
                 if f"{month_period(numbers['period']).first:%B %Y}:" in w]
        self.query_one("#report-summary", Static).update(plain("\n".join([
            f"{numbers['period']}: {numbers['total']} reportable case(s); report {run.report_id} "
            f"{run.status}{approved}{changed}. {numbers['not_reportable']['total']} not reportable."
            + (f" Callbacks: {numbers['callbacks']['share']}." if numbers.get("callbacks") else ""),
            *order, *([f"Note: {run.footnote}"] if run.footnote else [])])))
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
        for step in run.chain:
            chain.add_row(f"{step.due:%a %d %b}", plain(step.words), plain(step.label))
        self._charts(numbers)

    def _charts(self, numbers: dict[str, Any]) -> None:
        types = every_call_type(numbers["counts"].get("call_type", {}))
        plot = self.query_one("#chart-types", PlotextPlot)
        plot.plt.clear_figure()
        plot.plt.bar([CALL_TYPE_LABELS[t] for t in types], list(types.values()))
        plot.plt.title("By call type")
        plot.refresh()
        sla = numbers["counts"].get("sla", {})
        plot = self.query_one("#chart-sla", PlotextPlot)
        plot.plt.clear_figure()
        plot.plt.bar([SLA_LABELS[o] for o in SLA_OUTCOMES], [int(sla.get(o, 0)) for o in SLA_OUTCOMES])
        plot.plt.title("SLA outcome")
        plot.refresh()
        trends = numbers["trends"]
        plot = self.query_one("#chart-trends", PlotextPlot)
        plot.plt.clear_figure()
        busiest = sorted(trends["places"].items(), key=lambda kv: -sum(kv[1]))[:TRENDS_SHOWN]
        for place, series in busiest:
            plot.plt.plot(list(range(1, len(series) + 1)), series, label=place[:20])
        plot.plt.xticks(list(range(1, len(trends["months"]) + 1)), trends["months"])
        plot.plt.title("Trend by school or department")
        plot.refresh()
