"""ctrl+q during a call with changes not saved to the case: ask first (the default is to stay on the call)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class QuitCall(ModalScreen[bool]):
    """True quits (what is typed is kept as a draft first); Escape, n or Enter on "Stay" keeps the call."""

    HELP = ("The call on screen has changes not saved to its case. Quitting keeps them as a draft, offered back "
            "at the next start; staying keeps the call on screen.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, quit", id="quit_call.quit"),
        Binding("n,escape", "answer(False)", "No, stay on the call", id="quit_call.stay"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-call", classes="dialog -warning") as box:
            box.border_title = "Quit calldesk during a call?"
            yield Static(f"{self.what} What you typed is kept as a draft and offered back when you start calldesk.",
                         classes="dialog-line", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("No, stay on the call (n)", id="stay", variant="primary")
                yield Button("Yes, quit (y)", id="quit")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()  # the default: Enter stays

    def action_answer(self, quit_: bool) -> None:
        self.dismiss(quit_)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "quit")
