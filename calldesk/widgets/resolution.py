"""Tab 5, Resolution: the response/resolution/remedy, the outcome, and for complaints the alleged violation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Static

from calldesk.widgets.call_information import narrative
from calldesk.widgets.caller_details import text_input
from calldesk.widgets.form_field import FormField, FormTab


class Resolution(FormTab):
    """The resource directory (ctrl+r) appends its entry to the response."""

    DEFAULT_CSS = """
    Resolution #response { height: 8; }
    Resolution > Grid { grid-size: 2; grid-columns: 1fr 2fr; grid-rows: auto; height: auto; }
    Resolution #alleged_violation { height: 3; }
    Resolution #resolution-hint { height: auto; margin: 0 1; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield FormField("Response / resolution / remedy", narrative("response", "What the caller was told or given"))
        with Grid():
            yield FormField("Outcome", text_input("outcome", "answered, referred"))
            yield FormField("Alleged violation (complaints only)", narrative("alleged_violation", "If any"))
        yield Static("The resource directory fills the response from the agency's answers.", id="resolution-hint")
