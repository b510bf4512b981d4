"""Breached and soon-due deadlines across the store: case clocks and callbacks (for cron and alerting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from calldesk.models import Callback, Case, utcnow
from calldesk.store.users import Actor, check

# The case clocks, in the words the queue uses.
CLOCKS = {"respond_by": "response", "acknowledge_by": "acknowledgement", "next_follow_up_by": "follow-up",
          "resolve_by": "resolution"}


@dataclass(frozen=True)
class Due:
    """One deadline that is breached or falls due within the look-ahead."""

    what: str  # response | acknowledgement | follow-up | resolution | callback
    case_number: str | None
    callback_id: int | None
    due: datetime
    breached: bool
    owner: str


def overdue(session: Session, *, actor: Actor, now: datetime | None = None, within_hours: int = 24) -> list[Due]:
    """Every open clock that is past due or due within `within_hours`, breached first, then soonest."""
    check(session, actor, "report")
    now = now or utcnow()
    horizon = now + timedelta(hours=within_hours)
    found: list[Due] = []
    cases = session.scalars(select(Case).where(col(Case.status) == "open", col(Case.next_deadline) <= horizon))
    for case in cases:
        for name, what in CLOCKS.items():
            due = getattr(case, name)
            if due is not None and due <= horizon:
                found.append(Due(what, case.case_number, None, due, due < now, case.assigned_to or case.owner_role))
    callbacks = session.scalars(select(Callback).where(col(Callback.done_at).is_(None),
                                                       col(Callback.due_at) <= horizon))
    for callback in callbacks:
        number = None
        if callback.case_id is not None:
            linked = session.get(Case, callback.case_id)
            number = linked.case_number if linked else None
        found.append(Due("callback", number, callback.id, callback.due_at, callback.due_at < now,
                         callback.assigned_to))
    return sorted(found, key=lambda d: (not d.breached, d.due))
