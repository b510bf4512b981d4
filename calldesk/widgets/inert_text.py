"""Stored text on the desk, inert: a table cell that is never markup, and a last guard over every drawn line."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter

from calldesk.rules.display import inert, invisible_removed


def plain(value: object) -> Text:
    """A stored or typed value as a table cell or option: never read as markup ("[red]" shows as typed), its
    control characters shown as visible escapes (a DataTable reads a str cell as markup)."""
    return Text("" if value is None else inert(str(value), lines=False))


class InertLines(LineFilter):
    """Removes control and format characters (ESC, C1 controls, bidi overrides...) from every drawn line.

    Stored text is made visible with `inert()` where a widget gets it; a character that gets past (pasted into a
    field, a widget that was missed) is dropped here instead of reaching the terminal. Each is zero cells wide,
    so a line keeps its layout.
    """

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        kept = []
        for segment in segments:
            text, style, control = segment
            if control is None and text:
                visible = invisible_removed(text)
                if visible is not text:
                    if not visible:
                        continue
                    segment = Segment(visible, style)
            kept.append(segment)
        return kept
