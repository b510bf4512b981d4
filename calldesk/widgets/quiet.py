"""Controls set up as they will be shown, without the restyling Textual does when they are built.

Textual's `compact=True` sets a reactive with a toggle class in the control's constructor, and a class change
restyles the control (and its children) at once, although it is not mounted yet and will be styled again as it
mounts: on the five-tab form that is some 40 wasted style passes before a call can be typed into.
"""

from __future__ import annotations

from typing import TypeVar

from textual.widget import Widget

W = TypeVar("W", bound=Widget)


def compact(widget: W) -> W:
    """`widget` (an Input, Select, TextArea, Button or Checkbox built without `compact`) in its compact style."""
    widget.set_reactive(type(widget).compact, True)  # type: ignore[attr-defined]
    widget.add_class("-textual-compact", update=False)
    return widget

