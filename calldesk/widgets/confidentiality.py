"""Tab 3, Confidentiality: the student asked about, a written consent, and the record of disclosures.

Student information stays closed (disabled) until the rules allow it: the caller is the parent/guardian,
or a valid written consent names them (FERPA 34 CFR 99.30).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Static

from calldesk.rules.consent import REDISCLOSURE_NOTICE, ConsentDecision
from calldesk.rules.display import inert
from calldesk.widgets.banner import Banner
from calldesk.widgets.caller_details import text_input
from calldesk.widgets.form_field import FormField, FormTab
from calldesk.widgets.quiet import compact

if TYPE_CHECKING:
    from calldesk.models import DisclosurePublic, StudentPublic


STUDENT_CLOSED = "Student information: CLOSED"
STUDENT_OPEN = "Student information: OPEN"


class Confidentiality(FormTab):
    """Buttons post Button.Pressed (add-student, record-consent, disclose); the screen calls the services."""

    DEFAULT_CSS = """
    Confidentiality Grid { grid-size: 2; grid-rows: auto; height: auto; }
    Confidentiality #consent-form { grid-size: 3; }
    Confidentiality .section { margin: 1 0 0 1; text-style: bold; height: 1; }
    Confidentiality .actions { height: auto; margin: 0 0 0 1; }
    Confidentiality .actions Button { margin: 0 2 0 0; }
    Confidentiality #student-information { height: auto; border: round $success; padding: 0 1; margin: 1 1 0 0; }
    Confidentiality #student-information:disabled { border: round $error 60%; }
    Confidentiality #disclosures { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Banner(id="consent-banner")
        yield Static("Student asked about", classes="section")
        with Grid(id="student-form"):
            yield FormField("Student name", text_input("student_name"))
            yield FormField("Student id", text_input("student_ref"))
            yield FormField("Student's school", text_input("student_school"))
            yield FormField("Records asked about", text_input("records_asked", "attendance, grades"))
        with Horizontal(classes="actions"):
            yield compact(Button("Add the student", id="add-student"))
        yield Static("Written consent to release (callers other than the parent/guardian)", classes="section")
        with Grid(id="consent-form"):
            yield FormField("Signed by", text_input("consent_signed_by", "Parent's name"))
            yield FormField("Signed on", text_input("consent_signed_on", "YYYY-MM-DD"))
            yield FormField("Records it covers", text_input("consent_records", "all, or a list"))
            yield FormField("Purpose", text_input("consent_purpose", "Why the records are released"))
            yield FormField("Released to", text_input("consent_recipient", "The caller's name"))
            yield FormField("Valid until", text_input("consent_valid_until", "YYYY-MM-DD, optional"))
        with Horizontal(classes="actions"):
            yield compact(Button("Record the consent", id="record-consent"))
        with Vertical(id="student-information", disabled=True) as info:
            info.border_title = STUDENT_CLOSED
            yield Static("Closed: add the student and check consent first.", id="student-summary", markup=False)
            with Horizontal(classes="actions"):
                yield compact(Button("Log the disclosure to the caller", id="disclose"))
            yield Static("", id="disclosures", markup=False)

    def show_decision(self, decision: ConsentDecision | None) -> None:
        """Banner the decision; student information opens only when it allows disclosure."""
        banner = self.query_one("#consent-banner", Banner)
        if decision is None:
            banner.clear()
        else:
            banner.show(decision.reason, "ok" if decision.allowed else "stop")
        info = self.query_one("#student-information")
        info.disabled = not (decision and decision.allowed)
        info.border_title = STUDENT_CLOSED if info.disabled else STUDENT_OPEN  # in words, not only colour

    def show_student(self, student: StudentPublic | None, records: str) -> None:
        """The student asked about; none yet, what to do first (the panel's decision shown before: open or not)."""
        summary = ("Closed: add the student and check consent first." if self.query_one("#student-information").disabled
                   else "No student added yet: add the student asked about.")
        if student is not None:
            ref = f" (id {student.student_ref})" if student.student_ref else ""
            summary = f"{student.name}{ref}: records asked about: {records or 'none named yet'}"
        self.query_one("#student-summary", Static).update(inert(summary))

    def show_disclosures(self, rows: Sequence[DisclosurePublic]) -> None:
        lines = [f"Disclosed {r.records} to {r.recipient} ({r.basis})" for r in rows]
        if rows:
            lines.append(f"Remind the caller: {REDISCLOSURE_NOTICE}")
        self.query_one("#disclosures", Static).update(inert("\n".join(lines)))
