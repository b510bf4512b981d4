"""Saving a call: ctrl+s saves, F10 saves and closes; what the save did is shown, a refusal next to its field.

The save itself is one service command (calldesk.store.services.calls.save_call) run in a thread worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work

from calldesk.errors import CalldeskError
from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.rules.profile import TIER_LABELS, role_label
from calldesk.rules.shown import deadline_words
from calldesk.screens.intake.call import Call
from calldesk.screens.intake.consent import CallConsent
from calldesk.screens.intake.messages import CallSaved, Refused
from calldesk.widgets.banner import Banner
from calldesk.widgets.call_bar import CallBar
from calldesk.widgets.follow_up import FollowUp

if TYPE_CHECKING:
    from calldesk.models import CasePublic
    from calldesk.store.services.calls import SavedCase


class CallSaving(CallConsent):
    """The intake screen's saves (a base of IntakeScreen, which holds the call)."""

    _saving_form: dict[str, Any]
    leave_when_saved: bool
    in_call: bool

    def record_abuse(self, call: Call, ticket: int) -> Any:
        """Mark the call as suspected abuse in the store (IntakeScreen's worker)."""
        raise NotImplementedError

    def action_save(self, leave: bool = False, close: bool | None = None) -> None:
        """Save the case; `close` None follows the "close when saved" box (F10 closes, leaving never does)."""
        if self.saving or not self.form.ready or not self.in_call:
            return  # (between calls: nothing to save)
        if self.resumed_case and self.call.case is None:  # never a second case from a resumed draft
            self.notify(f"Case {self.resumed_case} is still being read: save again in a moment.")
            return
        self.saving = True
        self.form.clear_errors()
        self.query_one("#refusal-banner", Banner).clear()
        call = self.snapshot()
        self._saving_form = call.form
        if close is None:
            close = bool(call.form.get("close_on_save"))
        self.save_call(call, close=close, leave=leave)

    def action_save_and_close(self) -> None:
        self.action_save(close=True)

    @work(thread=True, group="save", exit_on_error=False)
    def save_call(self, call: Call, *, close: bool, leave: bool) -> None:
        from calldesk.screens.intake import store as intake_store  # the database side loads with the first worker

        saved, refusal = intake_store.save_call(self.desk, call, call.drafts, close=close)
        self.post_message(CallSaved(call.client_id, saved, refusal, leave=leave))

    @on(CallSaved)
    def _saved(self, event: CallSaved) -> None:
        if event.client_id != self.call.client_id:
            return  # a save of a call that has ended since (its case is saved; nothing of it shows here)
        self.saving = False
        saved = event.saved
        leave, self.leave_when_saved = event.leave or self.leave_when_saved, False
        if saved is not None:
            self._show_case(saved.case)
            if self.call.abuse_marked and not saved.case.abuse_marked:  # marked while this save was in flight
                self.record_abuse(self.snapshot(), self.drafts.ticket())
            filled: dict[str, Any] = {"phone": saved.case.phone or "", "call_type": saved.case.call_type}
            if saved.follow_up_added:
                filled.update(followup_done="", followup_pending="")
            self.form.fill(filled)
            self._show_follow_ups(saved)
            if event.refusal is None:
                self.saved_form = {**self._saving_form, **filled}  # what is typed during the save is not in it
            if saved.repeat:
                self.query_one("#repeat-banner", Banner).show(f"Repeat caller: {saved.repeat}.", "warn")
        if event.refusal is not None:
            self._refuse(event.refusal)  # the field named is focused with its text unselected (focus_at_end)
            if saved is not None:
                self.notify(f"Case {saved.case.case_number} is saved and {saved.case.status}; not done: "
                            f"{event.refusal.message}", severity="warning", timeout=8)
            self._draft_soon()  # what was refused is kept as a draft
            if leave:
                self.write_draft(self.snapshot(), self.drafts.ticket(), then="leave")  # Escape always leaves
            return
        assert saved is not None
        if self.unsaved_changes():
            self._draft_soon()  # typed while the save was in flight
        else:
            self.discard_draft(self.drafts, self.drafts.ticket())  # the case holds everything typed
        said = " ".join(saved.reasons)
        if saved.case.status == "closed":
            self.app.notify(f"Case {saved.case.case_number} saved and closed. {said}", timeout=8)
            self.end_call()
            return
        self.notify(f"Case {saved.case.case_number} saved. {said}", timeout=8)
        if leave:
            self.end_call()

    def _show_case(self, case: CasePublic) -> None:
        self.call.case = case
        tier = TIER_LABELS.get(case.tier or "", "Compliment")
        owner = role_label(case.owner_role)
        self.query_one(CallBar).show_case(f"Case {case.case_number} · {case.status} · {tier} · {owner}")
        self.query_one("#case-status").update(  # type: ignore[attr-defined]
            f"Status: case {case.case_number} is {case.status}" + (f" ({case.close_reason})" if case.close_reason
                                                                   else ""))

    def _show_follow_ups(self, saved: SavedCase) -> None:
        due, tz, today = saved.case.next_follow_up_by, calendar_for(self.desk.profile).tz, self.desk.today()
        self.query_one(FollowUp).show_entries(saved.follow_ups, f"Next follow-up entry due "
                                              f"{deadline_words(due, tz=tz, today=today)}." if due
                                              else "No follow-up clock on this case.", tz=tz, today=today)

    def _refuse(self, error: CalldeskError, step: str = "") -> None:
        """A refusal: each missing field's sentence under it, always as a banner; nothing typed is touched. A save's
        refusal takes the cursor to the first field named (its tab comes forward); a `step` beside the form (a
        button on a tab) says it was not done, and the cursor stays where the agent is."""
        fields: dict[str, str] = getattr(error, "fields", None) or {getattr(error, "field", None) or "": error.message}
        for name, message in fields.items():
            self.form.show_error(name or None, message, focus=False)
        first = next((name for name in fields if self.form.field(name) is not None), None)
        if first is not None and not step:  # the others only say what is missing
            self.form.show_error(first, fields[first])
        said = f"{step}: {error.message}" if step else error.message
        self.query_one("#refusal-banner", Banner).show(said, "stop")
        self.notify(inert(said), severity="error", timeout=8, markup=False)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        if event.client_id == self.call.client_id:
            self._refuse(event.error, event.step)
