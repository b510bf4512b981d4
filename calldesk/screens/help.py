"""F1: help for the screen in front of the agent: what it is for, and every key it answers to."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from calldesk.widgets.commands import commands_of


class HelpScreen(ModalScreen[None]):
    """Built from the screen's HELP text and its bindings (the same list the palette uses)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.title_text = screen.sub_title or screen.title or type(screen).__name__
        self.help_text = type(screen).HELP or "No help has been written for this screen yet."
        self.keys = [(" / ".join(c.keys), c.title, c.help) for c in commands_of(screen)]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", expand=True)
        table.add_column("Keys", no_wrap=True)
        table.add_column("Does")
        for keys, title, help_text in self.keys:
            table.add_row(keys, help_text if help_text != title else title)
        with Vertical(id="help", classes="dialog") as box:
            box.border_title = f"Help: {self.title_text}"
            with VerticalScroll():
                yield Static(self.help_text, classes="dialog-line", markup=False)
                yield Static(table, id="help-keys")
            yield Static("Escape closes. ctrl+p searches every command.", classes="dialog-hint")
