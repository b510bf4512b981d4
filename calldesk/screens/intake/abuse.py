"""Suspected child abuse on a call: words named in the call bar as they are typed; F9 marks the call (the narrative
is emptied and locked, the draft or the saved case scrubbed) and shows the hotline and form."""

from __future__ import annotations

from textual import on, work

from calldesk.errors import CalldeskError
from calldesk.rules.abuse import abuse_guidance, abuse_words_in
from calldesk.screens.intake.abuse_guidance import AbuseGuidanceScreen
from calldesk.screens.intake.call import Call
from calldesk.screens.intake.messages import AbuseRecorded, Refused
from calldesk.screens.intake.save import CallSaving
from calldesk.widgets.banner import Banner
from calldesk.widgets.call_bar import CallBar

ABUSE_STOP = "Suspected child abuse: report it by phone and on the form; do not document it here."


class CallAbuse(CallSaving):
    """The intake screen's abuse guard (a base of IntakeScreen)."""

    # ---- suspected abuse --------------------------------------------------------------------------------------
    def abuse_words(self) -> list[str]:
        """Words in the claim or evidence that may point to abuse (only named in the call bar, never asked)."""
        values = self.form.values()
        return abuse_words_in(f"{values.get('claim', '')}\n{values.get('evidence', '')}",
                              self.desk.profile.abuse_keywords)

    def _scan_for_abuse(self) -> None:
        """A line in the call bar, never a dialog: it takes no focus and no key (bullying calls say "hit" too)."""
        self.query_one(CallBar).show_abuse_words([] if self.call.abuse_marked else self.abuse_words())

    def action_abuse(self) -> None:
        """Mark the call: empty and lock the narrative, scrub the draft or the saved case, show the guidance."""
        if not self.in_call:
            return
        if not self.call.abuse_marked:
            self.call.abuse_marked = True
            self.form.lock_narrative()
            self.query_one(CallBar).show_abuse_words([])
            self.query_one("#abuse-banner", Banner).show(ABUSE_STOP, "stop")
            self.record_abuse(self.snapshot(), self.drafts.ticket())
        self.app.push_screen(AbuseGuidanceScreen(abuse_guidance(self.desk.profile)))

    @work(thread=True, group="abuse", exit_on_error=False)
    def record_abuse(self, call: Call, ticket: int) -> None:
        from calldesk.screens.intake import store as intake_store  # the database side loads with the first worker

        try:
            case = intake_store.record_abuse(self.desk, call, call.drafts, ticket)
            if call.case is not None:
                call.drafts.discard(ticket)  # edits drafted after the save held the narrative too
            self.post_message(AbuseRecorded(call.client_id, case))
        except CalldeskError as exc:
            self.post_message(Refused(call.client_id, exc))

    @on(AbuseRecorded)
    def _abuse_recorded(self, event: AbuseRecorded) -> None:
        if event.case is not None and event.client_id == self.call.client_id:
            self._show_case(event.case)
