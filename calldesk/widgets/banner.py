"""A rule banner: one sentence from the protocol, coloured by how much it matters, hidden when empty."""

from __future__ import annotations

from typing import Literal

from textual.widgets import Static

from calldesk.rules.display import inert

Tone = Literal["stop", "warn", "info", "ok"]
# Each tone reads without colour too (NO_COLOR): a symbol before the sentence.
MARKS: dict[str, str] = {"stop": "✖", "warn": "!", "info": "i", "ok": "✔"}


class Banner(Static):
    """Shows a rule's message (`stop` red, `warn` amber, `info` blue, `ok` green); empty hides it."""

    DEFAULT_CSS = """
    Banner { height: auto; padding: 0 1; display: none; }
    Banner.-shown { display: block; }
    Banner.-stop { background: $error 30%; color: $text; text-style: bold; }
    Banner.-warn { background: $warning 30%; color: $text; }
    Banner.-info { background: $primary 25%; color: $text; }
    Banner.-ok { background: $success 25%; color: $text; }
    """

    def __init__(self, *, id: str | None = None, classes: str = "") -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.message = ""

    def show(self, message: str, tone: Tone = "info") -> None:
        """Show `message` (an empty message hides the banner)."""
        if message == self.message and self.has_class(f"-{tone}"):
            return
        self.message = message
        self.update(f"{MARKS[tone]} {inert(message)}" if message else "")
        for name in ("stop", "warn", "info", "ok"):
            self.set_class(name == tone, f"-{name}")
        self.set_class(bool(message), "-shown")

    def clear(self) -> None:
        self.show("")
