"""A yes-or-no question before a step that cannot be taken back: y confirms; n, Escape or Enter on "No" do not."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class Confirm(ModalScreen[bool]):
    """`question` as the title, `line` under it; dismisses with True only for y or the Yes button."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, line: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.line, self.yes, self.no = question, line, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -warning") as box:
            box.border_title = self.question
            yield Static(self.line, classes="dialog-line", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.no} (n)", id="no", variant="primary")
                yield Button(f"{self.yes} (y)", id="yes")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # the default: Enter takes nothing back

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
