"""Blocked numbers: a supervisor blocks a caller's number (`calldesk phone block NUMBER --reason ...`), the listener
answers that number's rings with Zammad's reject and keeps them marked blocked (README, "The phone").

Numbers are matched by their digits as the normaliser gives them (calldesk.rules.contact), so "+1 (310) 555-1234"
blocked stops a ring from "3105551234". Each block and unblock is one transaction with its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from calldesk.errors import InvalidInput, NotFound, RuleRefused
from calldesk.models import BlockedNumber
from calldesk.rules.contact import normalise_phone, phone_digits
from calldesk.rules.phone import block_reason
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise, check


@dataclass(frozen=True)
class Blocked:
    """One blocked number as listed: the number, why, by whom and since when."""

    phone: str
    reason: str
    blocked_by: str
    blocked_at: datetime


def _number(number: str) -> tuple[str, str]:
    """The number in E.164 and its digits; InvalidInput (one line) when it is not a phone number."""
    phone = normalise_phone(number)
    return phone, phone_digits(phone)


def block_number(uow: UnitOfWork, *, actor: Actor, number: str, reason: str) -> Blocked:
    """Block `number`: from now on the listener rejects its rings. RuleRefused when it is blocked already."""
    actor = authorise(uow, actor, "block_number")
    phone, digits = _number(number)
    try:
        why = block_reason(reason)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="reason") from None
    session = uow.session
    if session.exec(select(BlockedNumber.id).where(BlockedNumber.phone_digits == digits)).first() is not None:
        raise RuleRefused(f"{phone} is blocked already: `calldesk phone blocked` lists why.")
    row = BlockedNumber(phone=phone, phone_digits=digits, reason=why, blocked_by=actor.username)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # blocked by another supervisor at the same moment
        raise RuleRefused(f"{phone} is blocked already: `calldesk phone blocked` lists why.") from None
    audit.record(session, actor=actor.username, action="phone.block", entity="blockednumber", entity_id=row.id,
                 field="phone", new=phone)
    audit.record(session, actor=actor.username, action="phone.block", entity="blockednumber", entity_id=row.id,
                 field="reason", new=why)
    uow.commit()
    return Blocked(phone, why, row.blocked_by, row.blocked_at)


def unblock_number(uow: UnitOfWork, *, actor: Actor, number: str) -> None:
    """Unblock `number`: its rings pop again. NotFound when it is not blocked."""
    actor = authorise(uow, actor, "block_number")
    phone, digits = _number(number)
    session = uow.session
    row = session.exec(select(BlockedNumber).where(BlockedNumber.phone_digits == digits)).first()
    if row is None:
        raise NotFound(f"{phone} is not blocked.")
    audit.record(session, actor=actor.username, action="phone.unblock", entity="blockednumber",
                 entity_id=row.id, field="phone", old=phone)
    session.delete(row)
    uow.commit()


def blocked_numbers(session: Session, *, viewer: Actor) -> list[Blocked]:
    """Every blocked number, the newest block first (supervisors and admins)."""
    check(session, viewer, "block_number")
    rows = session.exec(select(BlockedNumber).order_by(col(BlockedNumber.blocked_at).desc()))
    return [Blocked(r.phone, r.reason, r.blocked_by, r.blocked_at) for r in rows]


def is_blocked(session: Session, digits: str) -> bool:
    """True when calls from these digits are blocked (the listener asks on every ring: one indexed read)."""
    if not digits:
        return False
    return session.exec(select(BlockedNumber.id).where(BlockedNumber.phone_digits == digits)).first() is not None
