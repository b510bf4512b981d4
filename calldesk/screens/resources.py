"""The resource directory: search the agency's answers and contacts; the chosen one goes into the response."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from calldesk.screens.desk_state import Desk
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.screens.held_keys import field_ready, hold_keys
from calldesk.widgets.typing import TypingInput
from calldesk.widgets.word_search import match_score

if TYPE_CHECKING:
    from calldesk.models import Resource


def ranked(entries: list[Resource], query: str) -> list[Resource]:
    """Entries where every word typed starts a word ("bus" is not in "abuse"), the best title match first."""
    scored = []
    for order, entry in enumerate(entries):
        score = match_score(query, [(entry.department, 4), (entry.keywords, 3), (entry.response, 1),
                                    (entry.contact, 1)])
        if score is not None:
            scored.append((-score, order, entry))
    return [entry for _, _, entry in sorted(scored, key=lambda row: row[:2])]


def reference_text(entry: Resource) -> str:
    """How a directory entry reads when appended to the response."""
    return f"{entry.department}: {entry.response} ({entry.contact})"


class ResourceDirectory(ReportsWorkerFailures, ModalScreen["Resource | None"]):
    """Type to search (every word must start a word of the entry); Enter chooses, Escape closes."""

    HELP = "Search the resource directory by department, answer, contact or keyword; Enter adds it to the response."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Close", id="resources.close"),
        Binding("down", "focus_results", "Results", show=False, id="resources.results"),
        # The coordinator keeps the directory (supervisors): add, edit or retire the highlighted entry.
        # Priority: the entry's dialog opens as the key is read; what is typed next waits for its first field.
        Binding("f6", "keep('add')", "New entry", priority=True, id="resources.add"),
        Binding("f7", "keep('edit')", "Edit entry", priority=True, id="resources.edit"),
        Binding("f8", "keep('retire')", "Retire entry", priority=True, id="resources.retire"),
    ]

    class Found(Message):
        def __init__(self, entries: list[Resource]) -> None:
            super().__init__()
            self.entries = entries

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.entries: list[Resource] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="resource-directory", classes="dialog") as box:
            box.border_title = f"Resource directory: {self.desk.profile.title}"
            yield TypingInput(placeholder="Search: bus, IEP, enrollment...", id="resource-search")
            yield OptionList(id="resource-results")
            yield Static("Enter adds the entry to the Resolution response; Escape closes."
                         + (" F6 new, F7 edit, F8 retire." if self.desk.actor.may("keep_resources")
                            else ""), classes="dialog-hint")

    def on_mount(self) -> None:
        # The cursor in the search now: the words typed right after ctrl+r (held by the app) go there, in order.
        field_ready(self, self.query_one("#resource-search", Input))
        self.search("")

    @on(Input.Changed, "#resource-search")
    def _typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def search(self, query: str) -> None:
        from calldesk.store.services.reference import resources

        with self.desk.store.uow(readonly=True) as uow:
            found = ranked(resources(uow.session, self.desk.profile.name, query), query)
        self.post_message(self.Found(found))

    @on(Found)
    def _show(self, event: Found) -> None:
        self.entries = event.entries
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options([Option(Text.assemble((e.department, "bold"), f"\n  {e.response}\n  {e.contact}"))
                             for e in self.entries]
                            or [Option("Nothing matches; try fewer words.", disabled=True)])
        if self.entries:
            results.highlighted = 0

    @on(Input.Submitted, "#resource-search")
    def _submitted(self) -> None:
        self._choose(self.query_one(OptionList).highlighted)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.entries):
            self.dismiss(self.entries[index])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.desk.actor.may("keep_resources") if action == "keep" else True

    def action_keep(self, how: str) -> None:
        from calldesk.screens.resource_keeping import ResourceEntryDialog

        index = self.query_one(OptionList).highlighted
        entry = self.entries[index] if index is not None and 0 <= index < len(self.entries) else None
        if how != "add" and entry is None:
            return
        query = self.query_one("#resource-search", Input).value

        def kept(_: object) -> None:
            self.search(query)  # read again: the entry as it is now, or gone when retired

        hold_keys(self)
        self.app.push_screen(ResourceEntryDialog(self.desk, entry if how != "add" else None,
                                                 retire=how == "retire"), kept)

    def action_focus_results(self) -> None:
        self.query_one(OptionList).focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
