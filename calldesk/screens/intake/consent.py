"""The Confidentiality tab of a call: the student asked about, a written consent, the disclosures logged.

The buttons call the consent services in a worker; the rules' decision opens or closes the student information.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.widgets import Button

from calldesk.errors import CalldeskError
from calldesk.screens.intake import call as intake_call
from calldesk.screens.intake.call import Call
from calldesk.screens.intake.drafts import CallDrafts
from calldesk.screens.intake.messages import ConsentChecked, Refused
from calldesk.widgets.banner import Banner
from calldesk.widgets.confidentiality import Confidentiality

if TYPE_CHECKING:
    from calldesk.models import CasePublic

CONSENT_BUTTONS = {"add-student": "add_student", "record-consent": "record_consent", "disclose": "disclose"}
NOT_DONE = {"add_student": "The student was not added", "record_consent": "The consent was not recorded",
            "disclose": "The disclosure was not logged", "check": ""}


class CallConsent(CallDrafts):
    """The intake screen's consent steps (a base of IntakeScreen, which shows the case)."""

    def _show_case(self, case: CasePublic) -> None:
        """Show the saved case: IntakeScreen overrides this (the call bar and Caller Details)."""

    @on(Button.Pressed)
    def _consent_button(self, event: Button.Pressed) -> None:
        action = CONSENT_BUTTONS.get(event.button.id or "")
        if action is not None:
            self.form.clear_errors()
            self.query_one("#refusal-banner", Banner).clear()  # (what an earlier step or save was refused for)
            self.consent_action(self.snapshot(), action)

    def _check_consent(self) -> None:
        call = self.snapshot()
        if call.student is None:
            self._show_consent(intake_call.preview_consent(self.desk, call))
        else:
            self.consent_action(call, "check")

    @work(thread=True, exclusive=True, group="consent", exit_on_error=False)
    def consent_action(self, call: Call, action: str) -> None:
        from calldesk.screens.intake import store as intake_store  # the database side loads with the first worker

        try:
            self.post_message(ConsentChecked(call.client_id,
                                             intake_store.consent_action(self.desk, call, call.drafts, action)))
        except CalldeskError as exc:
            self.post_message(Refused(call.client_id, exc, NOT_DONE[action]))

    @on(ConsentChecked)
    def _consent_checked(self, event: ConsentChecked) -> None:
        if event.client_id == self.call.client_id:
            self._show_consent(event.view)

    def _show_consent(self, view: intake_call.ConsentView) -> None:
        if view.case is not None:
            self._show_case(view.case)
        self.call.student = view.student
        tab = self.query_one(Confidentiality)
        tab.show_decision(view.decision)
        tab.show_student(view.student, ", ".join(intake_call.records_asked(self.form.values())))
        tab.show_disclosures(view.disclosures)
