"""The queue's table: one page of rows drawn line by line; moving past either edge asks the screen for a page.

A line-API widget rather than a DataTable: the queue shows one screenful and replaces it whole on every page,
so DataTable's per-cell Rich rendering and row bookkeeping (most of F4's time at 1M cases) buy nothing here.
Each line is a few segments cut to the column widths; the SLA state and the case number stay fixed at the left
when the other columns scroll sideways (left / right), so they never go out of sight at 80 columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

MAX_WIDTH = 28  # a column is cut at this many cells (the case workspace shows the whole value)
GAP = 1
HEADER = Style(bold=True, underline=True)
CURSOR = Style(reverse=True)  # the highlighted row: reversed, readable with NO_COLOR


class QueueTable(Widget, can_focus=True):
    """One page of cases: a header line, then a line per row, the highlighted one reversed."""

    DEFAULT_CSS = """
    QueueTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False, id="queue.down"),
        Binding("up", "cursor_up", "Up", show=False, id="queue.up"),
        Binding("right", "scroll_columns(1)", "Right", show=False, id="queue.right",
                tooltip="Show the columns further right (the SLA state and the number stay)"),
        Binding("left", "scroll_columns(-1)", "Left", show=False, id="queue.left"),
        Binding("pagedown", "page('next')", "Next page", id="queue.next_page", tooltip="The next page of cases"),
        Binding("pageup", "page('previous')", "Previous page", id="queue.previous_page",
                tooltip="The previous page of cases"),
        Binding("home,ctrl+home", "page('first')", "First page", id="queue.first_page", show=False,
                tooltip="The first page: the most urgent cases"),
        Binding("end,ctrl+end", "page('last')", "Last page", id="queue.last_page", show=False,
                tooltip="The last page of the queue, however long"),
    ]

    class PageWanted(Message):
        """The person moved past the page's edge (or asked for the next, previous, first or last page)."""

        def __init__(self, which: str) -> None:
            super().__init__()
            self.which = which

    def __init__(self, labels: Sequence[str], *, fixed_columns: int = 2, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels = list(labels)
        self.fixed_columns = fixed_columns
        self.row_keys: list[str] = []
        self._rows: list[list[Text]] = []
        self._widths = [len(label) for label in self.labels]
        self.cursor_row = 0
        self.first_column = fixed_columns  # the first scrolling column in sight

    # -- what the screen calls ---------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def get_row_at(self, index: int) -> list[Text]:
        return self._rows[index]

    def show(self, rows: Sequence[Sequence[str | Text]], keys: Sequence[str], *, cursor: int = 0) -> None:
        """Replace the page on screen with `rows` (stored text as Text, never read as markup)."""
        self._rows = [[cell if isinstance(cell, Text) else Text(cell) for cell in row] for row in rows]
        self.row_keys = list(keys)
        self._widths = [min(MAX_WIDTH, max([len(label)] + [r[i].cell_len for r in self._rows]))
                        for i, label in enumerate(self.labels)]
        self.cursor_row = max(0, min(cursor, len(self._rows) - 1))
        self.refresh()

    def move_cursor(self, *, row: int) -> None:
        self.cursor_row = max(0, min(row, len(self._rows) - 1))
        self.refresh()

    # -- keys --------------------------------------------------------------------------------------------------

    def action_page(self, which: str) -> None:
        self.post_message(self.PageWanted(which))

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.PageWanted("next"))
            return
        self.move_cursor(row=self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        if self.row_count and self.cursor_row <= 0:
            self.post_message(self.PageWanted("previous"))
            return
        self.move_cursor(row=self.cursor_row - 1)

    def action_scroll_columns(self, step: int) -> None:
        self.first_column = max(self.fixed_columns, min(len(self.labels) - 1, self.first_column + step))
        self.refresh()

    # -- drawing -----------------------------------------------------------------------------------------------

    def _columns(self) -> list[int]:
        return list(range(self.fixed_columns)) + list(range(self.first_column, len(self.labels)))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            cells: Sequence[str | Text] = self.labels
            line_style = base + HEADER
        elif y - 1 < len(self._rows):
            cells = self._rows[y - 1]
            line_style = base + CURSOR if y - 1 == self.cursor_row else base
        else:
            return Strip.blank(width, base)
        segments: list[Segment] = []
        used = 0
        for index in self._columns():
            if used >= width:
                break
            cell = cells[index]
            plain = cell.plain if isinstance(cell, Text) else cell
            size = min(self._widths[index] + GAP, width - used)
            style = line_style + Style.parse(str(cell.style)) if isinstance(cell, Text) and cell.style else line_style
            segments.append(Segment(set_cell_size(plain.replace("\n", " "), size), style))
            used += size
        if used < width:
            segments.append(Segment(" " * (width - used), line_style))
        return Strip(segments, width)
