"""The agent desk: who is signed in, and the way into a new call; on start it offers unsaved calls back."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from calldesk.rules.display import inert
from calldesk.screens.context import Desk
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.screens.resume import Draft, ResumeDraft


class DeskScreen(ReportsWorkerFailures, Screen[None]):
    """The base screen of the agent desk mode."""

    SUB_TITLE = "Agent desk"
    HELP = ("The agent desk. Start a new call with ctrl+n (or F2) from anywhere: the intake screen has the five "
            "tabs of the case record. Calls you leave unsaved are kept as drafts and offered back here (r); "
            "discard one you no longer need with d. ctrl+q quits.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "offer_drafts", "Unsaved calls", id="desk.drafts", tooltip="Resume a call you did not save"),
        Binding("b", "callbacks", "Callbacks", id="desk.callbacks", tooltip="Messages to call back"),
    ]

    class Connected(Message):
        """The store is open and the user signed in (posted by the app's connect worker)."""

    class DraftsFound(Message):
        def __init__(self, drafts: list[Draft]) -> None:
            super().__init__()
            self.drafts = drafts

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("Opening the store…", id="who")
            yield Static("", id="where")
            yield Static(f"Protocol: {self.desk.profile.title}", id="protocol")
            yield Static("Press [b]ctrl+n[/b] or [b]F2[/b] to take a call, [b]F1[/b] for help, "
                         "[b]ctrl+p[/b] for every command.", id="start-hint")
        yield Footer()

    def on_mount(self) -> None:
        if self.desk.ready:
            self.show_identity()
        self.action_offer_drafts()

    @on(Connected)
    def show_identity(self) -> None:
        """Who is signed in, against which store (known once the store is open)."""
        store, actor = self.desk.store, self.desk.actor
        self.query_one("#who", Static).update(
            f"Signed in as [b]{escape(inert(actor.username))}[/b] ({actor.role.replace('_', ' ')})")
        self.query_one("#where", Static).update(Text(inert(f"Store: {store.location} ({store.backend})")))

    def action_callbacks(self) -> None:
        from calldesk.screens.callbacks import CallbacksScreen
        self.app.push_screen(CallbacksScreen(self.desk))

    def action_offer_drafts(self) -> None:
        self.find_drafts()

    @work(thread=True, exclusive=True, group="drafts", exit_on_error=False)
    def find_drafts(self) -> None:
        from calldesk.store.drafts import drafts_of

        with self.desk.store.uow(readonly=True) as uow:
            found = drafts_of(uow.session, self.desk.actor.username)
        self.post_message(self.DraftsFound(found))

    @on(DraftsFound)
    def _offer(self, event: DraftsFound) -> None:
        if not event.drafts or self.app.screen is not self:
            return
        forms = dict(event.drafts)

        def resume(client_id: str | None) -> None:
            if client_id is not None:
                self.take_call(client_id=client_id, values=forms[client_id])

        self.app.push_screen(ResumeDraft(event.drafts, self.desk), resume)

    def take_call(self, *, client_id: str | None = None, values: dict[str, Any] | None = None) -> bool:
        """Open the intake screen: a new call, or a resumed draft (one call at a time). False if refused."""
        from calldesk.app import CalldeskApp

        assert isinstance(self.app, CalldeskApp)
        return self.app.start_call(client_id=client_id, values=values)
