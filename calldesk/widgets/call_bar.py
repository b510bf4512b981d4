"""The bar above the form: the running call timer, the case number, and the LAST prompt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from calldesk.rules.display import inert

LAST = "LAST: [b]L[/b]isten · [b]A[/b]pologize · [b]S[/b]atisfy · [b]T[/b]hank"


class CallBar(Horizontal):
    """Ticks once a second from the desk's clock (a fixed clock keeps snapshots still)."""

    DEFAULT_CSS = """
    CallBar { height: 1; background: $panel; }
    CallBar #timer { width: 14; padding: 0 1; text-style: bold; }
    CallBar #case-number { width: 1fr; }
    CallBar #last { width: auto; padding: 0 1; color: $accent; }
    """

    def __init__(self, clock: Callable[[], datetime], started: datetime) -> None:
        super().__init__()
        self.clock = clock
        self.started = started

    def compose(self) -> ComposeResult:
        yield Static(self._elapsed(), id="timer")
        yield Static("New call", id="case-number", markup=False)
        yield Static(LAST, id="last")

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    def _elapsed(self) -> str:
        seconds = max(0, int((self.clock() - self.started).total_seconds()))
        return f"Call {seconds // 60:02d}:{seconds % 60:02d}"

    def _tick(self) -> None:
        self.query_one("#timer", Static).update(self._elapsed())

    def show_case(self, text: str) -> None:
        self.query_one("#case-number", Static).update(inert(text))
