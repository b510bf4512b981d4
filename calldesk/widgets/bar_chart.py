"""A bar chart in text that reads at any width: one labelled bar a line, its number beside it, the title whole.

Terminal plots drop or overlap their axis labels when narrow (at 80x24 a plotted chart of six categories showed
two labels); here every bar keeps its label (shortened with an ellipsis only when the label column is full), bars
never touch (one a line), and the title wraps instead of being cut. The same text reads without colour (NO_COLOR).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from calldesk.rules.display import inert

BAR = "█"
PART = "▏▎▍▌▋▊▉"  # eighths of a cell, so small differences still show


def bar_lines(title: str, bars: Sequence[tuple[str, int]], width: int, *, empty: str = "nothing to count") -> list[str]:
    """The chart as lines of at most `width` cells: the title (wrapped, never cut), then "label  ███ n" for every
    bar, each on its own line; bars scale to the largest value."""
    width = max(width, 12)
    lines = _wrapped(title, width)
    if not bars:
        return [*lines, f"  ({empty})"[:width]]
    numbers = [f"{n:,}" for _, n in bars]
    number_width = max(len(n) for n in numbers)
    label_width = min(max(len(inert(label, lines=False)) for label, _ in bars), max(6, width // 2))
    room = max(1, width - label_width - number_width - 2)  # label, a space, the bar, a space, the number
    top = max((n for _, n in bars), default=0) or 1
    for (label, n), number in zip(bars, numbers, strict=True):
        shown = inert(label, lines=False)
        if len(shown) > label_width:
            shown = shown[: label_width - 1] + "…"
        eighths = round(8 * room * max(n, 0) / top)
        bar = BAR * (eighths // 8) + (PART[eighths % 8 - 1] if eighths % 8 else "")
        if n > 0 and not bar:
            bar = PART[0]  # a count above zero always shows a sliver
        lines.append(f"{shown:<{label_width}} {bar}{' ' * (room - len(bar))} {number:>{number_width}}".rstrip())
    return lines


def _wrapped(title: str, width: int) -> list[str]:
    words, lines, line = inert(title, lines=False).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = ""
        while len(word) > width:  # a word longer than the chart: broken, never cut off
            lines.append(word[:width])
            word = word[width:]
        line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


class BarChart(Widget):
    """`title` over one labelled bar per (label, count); `show` replaces the bars."""

    DEFAULT_CSS = """
    BarChart { height: auto; width: 1fr; padding: 0 1; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:  # noqa: A002 - Textual's own name
        super().__init__(id=id)
        self.title = title
        self.bars: list[tuple[str, int]] = []

    def show(self, bars: Sequence[tuple[str, int]], title: str | None = None) -> None:
        self.bars = list(bars)
        if title is not None:
            self.title = title
        self.refresh(layout=True)

    def lines(self, width: int | None = None) -> list[str]:
        return bar_lines(self.title, self.bars, width if width is not None else self.content_size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        text = Text("\n".join(self.lines()))
        text.stylize("bold", 0, len(_wrapped(self.title, max(self.content_size.width, 12))[0]))
        return text
