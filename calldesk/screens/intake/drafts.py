"""A call's drafts: everything typed is kept, before the first save and after it, until the case holds it.

Before the first save the draft is the whole call; after it, the draft holds the edits the case does not (it
knows its case number), so a killed terminal loses nothing. ctrl+q with such changes asks first.
"""

from __future__ import annotations

import contextlib
from typing import Any

from textual import on, work

from calldesk.errors import CalldeskError
from calldesk.screens.intake import call as intake_call
from calldesk.screens.intake.call import Call, DraftWriter
from calldesk.screens.intake.messages import CaseResumed, DraftKept
from calldesk.screens.intake.moves import CallMoves
from calldesk.screens.intake.quit_call import QuitCall
from calldesk.widgets.debounce import Debouncer


class CallDrafts(CallMoves):
    """The intake screen's drafts (a base of IntakeScreen, which holds the call and saves it)."""

    saving: bool
    saved_form: dict[str, Any] | None  # the form as the case last saved it (None before the first save)
    resumed_case: str | None  # the case a resumed draft belongs to
    _debounce: Debouncer
    AUTOSAVE_DELAY = 0.8  # seconds without a key
    AUTOSAVE_MAX_WAIT = 0.9  # seconds at most while typing never pauses: a crash loses at most the last second (the
    # first keys of a call still load nothing: the store's code loads after them, test_connect)

    @property
    def drafts(self) -> DraftWriter:
        """The call's drafts (each call has its own: a worker of an ended call writes that call's)."""
        return self.call.drafts

    def end_call(self) -> None:
        """The call is over: the screen is made ready for the next one (IntakeScreen)."""
        raise NotImplementedError

    def _draft_soon(self) -> None:
        """Keep what is typed as a draft at the next pause, and at least every AUTOSAVE_MAX_WAIT while typing."""
        self._debounce("autosave", self.AUTOSAVE_DELAY, self._autosave, max_wait=self.AUTOSAVE_MAX_WAIT)

    def unsaved_changes(self, form: dict[str, Any] | None = None) -> bool:
        """True when the form holds something the case does not (or anything worth keeping before a first save)."""
        form = self.form.values() if form is None else form
        if self.call.case is None:
            return intake_call.has_substance(form)
        return form != self.saved_form

    def _autosave(self) -> None:
        call = self.snapshot()
        if self.saving or not self.unsaved_changes(call.form) or (self.resumed_case and call.case is None):
            # A save in flight takes what is typed (the edits after it are drafted when it is done); a resumed
            # draft of a case waits for its case, so the draft keeps its case number.
            return
        # Abuse-like words alone do not stop the draft: losing a call's text on a crash is worse, and F9 scrubs it.
        self.write_draft(call, self.drafts.ticket())

    def keep_draft_now(self) -> None:
        """Write the draft at once, on this thread (the terminal was closed: the process ends next)."""
        if not self.form.ready or not self.desk.ready or not self.unsaved_changes():
            return
        call = self.snapshot()
        with contextlib.suppress(CalldeskError):  # (the store is gone too: nothing more can be kept)
            call.drafts.save(call.drafts.ticket(), intake_call.draft_of(call))

    @work(thread=True, group="draft", exit_on_error=False)
    def write_draft(self, call: Call, ticket: int, then: str = "") -> None:
        call.drafts.save(ticket, intake_call.draft_of(call))
        if then:
            self.post_message(DraftKept(call.client_id, then))

    @work(thread=True, group="draft", exit_on_error=False)
    def discard_draft(self, drafts: DraftWriter, ticket: int) -> None:
        drafts.discard(ticket)

    @on(DraftKept)
    def _draft_kept(self, event: DraftKept) -> None:
        if event.client_id != self.call.client_id:
            return
        if event.then == "quit":
            self.app.exit()
            return
        number = self.call.case.case_number if self.call.case else None
        self.app.notify(f"Your changes to case {number} are kept as a draft: they are offered back when you start "
                        "calldesk." if number else
                        "The call is kept as a draft: it is offered back when you start calldesk.")
        self.end_call()

    @work(thread=True, exclusive=True, group="resume", exit_on_error=False)
    def resume_case(self, client_id: str, case_number: str) -> None:
        from calldesk.models import CasePublic
        from calldesk.store.read.one_case import get_case

        with self.desk.store.uow(readonly=True) as uow:
            case = get_case(uow.session, case_number, viewer=self.desk.actor)
            self.post_message(CaseResumed(client_id, CasePublic.model_validate(case)))

    def action_quit_call(self) -> None:
        """Quit calldesk; with changes the case does not hold yet, ask first (the default is to stay)."""
        if not self.form.ready or not self.unsaved_changes():
            self.app.exit()
            return
        number = self.call.case.case_number if self.call.case else None
        what = (f"Case {number} has changes that are not saved." if number
                else "This call is not saved as a case yet.")

        def answered(quit_: bool | None) -> None:
            if quit_:
                self.write_draft(self.snapshot(), self.drafts.ticket(), then="quit")

        self.app.push_screen(QuitCall(what), answered)
