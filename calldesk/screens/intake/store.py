"""What the intake screen asks of the store. Each function runs inside a thread worker: no Textual here.

Imported by the workers only (see intake_call), so the screen comes up before the database code loads.

Every write goes through the service layer (calldesk.store.*); this module only gathers the form's values
into the services' inputs and their answers into what the screen shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from calldesk.errors import CalldeskError, InvalidInput
from calldesk.models import CasePublic, ConsentCreate, StudentCreate
from calldesk.rules.repeat import CallerKey
from calldesk.rules.typed_dates import typed_day
from calldesk.screens.desk_state import Desk
from calldesk.screens.intake.call import (
    CONSENT_FORM_FIELDS,
    Call,
    CallerLookup,
    ConsentView,
    DraftWriter,
    draft_of,
    has_substance,
    preview_consent,
    records_asked,
)
from calldesk.store.read.one_case import get_case
from calldesk.store.read.queries import caller_history, priors_for_caller
from calldesk.store.services import calls, confidentiality
from calldesk.store.services.call_consent import ConsentStep, consent_step
from calldesk.store.services.calls import CallSave, SavedCase
from calldesk.store.services.cases import mark_abuse
from calldesk.store.services.typed_fields import build


def lookup_caller(desk: Desk, key: CallerKey) -> CallerLookup:
    """The caller's earlier cases (newest first) and the priors the repeat rule looks at."""
    if not (key.phone_digits or key.email or key.name):
        return CallerLookup([], [], looked_up=False)
    with desk.store.uow(readonly=True) as uow:
        history = caller_history(uow.session, viewer=desk.actor, phone_digits=key.phone_digits, email=key.email,
                                 name=key.name)
        priors = priors_for_caller(uow.session, key, since_days=desk.profile.repeat_window_days, now=desk.now())
    return CallerLookup(history, priors, looked_up=True)


def call_save(call: Call, *, close: bool, case_only: bool = False) -> CallSave:
    """The form's values as the save command takes them (`case_only`: the case's own fields, nothing else)."""
    return CallSave.from_form(call.form, client_id=call.client_id, opened_at=call.opened_at, case=call.case,
                              abuse_marked=call.abuse_marked, close=close, case_only=case_only)


def _save(desk: Desk, call: Call, writer: DraftWriter, data: CallSave) -> SavedCase:
    # The lock: an autosave in flight never writes the draft back after the save deleted it.
    with writer.lock, desk.store.uow() as uow:
        saved = calls.save_call(uow, actor=desk.actor, profile=desk.profile, data=data)
        writer.retire()
    return saved


def save_call(desk: Desk, call: Call, writer: DraftWriter, *, close: bool) -> tuple[SavedCase | None,
                                                                                  CalldeskError | None]:
    """Save everything typed with one service command: the case, a new follow-up entry, the resolution, and the
    close if asked; a refusal leaves the store (and the screen's case) as they were: (None, the refusal)."""
    try:
        return _save(desk, call, writer, call_save(call, close=close)), None
    except CalldeskError as exc:
        return None, exc  # nothing was written: the screen keeps every field as typed


def reload(desk: Desk, case_number: str) -> CasePublic:
    with desk.store.uow(readonly=True) as uow:
        return CasePublic.model_validate(get_case(uow.session, case_number, viewer=desk.actor))


def record_abuse(desk: Desk, call: Call, writer: DraftWriter, ticket: int) -> CasePublic | None:
    """Suspected abuse: the saved case loses its narrative; an unsaved call's draft is rewritten scrubbed."""
    if call.case is not None:
        with desk.store.uow() as uow:
            return mark_abuse(uow, actor=desk.actor, case_number=call.case.case_number)
    if writer.written or has_substance(call.form):
        writer.save(ticket, draft_of(call))
    return None


def consent_view(desk: Desk, call: Call) -> ConsentView:
    """The rules' decision: from the store once a student is on the case, else from the form alone."""
    records = records_asked(call.form) or ["all"]
    if call.case is None or call.student is None:
        return preview_consent(desk, call)
    with desk.store.uow(readonly=True) as uow:
        number, student_id = call.case.case_number, call.student.id
        decision = confidentiality.may_see_student(uow.session, case_number=number, student_id=student_id,
                                                   records=records, on=desk.today(), viewer=desk.actor)
        disclosures = [d for d in confidentiality.disclosures_for(uow.session, number, viewer=desk.actor)
                       if d.student_id == student_id]
    return ConsentView(decision, call.case, call.student, disclosures)


def _date(form: Mapping[str, Any], name: str, *, required: bool) -> date | None:
    text = str(form.get(f"consent_{name}") or "").strip()
    if not text:
        if required:
            raise InvalidInput("The consent must be dated: enter the date it was signed.", field=name)
        return None
    return typed_day(text, "the date", name)


def consent_action(desk: Desk, call: Call, writer: DraftWriter, action: str) -> ConsentView:
    """add_student, record_consent, disclose or check: one service command (the case saved first, so the store
    sees the form, then the step); a check with nothing changed only reads."""
    form = call.form
    stale = call.case is not None and (call.case.relationship != form.get("relationship")
                                       or call.case.caller_name != str(form.get("caller_name") or "").strip())
    if action == "check" and not stale:
        return consent_view(desk, call)
    ask = ConsentStep(action, student_id=call.student.id if call.student else None,  # type: ignore[arg-type]
                      records=records_asked(form))
    try:
        if action == "add_student":
            ask.student = build(StudentCreate, name=str(form.get("student_name") or ""),
                                student_ref=form.get("student_ref"), school=form.get("student_school"))
        elif action == "record_consent" and call.student is not None:
            ask.consent = build(ConsentCreate, signed_by=str(form.get("consent_signed_by") or ""),
                                signed_on=_date(form, "signed_on", required=True),  # type: ignore[arg-type]
                                records=str(form.get("consent_records") or ""),
                                purpose=str(form.get("consent_purpose") or ""),
                                recipient=str(form.get("consent_recipient") or ""),
                                valid_until=_date(form, "valid_until", required=False))
        # The lock: an autosave in flight never writes the draft back after the save deleted it.
        with writer.lock, desk.store.uow() as uow:
            done = consent_step(uow, actor=desk.actor, profile=desk.profile, ask=ask, today=desk.today(),
                                call=call_save(call, close=False, case_only=True))
            writer.retire()
    except InvalidInput as exc:
        if action != "record_consent":
            raise
        raise InvalidInput(exc.message, field=f"consent_{exc.field}" if exc.field in CONSENT_FORM_FIELDS
                           else exc.field) from None
    call.case, call.student = done.case, done.student
    if done.decision is None:
        return preview_consent(desk, call)
    return ConsentView(done.decision, done.case, done.student, done.disclosures)
