"""A student's FERPA record on screen: consents, requests and disclosures, as printed for a parent."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static
from textual.worker import Worker

from calldesk.errors import CalldeskError
from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.screens.desk_state import Desk
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.screens.held_keys import field_ready


class FerpaRecordScreen(ReportsWorkerFailures, ModalScreen[None]):
    """The same text `calldesk student record ID` prints; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_record", "Close", id="ferpa.close")]
    DEFAULT_CSS = """
    FerpaRecordScreen { align: center middle; }
    FerpaRecordScreen > VerticalScroll { width: 100%; height: 1fr; border: round $accent; padding: 0 1; }
    """

    class Loaded(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, desk: Desk, student_ref: str) -> None:
        super().__init__()
        self.desk, self.student_ref = desk, student_ref

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = f"FERPA record: student {self.student_ref}"
            yield Static("Loading...", id="ferpa-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        field_ready(self)  # keys typed while it opened (Escape) act here
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        from calldesk.rules.ferpa import record_text
        from calldesk.store.services.confidentiality import student_record

        with self.desk.store.uow(readonly=True) as uow:
            record = student_record(uow, actor=self.desk.actor, student_ref=self.student_ref)
        self.post_message(self.Loaded(record_text(record, tz=calendar_for(self.desk.profile).tz,
                                                  today=self.desk.today())))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        self.query_one("#ferpa-text", Static).update(inert(event.text))

    def show_failure(self, worker: Worker[Any], refusal: CalldeskError) -> None:
        """A refusal (no such student, not allowed) is shown in the record's place."""
        self.query_one("#ferpa-text", Static).update(inert(refusal.message))

    def action_dismiss_record(self) -> None:
        self.dismiss(None)
