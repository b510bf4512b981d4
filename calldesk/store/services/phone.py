"""The phone system's events: each stored once, a missed call made a callback, the caller log, the pop.

One event posted = one service call = one transaction (`record_event`). A retried post (the phone system did not
see the answer) finds its row and changes nothing, also when two retries race (the row is unique on the call's id
and the event).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from calldesk.errors import CalldeskError, InvalidInput, NotFound
from calldesk.models import Callback, CallbackCreate, CallbackPublic, Case, PhoneEvent, StoreSecret, utcnow
from calldesk.rules.contact import normalise_phone, phone_digits
from calldesk.rules.phone import (
    CallEvent,
    CallLine,
    StoredEvent,
    call_client_id,
    call_lines,
    is_missed,
    is_rejected,
    missed_call_message,
)
from calldesk.rules.phone_match import maybe_numbers
from calldesk.rules.profile import Profile
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise, check
from calldesk.store.read.queries import EarlierCall, caller_history
from calldesk.store.services.callbacks import add_callback
from calldesk.store.services.phone_blocks import is_blocked

TOKEN_NAME = "cti"


def cti_token(session: Session) -> str:
    """The store's CTI token (the secret part of the listener's URL); NotFound when this login may not read it."""
    found = session.get(StoreSecret, TOKEN_NAME)
    if found is None:
        raise NotFound("This store has no phone token you may read: run `calldesk db upgrade` as its admin, "
                       "or sign in as a desk login.")
    return found.value


@dataclass(frozen=True)
class Recorded:
    """What one posted event did: stored (False: a retry of one already kept), the callback a missed call made, and
    whether the call is a blocked number's (its ring is answered with a reject)."""

    stored: bool
    callback: CallbackPublic | None = None
    blocked: bool = False


def record_event(uow: UnitOfWork, *, actor: Actor, profile: Profile, event: CallEvent,
                 at: datetime | None = None) -> Recorded:
    """Keep one CTI event (once); a hang-up that leaves an incoming call unanswered (cancel, noAnswer) makes a
    callback due by the callback rule (rules.callbacks: within one business day of the ring). A ring from a blocked
    number is kept marked blocked (`blocked`: answer it with the reject), and its call makes no callback."""
    actor = authorise(uow, actor, "record_phone")
    session = uow.session
    digits = phone_digits(event.caller_number)[:20]
    kept = _kept(session, event.call_id, event.event)
    if kept is not None:
        return Recorded(stored=False, blocked=kept)
    now = at or utcnow()
    blocked = is_rejected(event, is_blocked(session, digits)) or (
        event.event != "newCall" and _call_blocked(session, event.call_id))
    row = PhoneEvent(call_id=event.call_id, event=event.event, at=now, direction=event.direction,
                     from_number=event.from_number, to_number=event.to_number,
                     phone_digits=digits, users=",".join(event.users)[:500],
                     queue=event.queue, answering_number=event.answering_number, cause=event.cause,
                     recorded_by=actor.username, blocked=blocked)
    with uow.one_commit():
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # the same event, retried at the same moment, was kept by the other post
            session.rollback()
            return Recorded(stored=False)
        callback = (_missed_callback(uow, actor, profile, event, row)
                    if event.event == "hangup" and not blocked else None)
    uow.commit()
    return Recorded(stored=True, callback=callback, blocked=blocked)


def _kept(session: Session, call_id: str, event: str) -> bool | None:
    """None when this event of the call is not kept yet; else whether it was kept as a blocked number's."""
    return session.exec(select(PhoneEvent.blocked).where(PhoneEvent.call_id == call_id,
                                                         PhoneEvent.event == event)).first()


def _call_blocked(session: Session, call_id: str) -> bool:
    """The call's ring was a blocked number's (its answer and hang-up are kept marked so too)."""
    return session.exec(select(PhoneEvent.id).where(PhoneEvent.call_id == call_id, PhoneEvent.event == "newCall",
                                                    PhoneEvent.blocked == True)).first() is not None  # noqa: E712


def _missed_callback(uow: UnitOfWork, actor: Actor, profile: Profile, event: CallEvent,
                     row: PhoneEvent) -> CallbackPublic | None:
    earlier = list(uow.session.exec(select(PhoneEvent).where(PhoneEvent.call_id == event.call_id,
                                                             col(PhoneEvent.id) != row.id)))
    answered = any(e.event == "answer" for e in earlier)
    if not is_missed(direction=event.direction, answered=answered, cause=event.cause):
        return None
    ring = next((e for e in earlier if e.event == "newCall"), None)
    number = event.caller_number or (ring.from_number if ring else "")
    try:
        phone: str | None = normalise_phone(number) if number else None
        name = ""
    except InvalidInput:  # an extension or a withheld number: kept as the caller's name, to read, not to dial
        phone, name = None, number
    queue = event.queue or (ring.queue if ring else "")
    rung = [u for u in (ring.users.split(",") if ring and ring.users else event.users) if u]
    # The first agent rung who is a calldesk user at work today has it; else whoever the listener runs as.
    for owner in [*rung, actor.username]:
        try:
            callback = add_callback(uow, actor=actor, profile=profile, data=CallbackCreate(
                caller_name=name or ("" if phone else "Unknown caller (number withheld)"), phone=phone,
                message=missed_call_message(queue, event.cause), assigned_to=owner,
                received_at=min(ring.at if ring else row.at, utcnow())))
        except CalldeskError:
            if owner == actor.username:
                raise
            continue
        row.callback_id = callback.id
        return callback
    return None


def phone_log(session: Session, *, viewer: Actor, since: datetime, queue: str | None = None,
              agent: str | None = None, limit: int = 500) -> list[CallLine]:
    """The caller log since `since`, one line per call, newest first: direction, number, queue, agent, ring,
    answer, hang-up, cause and the callback or case it became (for supervisors and admins)."""
    check(session, viewer, "phone_log")
    rows = session.exec(select(PhoneEvent).where(col(PhoneEvent.at) >= since).order_by(col(PhoneEvent.at)))
    events = [StoredEvent.of(e) for e in rows]
    lines = [c for c in call_lines(events) if (not queue or c.queue == queue) and (not agent or c.agent == agent)]
    lines = lines[:limit]
    callbacks = [c.callback_id for c in lines if c.callback_id]
    cases: dict[int, str] = {}
    if callbacks:
        query = (select(Callback.id, Case.case_number).join(Case, col(Case.id) == col(Callback.case_id))
                 .where(col(Callback.id).in_(callbacks)))
        cases = {cid: number for cid, number in session.execute(query) if cid is not None}
    # A case opened from the call's pop carries the call (its client id): the call's own case comes first.
    opened = {client: number for client, number in session.execute(
        select(Case.client_id, Case.case_number).where(
            col(Case.client_id).in_([call_client_id(c.call_id) for c in lines])))} if lines else {}
    return [CallLine(**{**c.__dict__, "case_number": opened.get(call_client_id(c.call_id))
                        or cases.get(c.callback_id or 0)}) for c in lines]


@dataclass(frozen=True)
class MaybeCase:
    """An earlier case by the ringing number written another way (rules.phone_match): maybe the same caller."""

    case: EarlierCall
    why: str


@dataclass(frozen=True)
class Pop:
    """What the desk shows of a ringing caller: the number, the call's id and ring time, the earlier cases by
    that exact number, earlier calls from it (the phone log), then the cases by the number written another way
    (`maybe`)."""

    number: str
    digits: str
    call_id: str | None
    ring_at: datetime
    earlier: list[EarlierCall]
    earlier_calls: int
    maybe: list[MaybeCase] = field(default_factory=list)


def pop_for(session: Session, *, viewer: Actor, number: str, call_id: str | None = None) -> Pop:
    """The pop for a ringing number: the caller's earlier cases (rules of "Who sees what": numbers, dates, types,
    categories for all; no student details) and how many earlier calls came from it."""
    check(session, viewer, "take_call")
    digits = phone_digits(number)
    if not digits:
        raise InvalidInput(f"'{number}' has no digits: give the caller's number.", field="number")
    ring = utcnow()
    if call_id:
        found = session.exec(select(PhoneEvent.at).where(PhoneEvent.call_id == call_id,
                                                         PhoneEvent.event == "newCall")).first()
        ring = found or ring
    earlier = caller_history(session, viewer=viewer, phone_digits=digits, limit=POPPED)
    calls = session.exec(select(PhoneEvent.call_id).where(PhoneEvent.phone_digits == digits,
                                                          PhoneEvent.event == "newCall")).all()
    return Pop(number=number, digits=digits, call_id=call_id, ring_at=ring, earlier=earlier,
               earlier_calls=len([c for c in calls if c != call_id]),
               maybe=_maybe_cases(session, viewer, digits, {c.case_number for c in earlier}))


POPPED = 5  # earlier cases the pop lists, exact ones and maybe ones each


def _maybe_cases(session: Session, viewer: Actor, digits: str, exact: set[str]) -> list[MaybeCase]:
    """The earlier cases by each other spelling of the number (one exact indexed read each), newest first within
    a spelling, none already listed as exact, at most POPPED."""
    found: list[MaybeCase] = []
    for other in maybe_numbers(digits):
        for case in caller_history(session, viewer=viewer, phone_digits=other.digits, limit=POPPED):
            if case.case_number not in exact and len(found) < POPPED:
                exact.add(case.case_number)
                found.append(MaybeCase(case, other.why))
    return found


def latest_ring(session: Session, *, user: str | None = None, after_id: int = 0) -> PhoneEvent | None:
    """The newest incoming ring (newCall) after event `after_id` for `user` (any user when None): what the
    desk's pop line shows."""
    query = select(PhoneEvent).where(PhoneEvent.event == "newCall", PhoneEvent.direction == "in",
                                     col(PhoneEvent.id) > after_id, PhoneEvent.blocked == False)  # noqa: E712
    if user:
        query = query.where(col(PhoneEvent.users).contains(user))
    return session.exec(query.order_by(col(PhoneEvent.id).desc()).limit(1)).first()
