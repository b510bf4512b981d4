"""The caller log for supervisors: every call the phone system reported, per queue and agent, newest first, with
its ring, answer and hang-up, why it ended, and the callback or case it became."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from calldesk.rules.phone import LOG_COLUMNS, log_fields
from calldesk.screens.context import Desk
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.widgets.inert_text import plain

if TYPE_CHECKING:
    from calldesk.rules.phone import CallLine

DAYS = 7  # how far back the screen reads


class PhoneLogScreen(ReportsWorkerFailures, Screen[None]):
    SUB_TITLE = "Caller log"
    HELP = ("The calls of the last week as the phone system reported them: direction, number, queue, agent, when "
            "it rang, was answered and hung up, why it ended (missed: nobody answered; it became a callback). "
            "r reads again; Escape goes back to the queue.")
    DEFAULT_CSS = """
    PhoneLogScreen DataTable { height: 1fr; }
    PhoneLogScreen Static { height: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="phone_log.back", tooltip="Back to the supervisor queue"),
        Binding("r", "reload", "Read again", id="phone_log.reload", tooltip="Read the caller log again"),
    ]

    class Loaded(Message):
        def __init__(self, lines: list[CallLine]) -> None:
            super().__init__()
            self.lines = lines

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Caller log", id="phone-log-title", markup=False)
        table: DataTable[str] = DataTable(id="phone-log", zebra_stripes=True, cursor_type="row")
        table.add_columns(*(c.replace("_", " ").capitalize() for c in LOG_COLUMNS))
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from calldesk.store.phone import phone_log

        with self.desk.store.uow(readonly=True) as uow:
            lines = phone_log(uow.session, viewer=self.desk.actor, since=self.desk.now() - timedelta(days=DAYS))
        self.post_message(self.Loaded(lines))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        table = self.query_one("#phone-log", DataTable)
        table.clear()
        for line in event.lines:
            fields = log_fields(line, self.desk.profile)
            table.add_row(*(plain(str(fields[c])) for c in LOG_COLUMNS))
        missed = sum(1 for line in event.lines if line.missed)
        self.query_one("#phone-log-title", Static).update(
            f"Caller log, last {DAYS} days: {len(event.lines)} calls, {missed} missed")
