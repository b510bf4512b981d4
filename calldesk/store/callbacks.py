"""Callbacks: messages and voicemails that must be returned on time."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from calldesk.errors import InvalidInput, NotFound, RuleRefused
from calldesk.models import Callback, CallbackCreate, CallbackPublic, Case, User, utcnow
from calldesk.rules.calendar import calendar_for
from calldesk.rules.callbacks import attempt_result, callback_due, covering_supervisor_needed
from calldesk.rules.contact import normalise_phone
from calldesk.rules.profile import Profile
from calldesk.store import audit
from calldesk.store.cases import get_case
from calldesk.store.uow import UnitOfWork
from calldesk.store.users import Actor, actor_for, authorise


def add_callback(uow: UnitOfWork, *, actor: Actor, profile: Profile, data: CallbackCreate) -> CallbackPublic:
    """A message becomes a callback task: urgent or from a superior due now, else within 1 business day."""
    actor = authorise(uow, actor, "add_callback")
    if not (data.caller_name.strip() or data.phone):
        raise InvalidInput("Enter who called (a name or a phone number).", field="caller_name")
    received = data.received_at or utcnow()
    owner = actor_for(uow.session, data.assigned_to).username if data.assigned_to else actor.username
    case = get_case(uow.session, data.case_number, viewer=actor, for_update=True) if data.case_number else None
    case_id = case.id if case is not None else None
    if case is not None:
        case.updated_at = utcnow()  # bumps the case's version: a concurrent mark_abuse sees this callback
    message = "" if case is not None and case.abuse_marked else data.message.strip()
    row = Callback(caller_name=data.caller_name.strip(), phone=normalise_phone(data.phone) if data.phone else None,
                   message=message, urgent=data.urgent, from_superior=data.from_superior,
                   received_at=received, assigned_to=owner, case_id=case_id,
                   due_at=callback_due(profile, received_at=received, urgent=data.urgent,
                                       from_superior=data.from_superior))
    uow.session.add(row)
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="callback.add", entity="callback", entity_id=row.id,
                 case_id=case_id, field="assigned_to", new=owner)
    uow.commit()
    return CallbackPublic.model_validate(row)


def complete_callback(uow: UnitOfWork, *, actor: Actor, callback_id: int) -> CallbackPublic:
    actor = authorise(uow, actor, "complete_callback")
    row = _open(uow, callback_id)
    _bump_case(uow, row.case_id)
    row.done_at, row.done_by = utcnow(), actor.username
    audit.record(uow.session, actor=actor.username, action="callback.done", entity="callback", entity_id=row.id,
                 case_id=row.case_id, field="done_by", new=actor.username)
    uow.commit()
    return CallbackPublic.model_validate(row)


def record_attempt(uow: UnitOfWork, *, actor: Actor, callback_id: int, result: str) -> CallbackPublic:
    """One try at returning the call: reached (the callback is then returned), voicemail or no answer."""
    actor = authorise(uow, actor, "complete_callback")
    try:
        word = attempt_result(result)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="result") from None
    row = _open(uow, callback_id)
    _bump_case(uow, row.case_id)
    audit.record(uow.session, actor=actor.username, action="callback.attempt", entity="callback",
                 entity_id=row.id, case_id=row.case_id, field="result", new=word)
    if word == "reached":
        row.done_at, row.done_by = utcnow(), actor.username
        audit.record(uow.session, actor=actor.username, action="callback.done", entity="callback",
                     entity_id=row.id, case_id=row.case_id, field="done_by", new=actor.username)
    uow.commit()
    return CallbackPublic.model_validate(row)


def _open(uow: UnitOfWork, callback_id: int) -> Callback:
    row = uow.session.get(Callback, callback_id)
    if row is None:
        raise NotFound(f"No callback {callback_id}.")
    if row.done_at is not None:
        raise RuleRefused(f"Callback {callback_id} was already returned.")
    return row


def reassign_callback(uow: UnitOfWork, *, actor: Actor, callback_id: int, to_user: str) -> CallbackPublic:
    """Supervisors hand an absent colleague's callbacks to someone present."""
    actor = authorise(uow, actor, "reassign")
    row = _open(uow, callback_id)
    target = actor_for(uow.session, to_user)
    if target.username == row.assigned_to:
        raise RuleRefused(f"Callback {callback_id} is already {target.username}'s.")
    _bump_case(uow, row.case_id)
    audit.record(uow.session, actor=actor.username, action="callback.reassign", entity="callback",
                 entity_id=row.id, case_id=row.case_id, field="assigned_to", old=row.assigned_to,
                 new=target.username)
    row.assigned_to = target.username
    uow.commit()
    return CallbackPublic.model_validate(row)


def _bump_case(uow: UnitOfWork, case_id: int | None) -> None:
    """A callback of a case changes the case's version (its row locked first, as every child write does)."""
    if case_id is None:
        return
    case = uow.session.exec(select(Case).where(Case.id == case_id).with_for_update()
                            .execution_options(populate_existing=True)).one()
    case.updated_at = utcnow()


def callbacks_for(session: Session, *, profile: Profile, username: str, today: date) -> list[CallbackPublic]:
    """Open callbacks a user must return: their own, plus (for a supervisor) those of staff absent over a day."""
    calendar = calendar_for(profile, day_kind="business")
    covered = [u.username for u in session.exec(select(User).where(User.supervisor == username))
               if covering_supervisor_needed(absent_since=u.absent_since, today=today, calendar=calendar)]
    query = (select(Callback).where(col(Callback.done_at).is_(None),
                                    col(Callback.assigned_to).in_([username, *covered]))
             .order_by(col(Callback.due_at)))
    return [CallbackPublic.model_validate(c).model_copy(
                update={"covering_for": c.assigned_to if c.assigned_to != username else None})
            for c in session.exec(query)]
