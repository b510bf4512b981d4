"""The caller log for supervisors: every call the phone system reported, per queue and agent, newest first, with
its ring, answer and hang-up, why it ended, and the callback or case it became."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Footer, Header, Static

from calldesk.rules.phone import LOG_COLUMNS, log_fields
from calldesk.screens.read_screen import TableScreen, read_bindings
from calldesk.widgets.inert_text import plain

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.rules.phone import CallLine

DAYS = 7  # how far back the screen reads


class PhoneLogScreen(TableScreen["list[CallLine]"]):
    SUB_TITLE = "Caller log"
    HELP = ("The calls of the last week as the phone system reported them: direction, number, queue, agent, when "
            "it rang, was answered and hung up, why it ended (missed: nobody answered; it became a callback). "
            "r reads again; Escape goes back to the queue.")
    BINDINGS: ClassVar[list[BindingType]] = read_bindings("phone_log", "Read the caller log again")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Caller log", id="phone-log-title", markup=False)
        table: DataTable[str] = DataTable(id="phone-log", zebra_stripes=True, cursor_type="row")
        table.add_columns(*(c.replace("_", " ").capitalize() for c in LOG_COLUMNS))
        yield table
        yield Footer()

    def read(self, session: Session) -> list[CallLine]:
        from calldesk.store.services.phone import phone_log

        return phone_log(session, viewer=self.desk.actor, since=self.desk.now() - timedelta(days=DAYS))

    def show(self, read: list[CallLine]) -> None:
        table = self.query_one("#phone-log", DataTable)
        table.clear()
        for line in read:
            fields = log_fields(line, self.desk.profile, today=self.desk.today())
            table.add_row(*(plain(str(fields[c])) for c in LOG_COLUMNS))
        missed = sum(1 for line in read if line.missed)
        self.query_one("#phone-log-title", Static).update(
            f"Caller log, last {DAYS} days: {len(read)} calls, {missed} missed")
