"""The open callbacks a user must return: their own, and a supervisor's cover for absent staff."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from calldesk.models import Callback, CallbackPublic, Case, User
from calldesk.rules.calendar import calendar_for
from calldesk.rules.callbacks import covering_supervisor_needed
from calldesk.rules.profile import Profile
from calldesk.store.db.users import named_user


def callbacks_for(session: Session, *, profile: Profile, username: str, today: date) -> list[CallbackPublic]:
    """Open callbacks a user must return: their own, plus (for a supervisor) those of staff absent over a day.
    NotFound when there is no user `username` (a misspelt name would list nothing, as if all were returned)."""
    named_user(session, username)
    calendar = calendar_for(profile, day_kind="business")
    covered = [u.username for u in session.exec(select(User).where(User.supervisor == username))
               if covering_supervisor_needed(absent_since=u.absent_since, today=today, calendar=calendar)]
    # Each callback with its case's number in the one statement (not a read of the case per callback).
    query = (select(Callback, Case.case_number).outerjoin(Case, col(Case.id) == col(Callback.case_id))
             .where(col(Callback.done_at).is_(None), col(Callback.assigned_to).in_([username, *covered]))
             .order_by(col(Callback.due_at)))
    return [_shown(c, number, covering_for=c.assigned_to if c.assigned_to != username else None)
            for c, number in session.exec(query)]


def public_callback(session: Session, row: Callback, **update: Any) -> CallbackPublic:
    """`row` as shown: with its case's number (case_number, as every listing names a case) and `update`."""
    number = session.exec(select(Case.case_number).where(col(Case.id) == row.case_id)).first() \
        if row.case_id is not None else None
    return _shown(row, number, **update)


def _shown(row: Callback, case_number: str | None, **update: Any) -> CallbackPublic:
    return CallbackPublic.model_validate(row).model_copy(update={"case_number": case_number, **update})
