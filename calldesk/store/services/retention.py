"""The data lifecycle: litigation holds, retention purges, and a caller's own export and erasure.

A purge removes closed cases past their retention class with every child row (cascades) and their attached
letters; an erasure removes one caller's details from their cases. Both leave an audit record of counts, by
whom and when, never an identifier; on SQLite the WAL is then checkpointed, and secure_delete has zeroed
the freed space, so no identifier remains in the raw file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, func, not_, or_, select, true, update
from sqlmodel import col

from calldesk.errors import InvalidInput, NotFound, RuleRefused
from calldesk.models import (
    Callback,
    Case,
    ClockEvent,
    Consent,
    Disclosure,
    Escalation,
    FollowUp,
    LitigationHold,
    MailMessage,
    PhoneEvent,
    PlanStep,
    Resolution,
    Student,
    utcnow,
)
from calldesk.rules.contact import name_words, normalise_email, normalise_name, phone_digits
from calldesk.rules.free_text import CASE_NARRATIVE
from calldesk.rules.profile import Profile
from calldesk.rules.redaction import Redactor
from calldesk.rules.reporting import retention_cutoff
from calldesk.store.db import audit
from calldesk.store.db.engine import checkpoint
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.one_case import get_case
from calldesk.store.services.exports import case_values, iter_details
from calldesk.store.services.phone_retention import count_phone_events, delete_phone_events, phone_events_past
from calldesk.store.services.reports import pseudonym_secret

ERASED = "[erased]"


def place_hold(uow: UnitOfWork, *, actor: Actor, case_number: str, reason: str) -> None:
    """Put a case under a litigation hold: no purge or erasure touches it until the hold is released."""
    actor = authorise(uow, actor, "litigation_hold")
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > 300:
        raise InvalidInput("Give the hold's reason (e.g. the matter's name) in at most 300 characters.",
                           field="reason")
    case = get_case(uow.session, case_number, viewer=actor)
    if uow.session.scalars(select(LitigationHold).where(col(LitigationHold.case_id) == case.id)).first():
        raise RuleRefused(f"Case {case_number} is already under a litigation hold.")
    uow.session.add(LitigationHold(case_id=case.id, reason=reason, placed_by=actor.username))  # type: ignore[arg-type]
    audit.record(uow.session, actor=actor.username, action="hold.place", entity="case", entity_id=case_number,
                 case_id=case.id, field="reason", new=reason)
    uow.commit()


def release_hold(uow: UnitOfWork, *, actor: Actor, case_number: str) -> None:
    """Release a case's litigation hold (retention applies to it again)."""
    actor = authorise(uow, actor, "litigation_hold")
    case = get_case(uow.session, case_number, viewer=actor)
    hold = uow.session.scalars(select(LitigationHold).where(col(LitigationHold.case_id) == case.id)).first()
    if hold is None:
        raise NotFound(f"Case {case_number} is not under a litigation hold.")
    uow.session.delete(hold)
    audit.record(uow.session, actor=actor.username, action="hold.release", entity="case", entity_id=case_number,
                 case_id=case.id, field="reason", old=hold.reason)
    uow.commit()


def holds(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """Every litigation hold: case number, reason, who placed it and when."""
    actor = authorise(uow, actor, "litigation_hold")
    rows = uow.session.execute(select(col(Case.case_number), col(LitigationHold.reason),
                                      col(LitigationHold.placed_by), col(LitigationHold.placed_at))
                               .join(Case, col(Case.id) == col(LitigationHold.case_id))
                               .order_by(col(LitigationHold.placed_at)))
    return [{"case_number": n, "reason": r, "placed_by": b, "placed_at": a} for n, r, b, a in rows]


@dataclass
class PurgeResult:
    """What a purge removed (or, on a dry run, would remove), counted per retention class."""

    dry_run: bool
    closed_before: str
    by_class: dict[str, int] = field(default_factory=dict)
    held: int = 0
    attachments: int = 0
    phone_events: int = 0  # the phone system's events past the profile's phone_events_kept_days
    wal_emptied: bool | None = None

    @property
    def cases(self) -> int:
        return sum(self.by_class.values())


def _held() -> Any:
    return col(Case.id).in_(select(col(LitigationHold.case_id)))


def _class_condition(profile: Profile, types: Sequence[str]) -> Any:
    if types:
        return col(Case.call_type).in_(types)
    named = [t for retention in profile.retention for t in retention.call_types]
    return not_(col(Case.call_type).in_(named)) if named else true()


def purge(uow: UnitOfWork, *, actor: Actor, profile: Profile, closed_before: date, dry_run: bool = False,
          today: date | None = None) -> PurgeResult:
    """Remove closed cases closed before `closed_before` and past their class's retention (held cases stay), and
    the phone system's events past the profile's `phone_events_kept_days` (a call linked to a case follows it)."""
    actor = authorise(uow, actor, "purge")
    if not profile.retention:
        raise RuleRefused(f"The {profile.name} profile sets no retention classes, so nothing may be purged.")
    session = uow.session
    today = today or utcnow().astimezone(profile.tz).date()
    result = PurgeResult(dry_run, closed_before.isoformat())
    doomed: list[Any] = []
    for retention in profile.retention:
        cutoff_day = min(closed_before, retention_cutoff(today, retention.years))
        cutoff = datetime.combine(cutoff_day, time.min, tzinfo=profile.tz)
        past = and_(col(Case.protocol) == profile.name, col(Case.status) == "closed",
                    col(Case.closed_at) < cutoff, _class_condition(profile, retention.call_types))
        result.by_class[retention.name] = int(session.scalar(
            select(func.count()).select_from(Case).where(past, not_(_held()))) or 0)
        result.held += int(session.scalar(select(func.count()).select_from(Case).where(past, _held())) or 0)
        doomed.append(and_(past, not_(_held())))
    where = or_(*doomed)
    letters = [Path(p) for p in session.scalars(  # type: ignore[arg-type]
        select(col(Resolution.letter_path)).join(Case, col(Case.id) == col(Resolution.case_id))
        .where(where, col(Resolution.letter_path).is_not(None)))]
    result.attachments = sum(1 for p in letters if p.is_file())
    ids = select(col(Case.id)).where(where).scalar_subquery()
    calls = phone_events_past(profile, now=datetime.combine(today, time.min, tzinfo=profile.tz),
                              doomed_cases=select(col(Case.id)).where(where))
    result.phone_events = count_phone_events(session, calls)
    if dry_run:
        return result
    delete_phone_events(session, calls)  # first: a call follows its case, read through the case
    # Callbacks keep a caller's name and phone and would only be unlinked (SET NULL): remove them first.
    session.execute(delete(Callback).where(col(Callback.case_id).in_(ids)))
    session.execute(delete(Case).where(col(Case.id).in_(ids)))
    audit.record(session, actor=actor.username, action="retention.purge", entity="retention",
                 entity_id=profile.name, field="counts",
                 new=json.dumps({"closed_before": result.closed_before, "cases": result.cases, **result.by_class,
                                 "held_kept": result.held, "attachments": result.attachments,
                                 "phone_events": result.phone_events}))
    uow.commit()
    for letter in letters:
        if letter.is_file():
            letter.unlink()
    result.wal_emptied = checkpoint(uow.engine)
    return result


def _caller_filter(profile: Profile, who: str) -> tuple[Any, str]:
    """Cases of the caller named by a phone number or an email address, and which of the two it was."""
    text = (who or "").strip()
    if "@" in text:
        return and_(col(Case.protocol) == profile.name, col(Case.email) == normalise_email(text)), "email"
    digits = phone_digits(text)
    if len(digits) < 7:
        raise InvalidInput(f"'{text}' is neither an email address nor a phone number.", field="caller")
    return and_(col(Case.protocol) == profile.name, col(Case.phone_digits) == digits), "phone"


def caller_export(uow: UnitOfWork, *, actor: Actor, profile: Profile, who: str) -> list[dict[str, Any]]:
    """Everything stored about the caller with this phone or email (their own data, unredacted); audited."""
    actor = authorise(uow, actor, "export_personal")
    where, kind = _caller_filter(profile, who)
    secret = pseudonym_secret(uow.session)
    cases = [case_values(profile, details, secret=secret, redacted=False)
             for details in iter_details(uow.session, where)]
    digits = phone_digits(who) if kind == "phone" else None
    callbacks = [{"received_at": c.received_at.isoformat(timespec="seconds"), "caller_name": c.caller_name,
                  "phone": c.phone or "", "message": c.message, "done": c.done_at is not None}
                 for c in uow.session.scalars(select(Callback).where(col(Callback.phone) == f"+{digits}"))
                 ] if digits else []
    audit.record(uow.session, actor=actor.username, action="caller.export", entity="caller", entity_id=kind,
                 field="count", new=len(cases))
    uow.commit()
    return [*cases, *({"callback": c} for c in callbacks)]


@dataclass
class ErasureResult:
    """How many of the caller's cases were erased, and how many a litigation hold kept."""

    cases: int = 0
    held: int = 0
    callbacks: int = 0
    wal_emptied: bool | None = None


def caller_erase(uow: UnitOfWork, *, actor: Actor, profile: Profile, who: str) -> ErasureResult:
    """Remove the caller's name, phone and email, their students' identities, and those details in free text,
    from every case of theirs not under a litigation hold; the cases themselves stay counted, anonymous."""
    actor = authorise(uow, actor, "purge")
    session = uow.session
    where, kind = _caller_filter(profile, who)
    result = ErasureResult(held=int(session.scalar(select(func.count()).select_from(Case).where(where, _held()))
                                    or 0))
    digits = phone_digits(who) if kind == "phone" else None
    for details in list(iter_details(session, and_(where, not_(_held())))):
        known = details.known()
        redact = Redactor(known)
        case = details.case
        for name in (*CASE_NARRATIVE, "routing_notes"):
            setattr(case, name, redact(getattr(case, name) or ""))
        if details.resolution is not None:
            res = details.resolution
            res.response, res.outcome = redact(res.response), redact(res.outcome)
            res.alleged_violation = redact(res.alleged_violation) if res.alleged_violation else None
            session.add(res)
        case.caller_name, case.caller_name_key = ERASED, normalise_name(ERASED)
        case.caller_name_words = name_words(ERASED)
        case.phone = case.phone_digits = case.email = None
        case.address = case.address_id = case.media_url = case.latitude = case.longitude = None
        for student in details.students:
            student.name, student.student_ref, student.birth_date = ERASED, None, None
            session.add(student)
        _erase_children(session, case.id, redact)
        session.add(case)
        result.cases += 1
        audit.record(session, actor=actor.username, action="caller.erase", entity="case",
                     entity_id=case.case_number, case_id=case.id, field="caller_name", new=ERASED)
        if digits is None and case.id is not None:
            result.callbacks += _erase_callbacks(session, col(Callback.case_id) == case.id)
    if digits:
        # Callbacks keep the phone in E.164, the same digits with a "+".
        result.callbacks += _erase_callbacks(session, col(Callback.phone) == f"+{digits}")
        # The phone system's record of their calls keeps that a call came, not from whom.
        session.execute(update(PhoneEvent).where(col(PhoneEvent.phone_digits) == digits).values(
            from_number="", to_number="", phone_digits=""))
    audit.record(session, actor=actor.username, action="caller.erase", entity="caller", entity_id=kind,
                 field="counts", new=json.dumps({"cases": result.cases, "held_kept": result.held,
                                                 "callbacks": result.callbacks}))
    uow.commit()
    result.wal_emptied = checkpoint(uow.engine)
    return result


def _erase_children(session: Any, case_id: int | None, redact: Redactor) -> None:
    """The caller's details out of the case's follow-ups, escalations, consents and disclosures."""
    for entry in session.scalars(select(FollowUp).where(col(FollowUp.case_id) == case_id)):
        entry.done, entry.pending = redact(entry.done), redact(entry.pending)
    for step in session.scalars(select(Escalation).where(col(Escalation.case_id) == case_id)):
        step.reason = redact(step.reason)
    for event in session.scalars(select(ClockEvent).where(col(ClockEvent.case_id) == case_id)):
        event.note = redact(event.note)
    for planned in session.scalars(select(PlanStep).where(col(PlanStep.case_id) == case_id)):
        planned.step = redact(planned.step)
    students = select(col(Student.id)).where(col(Student.case_id) == case_id)
    for consent in session.scalars(select(Consent).where(col(Consent.student_id).in_(students))):
        consent.signed_by = ERASED
        consent.recipient, consent.purpose = redact(consent.recipient), redact(consent.purpose)
    for disclosure in session.scalars(select(Disclosure).where(col(Disclosure.case_id) == case_id)):
        disclosure.recipient, disclosure.basis = redact(disclosure.recipient), redact(disclosure.basis)
    for mail in session.scalars(select(MailMessage).where(col(MailMessage.case_id) == case_id)):
        mail.sender, mail.recipient = ("", "") if mail.direction == "in" else ("", ERASED)
        mail.subject, mail.body, mail.raw = redact(mail.subject), redact(mail.body), None


def _erase_callbacks(session: Any, where: Any) -> int:
    return int(session.execute(delete(Callback).where(where)).rowcount or 0)
