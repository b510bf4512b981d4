"""On start: the agent's unsaved calls (drafts), offered for resuming, so nothing typed is lost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from calldesk.rules.display import inert

Draft = tuple[str, dict[str, Any]]


def describe_draft(form: Mapping[str, Any]) -> str:
    """One line that lets the agent recognise an unsaved call."""
    who = form.get("caller_name") or form.get("phone") or form.get("email") or "Unnamed caller"
    about = form.get("category") or "no category yet"
    started = str(form.get("call_started") or "")[:16].replace("T", " ")
    return f"{who}: {about}" + (f" (started {started} UTC)" if started else "")


class ResumeDraft(ModalScreen[str | None]):
    """Enter resumes the highlighted call (its client id is returned); Escape leaves them for later."""

    HELP = "Calls you started but did not save are kept as drafts. Resume one, or leave them for later."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "later", "Later", id="resume.later"),
    ]

    def __init__(self, drafts: list[Draft]) -> None:
        super().__init__()
        self.drafts = drafts

    def compose(self) -> ComposeResult:
        with Vertical(id="resume", classes="dialog") as box:
            box.border_title = "Unsaved calls"
            yield Static(f"You have {len(self.drafts)} call(s) that were not saved. Resume one?",
                         classes="dialog-line")
            yield OptionList(*[Option(Text(inert(describe_draft(form))), id=client_id)  # typed text: no markup
                               for client_id, form in self.drafts],
                             id="drafts")
            yield Static("Enter resumes the call; Escape keeps them for later.", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def _resume(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_later(self) -> None:
        self.dismiss(None)
