"""Trends and coverage for supervisors: repeated issues by school and by department (the profile's trend rule),
and the callbacks and follow-ups of colleagues absent more than an open day."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Footer, Header, Static

from calldesk.rules.calendar import calendar_for
from calldesk.rules.shown import day_words
from calldesk.rules.triage import format_due
from calldesk.screens.read_screen import TableScreen, read_bindings
from calldesk.widgets.inert_text import plain

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.store.read.dashboard import CoverItem, Trend


class TrendsScreen(TableScreen["tuple[list[Trend], list[CoverItem]]"]):
    SUB_TITLE = "Trends and coverage"
    HELP = ("Top: schools and departments with repeated issues (at least the protocol's threshold of cases in its "
            "window). Below: open callbacks and follow-ups of staff absent more than a day, for their supervisor "
            "to cover (reassign them from the queue with a). r reads again; Escape goes back to the queue.")
    BINDINGS: ClassVar[list[BindingType]] = read_bindings("trends", "Read trends and coverage again")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Repeated issues", id="trends-title", markup=False)
        trends: DataTable[str] = DataTable(id="trends", zebra_stripes=True)
        trends.add_columns("Cases", "Where", "Kind", "Window")
        yield trends
        yield Static("Absent staff's work", id="cover-title", markup=False)
        cover: DataTable[str] = DataTable(id="cover", zebra_stripes=True)
        cover.add_columns("Due", "What", "Case", "Absent", "Since", "Supervisor")
        yield cover
        yield Footer()

    def read(self, session: Session) -> tuple[list[Trend], list[CoverItem]]:
        from calldesk.store.read.dashboard import coverage, trends

        found = trends(session, actor=self.desk.actor, profile=self.desk.profile, now=self.desk.now())
        return found, coverage(session, actor=self.desk.actor, profile=self.desk.profile, now=self.desk.now())

    def show(self, read: tuple[list[Trend], list[CoverItem]]) -> None:
        found, items = read
        calendar, year = calendar_for(self.desk.profile), self.desk.today().year
        table = self.query_one("#trends", DataTable)
        table.clear()
        for t in found:
            table.add_row(str(t.cases), plain(t.place), t.kind, f"{t.window_days} days")
        places = f"{len(found)} place{'s' if len(found) != 1 else ''}"
        self.query_one("#trends-title", Static).update(f"Repeated issues: {places}")
        cover = self.query_one("#cover", DataTable)
        cover.clear()
        for item in items:
            due = "-" if item.due is None else format_due(calendar.local(item.due), with_time=True, this_year=year)
            cover.add_row(due, plain(item.what), plain(item.case_number or f"callback {item.callback_id}"),
                          plain(item.absent), day_words(item.absent_since, this_year=year),
                          plain(item.supervisor or "-"))
        self.query_one("#cover-title", Static).update(f"Absent staff's work: {len(items)} items")
