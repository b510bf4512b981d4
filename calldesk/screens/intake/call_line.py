"""The call mode: the next call's screen is built while the agent waits, so ctrl+n shows it at once.

The mode's stack is [CallHolder, the prepared IntakeScreen, the call on screen if it is another one]. A call
ends when its IntakeScreen is dismissed; the app then goes back to the mode the agent came from.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from calldesk.screens.fresh import FreshScreen


class CallHolder(FreshScreen[None]):
    """The base of the call mode, under the calls: on screen only for the instant between two calls."""

    SUB_TITLE = "Call"
    HELP = "Between calls: the desk comes back at once. ctrl+n (or F2) takes a new call."

    def compose(self) -> ComposeResult:
        # Built at start with the call mode, behind every call: as light as can be (no header, no footer keys).
        yield Static("Back to the desk…", id="between-calls")
