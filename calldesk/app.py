"""The Textual app: modes, bindings, command palette. Wiring only."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from calldesk.store.store import Store
from calldesk.store.users import Actor


class CalldeskApp(App[None]):
    """The call desk."""

    TITLE = "calldesk"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, id="app.quit_ctrl"),
    ]

    def __init__(self, store: Store, actor: Actor) -> None:
        super().__init__()
        self.store = store
        self.actor = actor

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(f"Signed in as [b]{self.actor.username}[/b] ({self.actor.role})", id="who")
            yield Static(f"Store: {self.store.location} ({self.store.backend})", id="where")
            yield Static(f"Protocol: {self.store.protocol}", id="protocol")
        yield Footer()


def run_desk(store: Store) -> None:
    """Open the desk for the signed-in user (refused with UnknownUser if they may not sign in)."""
    CalldeskApp(store, store.actor()).run()
