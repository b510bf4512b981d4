"""The queue's table: it holds one page of rows; moving past either edge asks the screen for the next page."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable


class QueueTable(DataTable[str | Text]):
    """A DataTable of one page; the SLA state and case number stay in sight when it scrolls sideways."""

    BINDINGS: ClassVar[list[BindingType]] = [
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

    def action_page(self, which: str) -> None:
        self.post_message(self.PageWanted(which))

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.PageWanted("next"))
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.row_count and self.cursor_row <= 0:
            self.post_message(self.PageWanted("previous"))
            return
        super().action_cursor_up()
