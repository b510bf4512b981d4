"""The queue's search, filters and sort (a base of QueueScreen): what is shown, in which order."""

from __future__ import annotations

from typing import Any

from textual import events, on, work
from textual.widgets import Input

from calldesk.screens.desk_state import Desk
from calldesk.screens.held_keys import hold_keys
from calldesk.screens.queue.dialogs import FilterDialog, SortDialog
from calldesk.screens.queue.views import QueueViews
from calldesk.store.read.queue import QueueFilter
from calldesk.widgets.queue_table import QueueTable


class QueueNarrowing(QueueViews):
    """/ searches, f filters, x clears, s sorts; each change goes back to the first page (QueueScreen.restart)."""

    desk: Desk
    filters: QueueFilter
    sort: str
    descending: bool

    def restart(self) -> None:  # pragma: no cover - QueueScreen's
        raise NotImplementedError

    def action_search(self) -> None:  # focused as / is read: the keys after it are the box's, not the queue's
        search = self.query_one("#queue-search", Input)
        if search.has_focus:  # a / typed in the search itself
            return search.insert_text_at_cursor("/")
        search.display, search.value = True, self.filters.search
        self.set_focus(search)

    def on_key(self, event: events.Key) -> None:  # Escape in the search box closes it, the search as it was
        if event.key == "escape" and (search := self.query_one("#queue-search", Input)).has_focus:
            event.stop()
            search.display = False
            self.query_one(QueueTable).focus()

    @on(Input.Submitted, "#queue-search")
    def _searched(self, event: Input.Submitted) -> None:
        event.input.display = False
        self.filters = self.filters.with_(search=event.value.strip())
        self.query_one(QueueTable).focus()
        self.restart()

    def action_filters(self) -> None:
        hold_keys(self)  # (its choices are read first)
        self._ask_filters()

    @work(exclusive=True, group="queue-dialog")
    async def _ask_filters(self) -> None:
        users = await self._users()
        chosen = await self.app.push_screen_wait(FilterDialog(self.filters, users=users))
        if isinstance(chosen, QueueFilter):
            self.filters = chosen
            self.restart()

    async def _users(self) -> list[str]:
        from calldesk.store.read.queue import filter_choices

        worker = self.run_worker(lambda: self._read_users(filter_choices), thread=True)
        return list(await worker.wait())  # type: ignore[arg-type]

    def _read_users(self, choices: Any) -> list[str]:
        with self.desk.store.uow(readonly=True) as uow:
            return list(choices(uow.session)["assignee"])

    def action_clear_filters(self) -> None:
        self.filters = QueueFilter(status=self.filters.status)
        self.restart()

    def action_sort(self) -> None:
        hold_keys(self)
        self._ask_sort()

    @work(exclusive=True, group="queue-dialog")
    async def _ask_sort(self) -> None:
        chosen = await self.app.push_screen_wait(SortDialog(self.sort))
        if isinstance(chosen, str):
            self.descending = not self.descending if chosen == self.sort else False
            self.sort = chosen
            self.restart()
