"""Suspected child abuse: the guidance shown the moment a call is marked (F9 / ctrl+b on a call)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from calldesk.rules.abuse import AbuseGuidance


class AbuseGuidanceScreen(ModalScreen[None]):
    """The hotline, the form and its deadline, and "do not document here" (from the profile)."""

    HELP = ("Report suspected child abuse by phone now and on the state form within its deadline. "
            "Nothing about it is written in calldesk: the call's narrative boxes are emptied and locked.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "I understand", id="abuse.close"),
    ]

    def __init__(self, guidance: AbuseGuidance) -> None:
        super().__init__()
        self.guidance = guidance

    def compose(self) -> ComposeResult:
        g = self.guidance
        form_name = getattr(g, "form_name", "")  # the profile's name for the form, when it gives one
        form = f"{form_name} (form {g.form})" if form_name else g.form
        with Vertical(id="abuse-guidance", classes="dialog -danger") as box:
            box.border_title = "Suspected child abuse"
            # Profile text is data, never markup: lines are assembled, not parsed.
            yield Static(Text.assemble(("Report it now. ", "bold"), f"Call the {g.hotline_name} at ",
                                       (g.hotline, "bold"), f", {g.law_enforcement_note}."), classes="dialog-line")
            yield Static(Text.assemble("Complete the ", (form, "bold"), " within ",
                                       (f"{g.form_within_hours} hours", "bold"), "."), classes="dialog-line")
            yield Static(Text(g.do_not_document, style="bold"), classes="dialog-line")
            yield Static(Text(g.consult_supervisor), classes="dialog-line")
            yield Static("The narrative boxes of this call have been emptied and locked.", classes="dialog-line")
            with Horizontal(classes="dialog-buttons"):
                yield Button("I understand", id="understood", variant="error")

    @on(Button.Pressed, "#understood")
    def _understood(self) -> None:
        self.dismiss(None)
