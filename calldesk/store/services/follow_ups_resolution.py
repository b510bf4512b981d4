"""Working a case: follow-up entries, the resolution and the response letter (escalations:
store/services/escalation.py)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.models import (
    Case,
    FollowUp,
    FollowUpCreate,
    FollowUpPublic,
    Resolution,
    ResolutionPublic,
    ResolutionUpdate,
    utcnow,
)
from calldesk.profiles import load_profile
from calldesk.rules.letter import LETTER_STEPS, check_letter_step, check_review
from calldesk.rules.profile import Profile
from calldesk.rules.resolution import check_resolution
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.step_states import steps_missing_before
from calldesk.store.services import attachments
from calldesk.store.services.cases import (
    load_for_change,
    recompute_follow_up,
    refresh_next_deadline,
)


def _open_case(uow: UnitOfWork, case_number: str, expected_version: int | None, actor: Actor) -> Case:
    """The open case, its row locked: every write to a case's children goes through (and bumps) its version;
    refused as stale when someone saved it after the caller loaded `expected_version`."""
    case = load_for_change(uow.session, case_number, expected_version, viewer=actor)
    if case.status == "closed":
        raise RuleRefused(f"Case {case_number} is closed.")
    return case


def add_follow_up(uow: UnitOfWork, *, actor: Actor, profile: Profile, case_number: str,
                  data: FollowUpCreate, expected_version: int | None = None) -> FollowUpPublic:
    """A dated entry: what was done and what is pending; the next entry falls due 2 open days later."""
    actor = authorise(uow, actor, "follow_up")
    if not data.done.strip():
        raise InvalidInput("Say what was done.", field="done")
    case = _open_case(uow, case_number, expected_version, actor)
    if case.abuse_marked:
        raise RuleRefused("This call was marked as suspected child abuse: do not document it here.")
    entry = FollowUp(case_id=case.id, done=data.done.strip(), pending=data.pending.strip(), by_user=actor.username,  # type: ignore[arg-type]
                     entry_at=utcnow())
    uow.session.add(entry)
    before = case.next_follow_up_by
    recompute_follow_up(case, profile, entry.entry_at)
    case.updated_at = utcnow()
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="followup.add", entity="followup", entity_id=entry.id,
                 case_id=case.id, field="done", new=entry.done)
    audit.record(uow.session, actor=actor.username, action="case.update", entity="case", entity_id=case_number,
                 case_id=case.id, field="next_follow_up_by", old=before, new=case.next_follow_up_by)
    uow.commit()
    return FollowUpPublic.model_validate(entry)


def _resolution(uow: UnitOfWork, case_id: int, actor: Actor) -> Resolution:
    found = uow.session.exec(select(Resolution).where(Resolution.case_id == case_id)).first()
    if found is None:
        found = Resolution(case_id=case_id, updated_by=actor.username)
        uow.session.add(found)
    return found


def set_resolution(uow: UnitOfWork, *, actor: Actor, case_number: str, data: ResolutionUpdate,
                   expected_version: int | None = None) -> ResolutionPublic:
    """Write the response/resolution/remedy, the outcome, and for complaints the alleged violation (each replaces
    what was written: the interfaces show what is saved, to edit it); a save with nothing written is refused."""
    actor = authorise(uow, actor, "resolve")
    case = _open_case(uow, case_number, expected_version, actor)
    check_resolution(data.response, data.outcome, data.alleged_violation)
    if data.alleged_violation and case.call_type != "complaint":
        raise InvalidInput("Only a complaint records an alleged violation.", field="alleged_violation")
    steps_missing_before(uow.session, case, "resolve")  # e.g. Area Offices: the building-level attempt first
    res = _resolution(uow, case.id, actor)  # type: ignore[arg-type]
    before = {"response": res.response, "outcome": res.outcome, "alleged_violation": res.alleged_violation}
    # A call marked as suspected abuse keeps no free text about it, here or anywhere.
    res.response = "" if case.abuse_marked else data.response.strip()
    res.outcome = "" if case.abuse_marked else data.outcome.strip()
    res.alleged_violation = None if case.abuse_marked else (data.alleged_violation or "").strip() or None
    after = {"response": res.response, "outcome": res.outcome, "alleged_violation": res.alleged_violation}
    if after == before and res.id is not None:  # saved again as it is: no new version of the case, nothing said
        return ResolutionPublic.model_validate(res)
    if res.alleged_violation and res.letter_status == "none":
        res.letter_status = "draft"  # a violation means a lawful response letter, drafted by the specialist
    res.updated_by, res.updated_at = actor.username, utcnow()
    case.updated_at = utcnow()  # bumps the case's version: a concurrent mark_abuse makes this save stale
    uow.flush()
    audit.record_changes(uow.session, actor=actor.username, action="resolution.update", entity="resolution",
                         entity_id=case_number, case_id=case.id, before=before, after=after)
    uow.commit()
    return ResolutionPublic.model_validate(res)


def advance_letter(uow: UnitOfWork, *, actor: Actor, case_number: str, step: str,
                   attachment: Path | None = None, expected_version: int | None = None,
                   profile: Profile | None = None) -> ResolutionPublic:
    """The response letter: draft -> approved (a supervisor) -> signed copy attached (by someone other than the
    approver; the file is copied into the store) -> coordinator informed."""
    if step not in LETTER_STEPS:
        raise InvalidInput(f"'{step}' is not a letter step: approve, attach or inform.", field="step")
    actor = authorise(uow, actor, "approve_letter" if step == "approve" else "sign_letter")
    case = _open_case(uow, case_number, expected_version, actor)
    res = uow.session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    status = res.letter_status if res is not None else "none"
    office = profile or load_profile(case.protocol)
    reached = check_letter_step(step, letter_status=status, actor=actor.username,
                                approved_by=res.approved_by if res is not None else None, alone=actor.sole,
                                one_person_office=office.one_person_office)
    if step == "approve":  # the supervisor approves words they read: a drafted text, submitted to them
        assert res is not None
        check_review("approve", letter_status=status, submitted=res.submitted_at is not None,
                     has_text=bool(res.letter_text))
    both = step == "attach" and res is not None and res.approved_by == actor.username  # a one-person office
    assert res is not None
    copy: Path | None = None
    if step == "attach":
        if attachment is None or not str(attachment).strip():
            raise InvalidInput("Attach the signed letter (a file, e.g. a PDF).", field="attachment")
        row, copy = attachments.prepare(uow.engine, case_id=case.id, case_number=case_number,  # type: ignore[arg-type]
                                        source=Path(attachment), by_user=actor.username)
        uow.session.add(row)
        uow.flush()
        res.letter_path, res.signed_by = row.stored_as or f"attachment {row.id} (in the database)", actor.username
        audit.record(uow.session, actor=actor.username, action="letter.attach", entity="attachment",
                     entity_id=row.id, case_id=case.id, field="sha256", new=row.sha256)
        if both:  # said in the trail: one person approved and signed it, as the profile allows
            audit.record(uow.session, actor=actor.username, action="letter.one_person_office", entity="resolution",
                         entity_id=case_number, case_id=case.id, field="approved_and_signed_by", new=actor.username)
    if step == "approve":
        res.approved_by, res.approved_at = actor.username, utcnow()
    if step == "inform":
        res.coordinator_informed_at = utcnow()
    audit.record(uow.session, actor=actor.username, action=f"letter.{step}", entity="resolution",
                 entity_id=case_number, case_id=case.id, field="letter_status", old=res.letter_status, new=reached)
    res.letter_status = reached
    refresh_next_deadline(case)
    case.updated_at = utcnow()
    try:
        uow.commit()
    except BaseException:
        attachments.discard_unsaved(copy)
        raise
    return ResolutionPublic.model_validate(res)
