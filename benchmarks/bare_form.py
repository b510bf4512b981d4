"""The baseline: a bare Textual app with the same five-tab intake form, no store, no rules, no styling of ours.

Run as a subprocess by benchmarks/startup.py; writes "ready" (and its phases) to file descriptor 1 the moment
the form's screen is mounted with the first field focused, then exits.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before textual is imported: its import is part of what is timed

from textual.app import App, ComposeResult  # noqa: E402
from textual.containers import Grid, Horizontal, VerticalScroll  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import (  # noqa: E402
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from benchmarks.probe import stop_when_typed  # noqa: E402

CHOICES = [(name, name) for name in ("one", "two", "three", "four", "five", "six", "seven")]


def inputs(*names: str) -> list[Input]:
    return [Input(placeholder=name, id=name) for name in names]


def selects(*names: str) -> list[Select[str]]:
    return [Select(CHOICES, id=name) for name in names]


def areas(*names: str) -> list[TextArea]:
    return [TextArea(id=name) for name in names]


class FormScreen(Screen[None]):
    """Caller Details, Call Information, Confidentiality, Follow-Up, Resolution: the same controls as calldesk."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Call 00:00   LAST: Listen, Apologize, Satisfy, Thank")
        with Horizontal():
            with TabbedContent():
                with TabPane("Caller Details"), VerticalScroll(), Grid():
                    yield from inputs("caller_name", "phone", "email", "language", "school", "department")
                    yield from selects("relationship", "preferred_contact", "channel", "source")
                    yield Checkbox("Close the case when saved", id="close_on_save")
                with TabPane("Call Information"), VerticalScroll():
                    yield from selects("category", "subcategory", "call_type")
                    for name in ("needs_follow_up", "steps_confirmed", "special_education", "safety", "urgent",
                                 "due_process"):
                        yield Checkbox(name, id=name)
                    yield from areas("claim", "evidence", "steps_taken")
                    yield Static("Inquiry (immediate): respond by ...", id="triage")
                with TabPane("Confidentiality"), VerticalScroll():
                    yield from inputs("student_name", "student_ref", "student_school", "records_asked",
                                      "consent_signed_by", "consent_signed_on", "consent_records", "consent_purpose",
                                      "consent_recipient", "consent_valid_until")
                    yield Button("Add the student")
                    yield Button("Record the consent")
                    yield Button("Log the disclosure")
                with TabPane("Follow-Up"), VerticalScroll():
                    yield from areas("followup_done", "followup_pending")
                with TabPane("Resolution"), VerticalScroll():
                    yield from areas("response", "alleged_violation")
                    yield from inputs("outcome")
            yield Static("Earlier calls")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#caller_name").focus()


class BareApp(App[bool]):
    BINDINGS = [("ctrl+n", "new_call", "New call")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.action_new_call)
        # The same readiness point as calldesk's probe (benchmarks/probe.py): "x" typed is on screen.
        stop_when_typed(self, lambda: isinstance(self.screen, FormScreen) and self.screen.is_mounted,
                        lambda: f"{IMPORTED - STARTED:.4f} {time.perf_counter() - IMPORTED:.4f}")

    def action_new_call(self) -> None:
        self.push_screen(FormScreen())


IMPORTED = time.perf_counter()

if __name__ == "__main__":
    BareApp().run(headless=True, size=(120, 36))
