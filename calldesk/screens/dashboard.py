"""The supervisors' dashboard: volumes by week, category and type, SLA compliance and the backlog's age, as
terminal charts over figures the store aggregates in SQL (the numbers are written out too, for NO_COLOR)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual_plotext import PlotextPlot

from calldesk.rules.display import inert
from calldesk.screens.context import Desk
from calldesk.screens.failures import ReportsWorkerFailures

if TYPE_CHECKING:
    from calldesk.store.dashboard import Dashboard


class DashboardScreen(ReportsWorkerFailures, Screen[None]):
    SUB_TITLE = "Dashboard"
    HELP = ("The last 26 weeks: cases opened per week, by category and by type; SLA compliance (cases closed by "
            "their resolution deadline); the open backlog by age. r counts again; Escape goes back to the queue.")
    DEFAULT_CSS = """
    DashboardScreen #dash-summary { height: auto; }
    DashboardScreen Grid { grid-size: 2 2; height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="dashboard.back", tooltip="Back to the supervisor queue"),
        Binding("r", "recount", "Count again", id="dashboard.recount", tooltip="Read the figures again"),
    ]

    class Loaded(Message):
        def __init__(self, figures: Dashboard) -> None:
            super().__init__()
            self.figures = figures

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Counting...", id="dash-summary", markup=False)
        with Grid():
            for name in ("weeks", "categories", "types", "backlog"):
                yield PlotextPlot(id=f"dash-{name}")
        yield Footer()

    def on_mount(self) -> None:
        self.action_recount()

    def action_recount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from calldesk.store.dashboard import dashboard

        with self.desk.store.uow(readonly=True) as uow:
            figures = dashboard(uow.session, actor=self.desk.actor, profile=self.desk.profile, now=self.desk.now())
        self.post_message(self.Loaded(figures))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        f = event.figures
        compliance = "no case closed yet" if f.compliance is None else f"{f.compliance:.0%} closed on time"
        self.query_one("#dash-summary", Static).update(
            f"SLA compliance: {compliance} ({f.closed_on_time:,} of {f.closed:,}); open: {f.open_total:,}, "
            f"breached now: {f.open_breached:,}. Backlog: "
            + ", ".join(f"{label} {n:,}" for label, n in f.backlog))
        self._bars("weeks", [f"{d:%d %b}" for d, _ in f.weeks], [n for _, n in f.weeks], "Opened per week")
        self._bars("categories", [inert(c)[:14] for c, _ in f.by_category], [n for _, n in f.by_category],
                   "By category")
        self._bars("types", [t for t, _ in f.by_type], [n for _, n in f.by_type], "By type")
        self._bars("backlog", [label for label, _ in f.backlog], [n for _, n in f.backlog], "Open backlog by age")

    def _bars(self, name: str, labels: list[str], values: list[int], title: str) -> None:
        plot = self.query_one(f"#dash-{name}", PlotextPlot)
        plot.plt.clear_figure()
        if labels:
            plot.plt.bar(labels, values)
        plot.plt.title(title)
        plot.refresh()
