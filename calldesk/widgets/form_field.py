"""A labelled form control with its own error line, so a refusal is shown next to what caused it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

# Every control whose value belongs in the intake form (and its draft) carries this class.
FORM_VALUE = "form-value"
FOCUS_MARK = "▶"


class FormField(Vertical):
    """`label` as the border title around `control`; `show_error` writes under it and keeps the value."""

    DEFAULT_CSS = """
    FormField {
        height: auto;
        border: round $foreground 30%;
        border-title-color: $foreground 70%;
        padding: 0 1;
        margin: 0 1 0 0;
    }
    FormField:focus-within { border: round $accent; border-title-color: $accent; border-title-style: bold; }
    FormField.-error { border: round $error; border-title-color: $error; }
    FormField > .field-error { color: $error; height: auto; display: none; }
    FormField.-error > .field-error { display: block; }
    FormField:disabled { opacity: 60%; }
    """

    def __init__(self, label: str, control: Widget, *, classes: str = "", body: Widget | None = None) -> None:
        """`body` is what is shown when it is more than the control (the control inside it)."""
        assert control.id, "a form control needs an id (the field name)"
        super().__init__(id=f"field-{control.id}", classes=classes)
        self.control = control
        self.body = body or control
        self.label = label
        self.border_title = label
        control.add_class(FORM_VALUE, update=False)  # styled as it mounts: restyling it now is wasted work

    def compose(self) -> ComposeResult:
        yield self.body

    def on_descendant_focus(self) -> None:
        # The focused field reads without colour too: a marker before its label.
        self.border_title = f"{FOCUS_MARK} {self.label}"

    def on_descendant_blur(self) -> None:
        self.border_title = self.label

    def show_error(self, message: str) -> None:
        """The message under the control (the error line is only mounted the first time one is needed)."""
        found = self.query(".field-error")
        if found:
            found.first(Static).update(message)
        else:
            self.mount(Static(message, classes="field-error", markup=False))
        self.add_class("-error")

    def clear_error(self) -> None:
        if self.has_class("-error"):
            self.query_one(".field-error", Static).update("")
            self.remove_class("-error")


class FormTab(VerticalScroll):
    """One tab of the intake form; says when it is mounted (the hidden tabs mount after the first paint)."""

    class Mounted(Message):
        """A tab of the form is mounted and its controls can be read and filled."""

    def on_mount(self) -> None:
        self.post_message(self.Mounted())
