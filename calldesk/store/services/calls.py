"""Saving a call: one service command, one transaction, one commit, whatever the agent typed.

Open the case (first save) or change it, add the follow-up entry if one was typed, write the resolution, make
the case's callback when "Needs a call back" is ticked, delete the call's draft and close the case if asked;
any refusal on the way rolls back all of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from calldesk.errors import CalldeskError, MissingFields
from calldesk.models import (
    Case,
    CaseBase,
    CaseCreate,
    CasePublic,
    CaseUpdate,
    FollowUpCreate,
    FollowUpPublic,
    Resolution,
    ResolutionUpdate,
)
from calldesk.rules.profile import Profile
from calldesk.rules.required import missing_fields
from calldesk.rules.routing import route
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.queries import follow_ups_for
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.callbacks import add_intake_callback
from calldesk.store.services.case_steps import confirm_at_intake
from calldesk.store.services.cases import CaseOutcome, close_case, discard_draft_rows, open_case, update_case
from calldesk.store.services.typed_fields import build

CASE_FIELDS: tuple[str, ...] = tuple(CaseBase.model_fields)


@dataclass
class CallSave:
    """Everything typed on a call, as the save command takes it."""

    client_id: str
    opened_at: datetime
    fields: dict[str, Any]  # the case's own fields (Caller Details, Call Information), by column name
    case_number: str | None = None  # None: this save opens the case
    expected_version: int | None = None
    abuse_marked: bool = False
    follow_up_done: str = ""
    follow_up_pending: str = ""
    response: str = ""
    outcome: str = ""
    alleged_violation: str | None = None
    close: bool = False
    # A request that only ever opens its case (the web form): sent again, it is the case already opened, as it is.
    opens_only: bool = False

    @classmethod
    def from_form(cls, form: Mapping[str, Any], *, client_id: str, opened_at: datetime, case: CasePublic | None,
                  abuse_marked: bool, close: bool = False, case_only: bool = False) -> CallSave:
        """The save of a form whose control ids are the case's columns (the intake's, the case workspace's),
        against the version of `case` the user saw (None: the first save opens the case); `case_only`: the case's
        own fields and nothing else (no follow-up entry, resolution or close)."""
        data = cls(client_id=client_id, opened_at=opened_at, fields={k: v for k, v in form.items() if k in CASE_FIELDS},
                   case_number=case.case_number if case else None, expected_version=case.version if case else None,
                   abuse_marked=abuse_marked, close=close and not case_only)
        if not case_only:
            data.follow_up_done = str(form.get("followup_done") or "")
            data.follow_up_pending = str(form.get("followup_pending") or "")
            data.response, data.outcome = str(form.get("response") or ""), str(form.get("outcome") or "")
            data.alleged_violation = form.get("alleged_violation") or None
        return data


@dataclass
class SavedCase:
    """What the save did: the case as stored now, its follow-up entries and the rules' reasons."""

    case: CasePublic
    follow_ups: list[FollowUpPublic] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    repeat: str | None = None
    follow_up_added: bool = False
    created: bool = False
    callback_added: bool = False  # "Needs a call back" ticked: the case's callback was made by this save


def save_call(uow: UnitOfWork, *, actor: Actor, profile: Profile, data: CallSave) -> SavedCase:
    """Save the call in one transaction; a refusal at any step (MissingFields lists every empty required field,
    for the save and, when closing, for the close) leaves the store as it was."""
    actor = authorise(uow, actor, "take_call")
    session = uow.session
    if data.close:
        _require_for_close(uow, profile, data)
    with uow.one_commit():
        if data.case_number is None:
            # open_case finds a case this client_id opened already, under the lock that orders retried saves: a
            # retried first save (its answer lost) changes that case instead (a web form sent twice is the request
            # it opened, unchanged)
            outcome = open_case(uow, actor=actor, profile=profile, abuse_marked=data.abuse_marked,
                                data=build(CaseCreate, **_case_fields(data), client_id=data.client_id,
                                           opened_at=data.opened_at))
        if data.case_number is not None or not (outcome.created or data.opens_only):
            outcome = update_case(uow, actor=actor, profile=profile,
                                  case_number=data.case_number or outcome.case.case_number,
                                  expected_version=data.expected_version if data.case_number else None,
                                  changes=build(CaseUpdate, **_case_fields(data)))
        saved = _saved(outcome)
        number = outcome.case.case_number
        case = _row(uow, outcome)
        if case.status == "open" and not case.abuse_marked and data.follow_up_done.strip():
            casework.add_follow_up(uow, actor=actor, profile=profile, case_number=number,
                                   data=build(FollowUpCreate, done=data.follow_up_done, pending=data.follow_up_pending))
            saved.follow_up_added = True
        resolution = build(ResolutionUpdate, response=data.response, outcome=data.outcome,
                           alleged_violation=data.alleged_violation or None)
        if case.status == "open" and (resolution.response or resolution.outcome or resolution.alleged_violation):
            confirm_at_intake(uow, actor=actor, profile=profile, case=case)
            casework.set_resolution(uow, actor=actor, case_number=number, data=resolution)
        callback = add_intake_callback(uow, actor=actor, profile=profile, case=case, opened_now=outcome.created)
        if callback is not None:
            saved.callback_added = True
            saved.reasons.append(f"Callback to the caller on {callback.assigned_to}'s list.")
        if data.close and case.status == "open":
            close_case(uow, actor=actor, profile=profile, case_number=number)
        if not outcome.created:  # opening the case discarded the draft already
            discard_draft_rows(session, data.client_id)
    uow.commit()
    saved.case = CasePublic.model_validate(case)
    assert saved.case.id is not None
    if not saved.created or saved.follow_up_added:  # a case opened by this save has no other entries
        saved.follow_ups = follow_ups_for(session, saved.case.id)
    return saved


def _row(uow: UnitOfWork, outcome: CaseOutcome) -> Case:
    """The case row the save opened or changed, as this transaction wrote it (its writer may see it)."""
    assert outcome.row is not None
    return outcome.row


def _case_fields(data: CallSave) -> dict[str, Any]:
    return {name: data.fields[name] for name in CASE_FIELDS if name in data.fields}


def _saved(outcome: CaseOutcome) -> SavedCase:
    return SavedCase(outcome.case, reasons=list(outcome.reasons),
                     repeat=outcome.repeat.message if outcome.repeat else None, created=outcome.created)


def _require_for_close(uow: UnitOfWork, profile: Profile, data: CallSave) -> None:
    """Before anything is written: every field the save and the close need, in one refusal.

    The tier is the form's own routing (a repeat caller's promotion is only known to the store, and a repeat
    call is a concern, whose close needs no more than the form's tier asks)."""
    try:
        decision = route(profile, fields=data.fields, opened_at=data.opened_at).decision
    except CalldeskError:  # an unknown category or type: the save itself refuses it, under its field
        return
    if decision.close_now:
        return  # already in due process: the rules document and close it as it is
    tier = decision.tier
    typed = {"response": data.response, "outcome": data.outcome}
    if data.case_number and not (data.response or data.outcome or data.alleged_violation):
        stored = uow.session.exec(select(Resolution).join(Case, col(Resolution.case_id) == col(Case.id))
                                  .where(Case.case_number == data.case_number)).first()
        typed = {"response": stored.response, "outcome": stored.outcome} if stored else typed
    values = {**data.fields, **typed}
    missing = missing_fields(profile, tier=tier, values=values, stage="close", abuse_marked=data.abuse_marked)
    if missing:
        raise MissingFields(missing)
