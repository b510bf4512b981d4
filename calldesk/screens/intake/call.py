"""The call on screen, as plain data the UI thread can hold: no database code is imported here.

The database side (calldesk.screens.intake.store) is imported by the screen's workers only, so the intake
screen is up and typing before SQLAlchemy has even loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from calldesk.rules.consent import ConsentDecision, check_disclosure
from calldesk.rules.contact import phone_digits
from calldesk.rules.repeat import CallerKey, PriorCase
from calldesk.screens.desk_state import Desk

if TYPE_CHECKING:
    from calldesk.models import CasePublic, DisclosurePublic, StudentPublic
    from calldesk.store.read.queries import EarlierCall

# Typed fields that mean the agent has started a call worth keeping as a draft.
SUBSTANCE = ("caller_name", "phone", "email", "school", "department", "category", "claim", "evidence",
             "steps_taken", "student_name", "followup_done", "response", "outcome")
# The written consent form's own fields (its controls are consent_<name>).
CONSENT_FORM_FIELDS = ("signed_by", "signed_on", "records", "purpose", "recipient", "valid_until")


@dataclass
class Call:
    """The call on screen as a worker needs it: a snapshot taken on the UI thread."""

    client_id: str
    opened_at: datetime
    drafts: DraftWriter = field(repr=False, compare=False)  # this call's drafts (a worker may outlive the call)
    form: dict[str, Any] = field(default_factory=dict)
    case: CasePublic | None = None
    abuse_marked: bool = False
    student: StudentPublic | None = None


@dataclass
class CallerLookup:
    history: list[EarlierCall]
    priors: list[PriorCase]
    looked_up: bool


@dataclass
class ConsentView:
    """The Confidentiality tab's state: the rules' decision, the student and the disclosures logged."""

    decision: ConsentDecision
    case: CasePublic | None
    student: StudentPublic | None
    disclosures: list[DisclosurePublic] = field(default_factory=list)


def has_substance(form: Mapping[str, Any]) -> bool:
    """True once anything worth keeping has been typed (an untouched form leaves no draft)."""
    return any(form.get(name) for name in SUBSTANCE)


def caller_key(form: Mapping[str, Any]) -> CallerKey:
    email = str(form.get("email") or "").strip().lower()
    return CallerKey(phone_digits(form.get("phone")) or None, email or None,
                     str(form.get("caller_name") or "").strip() or None)


def records_asked(form: Mapping[str, Any]) -> list[str]:
    return [r.strip() for r in str(form.get("records_asked") or "").split(",") if r.strip()]


def preview_consent(desk: Desk, call: Call) -> ConsentView:
    """Before a student is on the case, the rules decide from the form alone (no store needed)."""
    decision = check_disclosure(relationship=str(call.form.get("relationship") or "parent_guardian"),
                                consents=[], records=records_asked(call.form) or ["all"], on=desk.today(),
                                recipient=str(call.form.get("caller_name") or "the caller"))
    return ConsentView(decision, call.case, call.student)


# A draft of a case already saved carries its case number here (inside the draft's form: no schema change).
DRAFT_CASE = "case_number"


def draft_of(call: Call) -> dict[str, Any]:
    """The form as a draft keeps it: when the call started, whether it was marked as abuse, and its case if saved."""
    draft = {**call.form, "abuse_marked": call.abuse_marked, "call_started": call.opened_at.isoformat()}
    if call.case is not None:
        draft[DRAFT_CASE] = call.case.case_number
    return draft


class DraftWriter:
    """Saves one call's drafts one at a time, newest first: an older autosave never lands after a newer one.

    (A scrubbed draft written after an abuse mark must not be overwritten by an autosave still in flight.)
    Before the first save the draft is the whole call; after it, the draft holds the edits not saved yet.
    """

    def __init__(self, desk: Desk, client_id: str) -> None:
        self.desk, self.client_id = desk, client_id
        self.lock = threading.Lock()
        self._latest = 0
        self._moot = 0  # tickets up to this one were overtaken by a save
        self.written = False

    def ticket(self) -> int:
        """Called on the UI thread when a draft is wanted; only the newest ticket is written."""
        self._latest += 1
        return self._latest

    def retire(self) -> None:
        """The case is saved (its draft removed): no draft ticketed before now is written, even one in flight."""
        self._moot = self._latest
        self.written = False

    def save(self, ticket: int, form: Mapping[str, Any]) -> bool:
        """Write the draft (in a worker thread); False when a newer draft or the saved case made it moot."""
        from calldesk.store.services import drafts

        with self.lock:
            if ticket <= self._moot or ticket < self._latest:
                return False
            with self.desk.store.uow() as uow:
                drafts.save_draft(uow, actor=self.desk.actor, client_id=self.client_id, form=form)
            self.written = True
            return True

    def discard(self, ticket: int) -> bool:
        """The case now holds everything typed: remove its draft, unless a newer edit was drafted since."""
        from calldesk.store.services import drafts

        with self.lock:
            if ticket < self._latest:
                return False
            self._moot = ticket
            if self.written:
                with self.desk.store.uow() as uow:
                    drafts.discard_draft(uow, actor=self.desk.actor, client_id=self.client_id)
                self.written = False
            return True
