"""The side panel: the caller's earlier cases, newest first, found while the agent types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.rules.profile import Profile
from calldesk.rules.shown import day_words

if TYPE_CHECKING:
    from calldesk.store.read.queries import EarlierCall


class CallerHistory(VerticalScroll, can_focus=False):
    """Not in the Tab order: it is read while typing, never typed into."""

    DEFAULT_CSS = """
    CallerHistory { width: 34; border: round $foreground 30%; padding: 0 1; }
    CallerHistory #history { height: auto; }
    """

    def __init__(self, profile: Profile, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.profile = profile
        self.border_title = "Earlier calls"
        self.cases: list[EarlierCall] = []  # what is listed now (ctrl+o on the call picks one to open)

    def compose(self) -> ComposeResult:
        yield Static("Type a phone, email or name to see the caller's earlier calls.", id="history")

    def show(self, cases: Sequence[EarlierCall], *, looked_up: bool, today: date | None = None) -> None:
        """List `cases` (newest first), each opened on a day as rules.shown says it (the year when not `today`'s);
        `looked_up` says whether anything was searched for."""
        self.cases = list(cases)
        self.border_title = f"Earlier calls ({len(cases)})" if looked_up else "Earlier calls"
        body = self.query_one("#history", Static)
        if not cases:
            body.update("No earlier calls from this caller." if looked_up
                        else "Type a phone, email or name to see the caller's earlier calls.")
            return
        calendar = calendar_for(self.profile)
        text = Text()
        for case in cases:
            opened = day_words(calendar.local(case.opened_at).date(), this_year=today.year if today else None)
            status = Text(case.status, style="bold green" if case.status == "open" else "dim")
            text.append(f"{case.case_number}  {opened}  ")
            text.append_text(status)
            # Another person's case: its line only (README, "Who sees what"); it cannot be opened from here.
            mark = "" if case.yours else " · not yours"
            text.append(inert(f"\n  {case.category or 'no category'} · {case.call_type}{mark}\n"))
        body.update(text)
