"""Find a case: by number, phone (typed any way), email, the start of any word of a caller's name, or a school."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.rules.shown import day_words
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.screens.held_keys import field_ready
from calldesk.widgets.typing import TypingInput

if TYPE_CHECKING:
    from calldesk.models import CasePublic
    from calldesk.screens.desk_state import Desk
    from calldesk.store.read.queries import EarlierCall


class FindCaseScreen(ReportsWorkerFailures, ModalScreen[str | None]):
    """Type and press Enter to search; Enter on a row (or down, then Enter) opens that case."""

    HELP = ("Find any case, open or closed: a case number (2026-000123), a phone number typed any way "
            "(213-555-0142 or 2135550142), an email, the start of any word of the caller's name (accents and capitals "
            "aside: \"lopez\" finds José López), or a school. "
            "Enter searches (the cursor stays in the box); Enter again opens the first case found, or down moves to "
            "the results and Enter opens one. "
            "Escape goes back.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="find.cancel"),
        Binding("down", "results", "Results", show=False, id="find.results"),
    ]

    class Found(Message):
        def __init__(self, cases: list[CasePublic] | list[EarlierCall]) -> None:
            super().__init__()
            self.cases = cases

    def __init__(self, desk: Desk, cases: list[CasePublic] | list[EarlierCall] | None = None, *,
                 title: str = "Find a case") -> None:
        """`cases`: show these at once (the caller's earlier calls) instead of waiting for a search."""
        super().__init__()
        self.desk = desk
        self.given = cases
        self.title_text = title
        self.searched: str | None = None  # the text of the results on show

    def on_mount(self) -> None:
        # The cursor in the box (or in the earlier calls given, shown now): the keys typed right after / (or
        # ctrl+o), held by the app, go there, in order.
        if self.given is not None:
            self._found(self.Found(self.given))
        field_ready(self, self.query_one(DataTable) if self.given else self.query_one("#find-text", Input))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="find-case") as box:
            box.border_title = self.title_text
            yield TypingInput(placeholder="number, phone, email, name or school", id="find-text")
            yield Static("Enter searches open and closed cases.", id="find-summary", classes="dialog-hint")
            table: DataTable[str | Text] = DataTable(id="find-results", cursor_type="row")
            table.add_columns("Case", "Status", "Opened", "Caller", "Type", "School")
            yield table

    @on(Input.Submitted, "#find-text")
    def _search(self, event: Input.Submitted) -> None:
        table = self.query_one(DataTable)
        if event.value == self.searched and table.row_count:  # Enter again: open the case under the cursor
            self.dismiss(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))
            return
        self.searched = event.value
        self.search(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def search(self, text: str) -> None:
        from calldesk.screens.case import store as case_store

        self.post_message(self.Found(case_store.find(self.desk, text)))

    @on(Found)
    def _found(self, event: Found) -> None:
        table = self.query_one(DataTable)
        table.clear()
        calendar, year = calendar_for(self.desk.profile), self.desk.today().year
        for case in event.cases:
            table.add_row(case.case_number, case.status.upper(),
                          day_words(calendar.local(case.opened_at).date(), this_year=year),
                          Text(inert(case.caller_name)), case.call_type, Text(inert(case.school or "")),
                          key=case.case_number)
        self.query_one("#find-summary", Static).update(
            f"{len(event.cases)} case(s) found; down then Enter opens one." if event.cases else "No case found.")
        # The cursor stays in the query box (typing on refines the search); down moves to the results. The
        # caller's earlier calls, given at once (ctrl+o during a call), are a pick: the cursor goes to them.
        if event.cases and self.given is not None and self.searched is None:
            table.focus()

    def action_results(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.dismiss(event.row_key.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
