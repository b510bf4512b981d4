"""Retention of the phone system's events, part of `calldesk purge` (calldesk.store.services.retention).

An event older than the profile's `phone_events_kept_days` goes, unless its call is linked to a case that stays:
the case its pop opened (the case carries the call's client id, rules.phone.call_client_id) or the case its
missed-call callback became part of. A call linked to a case the same purge removes goes with that case.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, literal, or_, select, union
from sqlmodel import Session, col

from calldesk.models import Callback, Case, PhoneEvent
from calldesk.rules.profile import Profile


def _linked(case_ids: Any, *, among: bool) -> Any:
    """The call ids linked to a case whose id is (`among`) or is not in `case_ids`. A call id of more than 60
    characters reaches its case by its callback only (its client id is a digest, not the id)."""
    def pick(case: Any) -> Any:
        return case.in_(case_ids) if among else case.not_in(case_ids)

    popped = col(Case.client_id) == literal("cti:") + col(PhoneEvent.call_id)
    by_pop = select(col(PhoneEvent.call_id)).join(Case, popped).where(pick(col(Case.id)))
    by_callback = (select(col(PhoneEvent.call_id)).join(Callback, col(Callback.id) == col(PhoneEvent.callback_id))
                   .where(col(Callback.case_id).is_not(None), pick(col(Callback.case_id))))
    return union(by_pop, by_callback)


def phone_events_past(profile: Profile, *, now: datetime, doomed_cases: Any) -> Any:
    """Where an event is past its retention: older than the profile's days and of no case that stays, or of a
    case in `doomed_cases` (a subquery of the case ids this purge removes)."""
    cutoff = now - timedelta(days=profile.phone_events_kept_days)
    kept = _linked(doomed_cases, among=False)
    return or_(col(PhoneEvent.call_id).in_(_linked(doomed_cases, among=True)),
               (col(PhoneEvent.at) < cutoff) & col(PhoneEvent.call_id).not_in(kept))


def count_phone_events(session: Session, where: Any) -> int:
    """How many phone events `where` (from `phone_events_past`) removes."""
    return int(session.execute(select(func.count()).select_from(PhoneEvent).where(where)).scalar() or 0)


def delete_phone_events(session: Session, where: Any) -> None:
    """Remove them (before the cases they follow: their links are read from those cases)."""
    session.execute(delete(PhoneEvent).where(where))
