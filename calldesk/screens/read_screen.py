"""The supervisors' read-only screens (caller log, reviews, trends, dashboard): what they show is read in a thread
worker when the screen opens and again on r, comes back to the screen as a `Loaded` message, and is drawn there;
Escape goes back to the queue. A failed read is said once, by `ReportsWorkerFailures`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen

from calldesk.screens.failures import ReportsWorkerFailures

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.screens.desk_state import Desk

Read = TypeVar("Read")


def read_bindings(prefix: str, tooltip: str, *, action: str = "reload",
                  description: str = "Read again") -> list[BindingType]:
    """Escape back to the queue and r to read again, with the ids `<prefix>.back` and `<prefix>.<action>`."""
    return [
        Binding("escape", "app.pop_screen", "Back", id=f"{prefix}.back", tooltip="Back to the supervisor queue"),
        Binding("r", action, description, id=f"{prefix}.{action}", tooltip=tooltip),
    ]


class ReadScreen(ReportsWorkerFailures, Screen[None], Generic[Read]):
    """A screen says what it reads (`read`, run in the worker with a read-only session) and how it shows it
    (`show`, on the app's thread)."""

    class Loaded(Message):
        def __init__(self, read: Any) -> None:
            super().__init__()
            self.read = read

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.desk.store.uow(readonly=True) as uow:
            read = self.read(uow.session)
        self.post_message(self.Loaded(read))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.show(cast(Read, event.read))

    def read(self, session: Session) -> Read:
        raise NotImplementedError

    def show(self, read: Read) -> None:
        raise NotImplementedError


class TableScreen(ReadScreen[Read]):
    """A read-only screen of tables under one-line titles: the tables take the height left."""

    DEFAULT_CSS = """
    TableScreen DataTable { height: 1fr; }
    TableScreen Static { height: 1; }
    """
