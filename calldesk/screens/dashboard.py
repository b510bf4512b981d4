"""The supervisors' dashboard: volumes by week, category and type, SLA compliance and the backlog's age, as
text bar charts over figures the store aggregates in SQL: every bar labelled with its number, at 80x24 too."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Footer, Header, Static

from calldesk.rules.reporting import CALL_TYPE_LABELS
from calldesk.rules.shown import day_words
from calldesk.screens.read_screen import ReadScreen, read_bindings
from calldesk.widgets.bar_chart import BarChart

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.store.read.dashboard import Dashboard

# The short charts first (what reads at a glance), the 26 weeks last: at 120x36 the first row fits whole.
CHARTS = (("types", "By type"), ("backlog", "Open backlog by age"), ("categories", "By category"),
          ("weeks", "Opened per week"))
WEEKS = 26


class DashboardScreen(ReadScreen["Dashboard"]):
    SUB_TITLE = "Dashboard"
    HELP = ("The last 26 weeks: cases opened per week, by category and by type; SLA compliance (cases closed by "
            "their resolution deadline); the open backlog by age. Every bar carries its label and number; the "
            "charts scroll (arrows, page up/down) when the terminal is small. r counts again; Escape goes back to "
            "the queue.")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    DEFAULT_CSS = """
    DashboardScreen #dash-summary { height: auto; padding: 0 1; }
    DashboardScreen #dash-charts { height: 1fr; }
    DashboardScreen Grid { grid-size: 2; grid-rows: auto; grid-gutter: 1 2; height: auto; }
    DashboardScreen.-narrow Grid { grid-size: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = read_bindings("dashboard", "Read the figures again", action="recount",
                                                          description="Count again")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Counting...", id="dash-summary", markup=False)
        with VerticalScroll(id="dash-charts"), Grid():
            for name, title in CHARTS:
                yield BarChart(title, id=f"dash-{name}")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dash-charts").focus()  # then ReadScreen's on_mount (Textual calls both) counts

    def action_recount(self) -> None:
        self.action_reload()

    def read(self, session: Session) -> Dashboard:
        from calldesk.store.read.dashboard import dashboard

        return dashboard(session, actor=self.desk.actor, profile=self.desk.profile, now=self.desk.now())

    def show(self, f: Dashboard) -> None:
        compliance = "no case closed yet" if f.compliance is None else f"{f.compliance:.0%} closed on time"
        self.query_one("#dash-summary", Static).update(
            f"SLA compliance: {compliance} ({f.closed_on_time:,} of {f.closed:,}); open: {f.open_total:,}, "
            f"breached now: {f.open_breached:,}.")
        today = self.desk.today()
        this_monday = today - timedelta(days=today.weekday())
        counted = {monday: 0 for monday in (this_monday - timedelta(weeks=k) for k in range(WEEKS))}
        counted.update(f.weeks)  # a week with no call is a bar of 0, not a gap
        weeks = [(f"w/c {day_words(d, this_year=today.year)}", n) for d, n in sorted(counted.items())]
        self.query_one("#dash-weeks", BarChart).show(weeks)
        self.query_one("#dash-categories", BarChart).show(f.by_category)
        self.query_one("#dash-types", BarChart).show([(CALL_TYPE_LABELS.get(t, t), n) for t, n in f.by_type])
        self.query_one("#dash-backlog", BarChart).show(f.backlog)
