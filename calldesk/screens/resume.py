"""On start: the agent's unsaved calls (drafts), offered for resuming, so nothing typed is lost.

A draft the agent no longer wants is discarded here (d, then d again to confirm), so they do not pile up.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.rules.profile import Profile
from calldesk.rules.shown import moment_words
from calldesk.screens.desk_state import Desk
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.screens.held_keys import field_ready
from calldesk.screens.intake.call import DRAFT_CASE

Draft = tuple[str, dict[str, Any]]
HINT = "Enter resumes the call; d discards it (asks first); Escape keeps them for later."


def describe_draft(form: Mapping[str, Any], profile: Profile | None = None, today: date | None = None) -> str:
    """One line that lets the agent recognise an unsaved call (or unsaved changes to a saved case); when it started,
    in the agency's time as rules.shown says it (the year when not `today`'s, by default the day it started; UTC,
    said so, without a profile)."""
    who = form.get("caller_name") or form.get("phone") or form.get("email") or "Unnamed caller"
    about = form.get("category") or "no category yet"
    line = f"{who}: {about}"
    try:
        started = datetime.fromisoformat(str(form.get("call_started") or ""))
    except ValueError:
        started = None
    if started is not None and started.tzinfo is not None:
        if profile is not None:
            tz = calendar_for(profile).tz
            line += f" (started {moment_words(started, tz=tz, today=today or started.astimezone(tz).date())})"
        else:
            line += f" (started {started.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"
    return f"Unsaved changes to case {form[DRAFT_CASE]}: {line}" if form.get(DRAFT_CASE) else line


class ResumeDraft(ReportsWorkerFailures, ModalScreen[str | None]):
    """Enter resumes the highlighted call (its client id is returned); Escape leaves them for later."""

    HELP = ("Calls you started but did not save, and changes to saved cases you did not save, are kept as drafts. "
            "Resume one, discard one you no longer need (d, then d again), or leave them for later.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "later", "Later", id="resume.later"),
        Binding("d,delete", "discard", "Discard", id="resume.discard",
                tooltip="Discard the highlighted draft (press again to confirm)"),
    ]

    class Discarded(Message):
        def __init__(self, client_id: str) -> None:
            super().__init__()
            self.client_id = client_id

    def __init__(self, drafts: list[Draft], desk: Desk | None = None) -> None:
        super().__init__()
        self.drafts = list(drafts)
        self.desk = desk
        self.confirming: str | None = None  # the draft a first d asked about

    def compose(self) -> ComposeResult:
        with Vertical(id="resume", classes="dialog") as box:
            box.border_title = "Unsaved calls"
            yield Static(self._count(), id="resume-count", classes="dialog-line")
            yield OptionList(*[Option(Text(inert(self._describe(form))), id=client_id)  # typed text: no markup
                                for client_id, form in self.drafts],
                             id="drafts")
            yield Static(HINT, id="resume-hint", classes="dialog-hint", markup=False)

    def _describe(self, form: Mapping[str, Any]) -> str:
        return describe_draft(form, self.desk.profile, self.desk.today()) if self.desk else describe_draft(form)

    def _count(self) -> str:
        return f"You have {len(self.drafts)} call(s) that were not saved. Resume one?"

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        field_ready(self, options)  # Enter or an arrow typed right after r acts on the list

    @on(OptionList.OptionSelected)
    def _resume(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self._ask(None)

    def _ask(self, client_id: str | None) -> None:
        self.confirming = client_id
        hint = HINT
        if client_id is not None:
            form = dict(self.drafts).get(client_id, {})
            hint = f"Discard \"{self._describe(form)}\" for good? Press d again to discard; any other key keeps it."
        self.query_one("#resume-hint", Static).update(hint)

    def action_discard(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None or self.desk is None:
            return
        client_id = options.get_option_at_index(index).id
        if client_id is None:
            return
        if self.confirming != client_id:
            self._ask(client_id)
            return
        self._ask(None)
        self.discard(client_id)

    @work(thread=True, group="discard", exit_on_error=False)
    def discard(self, client_id: str) -> None:
        from calldesk.store.services.drafts import discard_draft

        assert self.desk is not None
        with self.desk.store.uow() as uow:
            discard_draft(uow, actor=self.desk.actor, client_id=client_id)
        self.post_message(self.Discarded(client_id))

    @on(Discarded)
    def _discarded(self, event: Discarded) -> None:
        self.drafts = [d for d in self.drafts if d[0] != event.client_id]
        if not self.drafts:
            self.notify("Draft discarded: no unsaved calls left.")
            self.dismiss(None)
            return
        options = self.query_one(OptionList)
        options.remove_option(event.client_id)
        self.query_one("#resume-count", Static).update(self._count())
        self.notify("Draft discarded.")

    def on_key(self, event: events.Key) -> None:
        if self.confirming is not None and event.key not in ("d", "delete"):
            self._ask(None)  # any other key keeps the draft

    def action_later(self) -> None:
        self.dismiss(None)
