"""The supervisor queue: open cases by their next deadline, the overdue ones first and in red."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.rules.profile import TIER_LABELS
from calldesk.rules.triage import format_due
from calldesk.screens.context import Desk
from calldesk.screens.failures import ReportsWorkerFailures

if TYPE_CHECKING:
    from calldesk.models import CasePublic

COLUMNS = ("Next deadline", "Case", "Tier", "Owner", "Category", "Caller", "Opened")


class QueueScreen(ReportsWorkerFailures, Screen[None]):
    """The base screen of the queue mode (read-only: cases are worked from their own screens)."""

    SUB_TITLE = "Supervisor queue"
    HELP = ("Every open case, the most urgent deadline first. Overdue cases are shown in red. "
            "Enter opens the case under the cursor. "
            "Press r to refresh, m for the monthly report, F3 to go back to the agent desk.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh_queue", "Refresh", id="queue.refresh", tooltip="Read the queue again"),
        Binding("m", "monthly_report", "Report", id="queue.report",
                tooltip="The monthly report and its charts (supervisors)"),
        Binding("enter", "open_case", "Open case", id="queue.open", tooltip="Open the case under the cursor"),
    ]

    class Loaded(Message):
        def __init__(self, cases: list[CasePublic]) -> None:
            super().__init__()
            self.cases = cases

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the queue...", id="queue-summary")
        table: DataTable[str | Text] = DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield Footer()

    def on_screen_resume(self) -> None:
        self.action_refresh_queue()

    def action_refresh_queue(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The report key is offered only to roles that may run reports (the service refuses the rest anyway).
        if action == "monthly_report" and self.desk.ready:
            from calldesk.rules.permissions import may

            return may(self.desk.actor.role, "report")
        return True

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_case()  # Enter on the table itself (it takes the key before the screen does)

    def action_open_case(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            from calldesk.screens.desk import open_case_screen

            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key:
                open_case_screen(self, key)

    def action_monthly_report(self) -> None:
        from calldesk.screens.reports import ReportScreen

        self.app.push_screen(ReportScreen(self.desk))

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from calldesk.store.queries import open_queue

        with self.desk.store.uow(readonly=True) as uow:
            cases = open_queue(uow.session)
        self.post_message(self.Loaded(cases))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        now = self.desk.now()
        calendar = calendar_for(self.desk.profile)
        table = self.query_one(DataTable)
        table.clear()
        overdue = 0
        for case in event.cases:
            late = case.next_deadline is not None and case.next_deadline < now
            overdue += late
            style = "bold red" if late else ""
            due = "no deadline"
            if case.next_deadline is not None:
                local = calendar.local(case.next_deadline)
                due = ("OVERDUE " if late else "") + format_due(local, with_time=True)
            table.add_row(Text(due, style=style), Text(case.case_number, style=style),
                          TIER_LABELS.get(case.tier or "", "Compliment"), case.owner_role.replace("_", " "),
                          Text(inert(case.category or "")), Text(inert(case.caller_name)),  # never markup
                          f"{calendar.local(case.opened_at):%d %b}",
                          key=case.case_number)
        self.query_one("#queue-summary", Static).update(f"{len(event.cases)} open cases, {overdue} overdue.")
