"""Keys typed while a screen comes up wait for its first field, then go there in the order typed.

Textual gives a key to whatever has the focus when it reads the key. Between a key that opens a screen (ctrl+n, a
letter of the case's work menu) and that screen's first field taking the focus, there is a moment (longer on a busy
machine) when the keys typed would land in the screen left behind, or nowhere. The app holds them from that key on
(`HoldsKeys.hold_keys`, called as the key is read: a priority binding), and gives them, in order, to the field of
the screen that says it is ready (`FieldReady`), or after `seconds` to whatever has the focus then.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget

HOLD_SECONDS = 3.0  # at most: a dialog comes up well within it, even on a busy machine


class FieldReady(Message):
    """`screen` has put the focus in its first field: the keys held since it was asked for go there now (when it is
    the screen on top)."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.screen = screen


@runtime_checkable
class HoldsKeys(Protocol):
    """What the app offers a screen (implemented by calldesk.desk_calls.DeskCalls)."""

    def hold_keys(self, *, seconds: float) -> None:
        """From now on, keep the keys read until a screen on top posts FieldReady (or `seconds` pass)."""

    def set_keys_aside(self, why: str) -> None:
        """The screen they waited for will not come: drop the held keys, saying how many and `why`."""


def hold_keys(node: DOMNode, seconds: float = HOLD_SECONDS) -> None:
    """Hold the keys read from now on for the screen about to open (a no-op in an app that does not hold keys)."""
    if isinstance(node.app, HoldsKeys):
        node.app.hold_keys(seconds=seconds)


def field_ready(screen: Screen[Any], field: Widget | None = None) -> None:
    """`screen` (mounting) takes the keys held for it: the cursor goes into `field` now (Widget.focus() would wait
    for the app's queue, behind the keys), then FieldReady lets the keys go to it, or to the screen's own keys."""
    if field is not None:
        screen.set_focus(field)
    screen.post_message(FieldReady(screen))


def set_keys_aside(node: DOMNode, why: str) -> None:
    """The screen the keys were held for did not open: they are dropped (never typed into the screen behind)."""
    if isinstance(node.app, HoldsKeys):
        node.app.set_keys_aside(why)
