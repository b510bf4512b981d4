"""Tab 4, Follow-Up: dated entries (what was done, what is pending); a new entry is added on save."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, tzinfo
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Static

from calldesk.rules.display import inert
from calldesk.rules.shown import moment_words
from calldesk.widgets.call_information import narrative
from calldesk.widgets.form_field import FormField, FormTab

if TYPE_CHECKING:
    from calldesk.models import FollowUpPublic


NO_CLOCK = "No follow-up clock yet: it starts when a concern or complaint is saved."


class FollowUp(FormTab):
    """Concerns and complaints need an entry at least every 2 open days while open."""

    DEFAULT_CSS = """
    FollowUp > Grid { grid-size: 2; grid-rows: auto; height: auto; }
    FollowUp TextArea { height: 6; }
    FollowUp #follow-up-due { height: auto; margin: 0 1; color: $text-muted; }
    FollowUp #entries { height: auto; margin: 1 1 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(NO_CLOCK, id="follow-up-due")
        with Grid():
            yield FormField("Done (new entry, added on save)", narrative("followup_done", "What was done"))
            yield FormField("Pending for the next step", narrative("followup_pending", "What is next, and by whom"))
        yield Static("No entries yet.", id="entries", markup=False)

    def reset(self) -> None:
        """As on a new call: no clock, no entries."""
        self.show_entries([], NO_CLOCK)

    def show_entries(self, entries: Sequence[FollowUpPublic], due: str, *, tz: tzinfo | None = None,
                     today: date | None = None) -> None:
        """The entries, each at the agency's local time (`tz`: the profile's zone), as every screen shows times."""
        self.query_one("#follow-up-due", Static).update(due)
        lines = [f"{moment_words(e.entry_at, tz=tz or UTC, today=today or e.entry_at.date())} {e.by_user}: {e.done}"
                 + (f" (pending: {e.pending})" if e.pending else "") for e in entries]
        self.query_one("#entries", Static).update(inert("\n".join(lines)) or "No entries yet.")
