"""The bar above the form: the running call timer, the case number, the profile's prompt (LAUSD: the introduction
and LAST), and the abuse-words notice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from calldesk.rules.display import inert


def abuse_words_notice(words: Sequence[str]) -> str:
    """The call bar's line when the claim or evidence holds words that may point to abuse ("" when none)."""
    if not words:
        return ""
    return f"Words that may point to abuse: {', '.join(words)}. F9 if you suspect child abuse."


class CallBar(Vertical):
    """Ticks once a second from the desk's clock (a fixed clock keeps snapshots still).

    The abuse-words notice is a line of text, never a dialog: it takes no focus and no key, so the agent
    types on; only F9 (or ctrl+b) marks the call.
    """

    DEFAULT_CSS = """
    CallBar { height: auto; background: $panel; }
    CallBar #call-line { height: 1; }
    CallBar #timer { width: 12; height: 1; padding: 0 1; text-style: bold; }
    CallBar #case-number { width: 1fr; min-width: 28; height: 1; }  /* "Case 2026-000153 · open": the prompt yields */
    CallBar #last { width: auto; padding: 0 1; color: $accent; }
    CallBar #abuse-words { height: auto; padding: 0 1; display: none; text-style: bold;
                           background: $warning 30%; }
    CallBar #abuse-words.-shown { display: block; }
    """

    def __init__(self, clock: Callable[[], datetime], started: datetime, prompt: str = "") -> None:
        """`prompt`: the profile's `intake_prompt`, said to the agent as the call starts (none: no line)."""
        super().__init__()
        self.clock = clock
        self.started = started
        self.prompt = prompt
        self.notice = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="call-line"):
            yield Static(self._elapsed(), id="timer")
            yield Static("New call", id="case-number", markup=False)
            if self.prompt:
                yield Static(inert(self.prompt), id="last", markup=False)
        yield Static("", id="abuse-words", markup=False)

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    def _elapsed(self) -> str:
        seconds = max(0, int((self.clock() - self.started).total_seconds()))
        return f"Call {seconds // 60:02d}:{seconds % 60:02d}"

    def _tick(self) -> None:
        # Only on show (a dialog over the call too). Out of sight (the screen prepared for the next call, or a call
        # behind F3/F4), a changed timer would have the whole hidden screen laid out and rendered again each
        # second, tens of ms on the UI thread beside the agent's keys on the desk or the queue. The screen shows the
        # time again as it comes back.
        if self.is_attached and self.screen in self.app.screen_stack:
            self.show_time()

    def show_time(self) -> None:
        """The call's time now, if it changed."""
        for timer in self.query("#timer"):  # none while the bar is still mounting, or already going
            elapsed = self._elapsed()
            if isinstance(timer, Static) and elapsed != str(timer.content):  # its size is fixed: a repaint, not a
                timer.update(elapsed, layout=False)  # layout of the whole screen

    def restart(self, started: datetime) -> None:
        """The call starts now (a screen prepared ahead of the call)."""
        self.started = started
        self.show_time()

    def reset(self, started: datetime) -> None:
        """As on a new call: no case, no abuse words, the timer from `started`."""
        self.show_case("New call")
        self.show_abuse_words([])
        self.restart(started)

    def show_case(self, text: str) -> None:
        self.query_one("#case-number", Static).update(inert(text), layout=False)  # 1fr wide, one line high

    def show_abuse_words(self, words: Sequence[str]) -> None:
        """Name the words found (an empty list hides the notice)."""
        notice = abuse_words_notice(words)
        if notice == self.notice:
            return
        self.notice = notice
        line = self.query_one("#abuse-words", Static)
        line.update(inert(notice))
        line.set_class(bool(notice), "-shown")
