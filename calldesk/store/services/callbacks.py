"""Callbacks: messages and voicemails that must be returned on time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from calldesk.errors import InvalidInput, NotFound, RuleRefused
from calldesk.models import Callback, CallbackCreate, CallbackPublic, Case, utcnow
from calldesk.rules.calendar import calendar_for
from calldesk.rules.callbacks import (
    attempt_result,
    callback_due,
    check_present,
    check_received,
    intake_callback_message,
    intake_callback_needed,
    on_time_words,
)
from calldesk.rules.contact import normalise_phone
from calldesk.rules.profile import Profile
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, Staff, active_user, actor_for, authorise
from calldesk.store.db.visibility import sees, sees_all
from calldesk.store.read.callbacks_due import public_callback
from calldesk.store.read.one_case import get_case


def add_callback(uow: UnitOfWork, *, actor: Actor, profile: Profile, data: CallbackCreate) -> CallbackPublic:
    """A message becomes a callback task: urgent or from a superior due now, else within 1 business day."""
    return _add_callback(uow, actor=actor, profile=profile, data=data, case=None)


def _add_callback(uow: UnitOfWork, *, actor: Actor, profile: Profile, data: CallbackCreate,
                  case: Case | None, opened_now: bool = False) -> CallbackPublic:
    """add_callback; `case`: the case `data` names as this transaction already holds it, locked (a call's save),
    else it is read and locked here; `opened_now`: this transaction opened it (no one else has seen it)."""
    actor = authorise(uow, actor, "add_callback")
    if not (data.caller_name.strip() or data.phone):
        raise InvalidInput("Enter who called (a name or a phone number).", field="caller_name")
    now = utcnow()
    received = check_received(data.received_at, now=now) if data.received_at else now
    # (the actor, authorised just now, is an active user: one check for whoever gets the callback)
    owner = _present_user(uow.session, profile, data.assigned_to or actor.username, now, actor)
    if case is None and data.case_number:
        case = get_case(uow.session, data.case_number, viewer=actor, for_update=True)
        if owner != actor.username:  # (a call's own callback goes to its assignee or its agent: both see it)
            _works_case(uow.session, owner, case.id, case.case_number)
    # A message may have come in before its case was opened (a voicemail left at 8:05, typed in at 10:00 about the
    # case a colleague opened at 9:00 from the same caller's email): it is due from when it was received, as every
    # message is; refusing it would leave a later, untrue received time as the only way to link it to its case.
    case_id = case.id if case is not None else None
    if case is not None and not opened_now:
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
    return public_callback(uow.session, row)


def add_intake_callback(uow: UnitOfWork, *, actor: Actor, profile: Profile, case: Case,
                        opened_now: bool = False) -> CallbackPublic | None:
    """The callback a call ticked "Needs a call back" makes when it is saved (inside the call's save, its one
    transaction): on the case's assignee's list when they are at work today, else on the agent's; due by the
    callback rule (urgent: at once; otherwise within one business day). None when the case needs none.
    `opened_now`: the save opened the case (it has no callback yet)."""
    if not intake_callback_needed(needs_follow_up=case.needs_follow_up, case_has_callback=False):
        return None  # not ticked: no need to look for the case's callback
    has_one = not opened_now and \
        uow.session.exec(select(Callback.id).where(Callback.case_id == case.id)).first() is not None
    if not intake_callback_needed(needs_follow_up=case.needs_follow_up, case_has_callback=has_one):
        return None
    def callback_for(owner: str) -> CallbackPublic:  # (refused before it writes anything when owner is away)
        return _add_callback(uow, actor=actor, profile=profile, case=case, opened_now=opened_now, data=CallbackCreate(
            caller_name=case.caller_name or "", phone=case.phone, urgent=case.urgent, assigned_to=owner,
            message=intake_callback_message(case.case_number, case.category), case_number=case.case_number))

    if case.assigned_to and case.assigned_to != actor.username:
        try:
            return callback_for(case.assigned_to)
        except RuleRefused:
            pass  # away today: the agent who took the call has it (and can hand it on)
    return callback_for(actor.username)


def complete_callback(uow: UnitOfWork, *, actor: Actor, callback_id: int) -> CallbackPublic:
    actor = authorise(uow, actor, "complete_callback")
    row = _open(uow, callback_id, actor)
    _bump_case(uow, row, actor)
    row.done_at, row.done_by = utcnow(), actor.username
    audit.record(uow.session, actor=actor.username, action="callback.done", entity="callback", entity_id=row.id,
                 case_id=row.case_id, field="done_by", new=actor.username)
    uow.commit()
    return public_callback(uow.session, row)


def record_attempt(uow: UnitOfWork, *, actor: Actor, callback_id: int, result: str) -> CallbackPublic:
    """One try at returning the call: reached (the callback is then returned), voicemail or no answer."""
    actor = authorise(uow, actor, "complete_callback")
    try:
        word = attempt_result(result)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="result") from None
    row = _open(uow, callback_id, actor)
    _bump_case(uow, row, actor)
    audit.record(uow.session, actor=actor.username, action="callback.attempt", entity="callback",
                 entity_id=row.id, case_id=row.case_id, field="result", new=word)
    row.attempts, row.last_attempt, row.last_attempt_at = row.attempts + 1, word, utcnow()
    if word == "reached":
        row.done_at, row.done_by = utcnow(), actor.username
        audit.record(uow.session, actor=actor.username, action="callback.done", entity="callback",
                     entity_id=row.id, case_id=row.case_id, field="done_by", new=actor.username)
    uow.commit()
    return public_callback(uow.session, row)


def _open(uow: UnitOfWork, callback_id: int, actor: Actor) -> Callback:
    """Open callback `callback_id` as `actor` may see it (as the database's row-level security says on
    PostgreSQL: those who see every case, its holder, or who sees its case); NotFound otherwise."""
    query = select(Callback).where(Callback.id == callback_id)
    if not sees_all(actor):
        query = query.where(or_(col(Callback.assigned_to) == actor.username,
                                col(Callback.case_id).in_(select(Case.id).where(sees(actor)))))
    row = uow.session.exec(query).first()
    if row is None:
        raise NotFound(f"No callback {callback_id}.")
    if row.done_at is not None:
        raise RuleRefused(f"Callback {callback_id} was already returned.")
    return row


def _present_user(session: Session, profile: Profile, username: str, now: datetime, actor: Actor) -> str:
    """The active user `username` (UnknownUser otherwise), at work today (RuleRefused otherwise: a callback is
    never handed to someone absent), in one read; none for `actor`, as the store knows them in this transaction."""
    user = Staff(username, actor.absent_since) if username == actor.username else active_user(session, username)
    _at_work(profile, user, now)
    return user.username


def _at_work(profile: Profile, user: Staff, now: datetime) -> None:
    check_present(user.username, absent_since=user.absent_since, today=calendar_for(profile).local(now).date())


def reassign_callback(uow: UnitOfWork, *, actor: Actor, profile: Profile, callback_id: int,
                      to_user: str) -> CallbackPublic:
    """Supervisors hand an absent colleague's callbacks to someone present (never to someone absent)."""
    actor = authorise(uow, actor, "reassign", asked="hand a callback on")
    row = _open(uow, callback_id, actor)
    target = active_user(uow.session, to_user)
    if target.username == row.assigned_to:
        raise RuleRefused(f"Callback {callback_id} is already {target.username}'s.")
    _at_work(profile, target, utcnow())
    _bump_case(uow, row, actor, handed_to=target.username)
    audit.record(uow.session, actor=actor.username, action="callback.reassign", entity="callback",
                 entity_id=row.id, case_id=row.case_id, field="assigned_to", old=row.assigned_to,
                 new=target.username)
    row.assigned_to = target.username
    uow.commit()
    return public_callback(uow.session, row)


def reassess_urgency(uow: UnitOfWork, *, actor: Actor, profile: Profile, callback_id: int,
                     urgent: bool) -> CallbackPublic:
    """A supervisor's assessment of a message's urgency (LA DCFS): urgent is due at once, otherwise within one
    business day of receipt; the due time is computed again from when it was received. Audited."""
    actor = authorise(uow, actor, "assess_callback")
    row = _open(uow, callback_id, actor)
    if row.urgent == urgent:
        raise RuleRefused(f"Callback {callback_id} is already {'urgent' if urgent else 'not urgent'}.")
    _bump_case(uow, row, actor)
    due = callback_due(profile, received_at=row.received_at, urgent=urgent, from_superior=row.from_superior)
    audit.record(uow.session, actor=actor.username, action="callback.assess", entity="callback", entity_id=row.id,
                 case_id=row.case_id, field="urgent", old=row.urgent, new=urgent)
    audit.record(uow.session, actor=actor.username, action="callback.assess", entity="callback", entity_id=row.id,
                 case_id=row.case_id, field="due_at", old=row.due_at, new=due)
    row.urgent, row.due_at = urgent, due
    uow.commit()
    return public_callback(uow.session, row)


@dataclass(frozen=True)
class CallbackTimeliness:
    """Callbacks received in a period: how many were returned, how many of those on time, how many are open."""

    received: int
    returned: int
    on_time: int
    still_open: int

    @property
    def late(self) -> int:
        return self.returned - self.on_time

    def words(self) -> str:
        return on_time_words(on_time=self.on_time, returned=self.returned)

    def as_dict(self) -> dict[str, int | str]:
        return {"received": self.received, "returned": self.returned, "on_time": self.on_time, "late": self.late,
                "still_open": self.still_open, "share": self.words()}


def callback_timeliness(session: Session, *, since: datetime, until: datetime) -> CallbackTimeliness:
    """The callbacks received in [since, until): returned, returned on time (by their due time: later is late,
    rules.callbacks.returned_on_time) and still open; one statement."""
    in_period = and_(col(Callback.received_at) >= since, col(Callback.received_at) < until)
    returned = col(Callback.done_at).is_not(None)
    row = session.execute(select(
        func.count(), func.count(case((returned, 1))),
        func.count(case((and_(returned, col(Callback.done_at) <= col(Callback.due_at)), 1))),
    ).select_from(Callback).where(in_period)).one()
    received, done, on_time = (int(v or 0) for v in row)
    return CallbackTimeliness(received=received, returned=done, on_time=on_time, still_open=received - done)


def _bump_case(uow: UnitOfWork, row: Callback, actor: Actor, *, handed_to: str | None = None) -> None:
    """A callback of a case changes the case's version (its row locked first, as every child write does).
    RuleRefused, before anything is written, when `actor` does not see the case (it moved on from the callback's
    holder: the case is never written past the visibility rule) or `handed_to` does not work it."""
    if row.case_id is None:
        return
    case = uow.session.exec(select(Case).where(Case.id == row.case_id, sees(actor)).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if case is None:
        raise RuleRefused(f"Callback {row.id} is about a case you do not work (it has moved on): a supervisor hands "
                          "the callback to whoever works the case now.")
    if handed_to is not None:
        _works_case(uow.session, handed_to, case.id, case.case_number)
    case.updated_at = utcnow()


def _works_case(session: Session, username: str, case_id: int | None, number: str) -> None:
    """RuleRefused unless `username` sees case `number` (a callback about a case goes to someone who works it)."""
    person = actor_for(session, username)
    if session.exec(select(Case.id).where(Case.id == case_id, sees(person))).first() is None:
        raise RuleRefused(f"{username} does not work case {number}, which the callback is about: give it to someone "
                          f"who works the case, or assign the case to {username} first.")
