"""Who sees which cases, applied in one place: every read and every write of a case goes through `sees` (a SQL
condition on `cases`), so a case a person may not see is, for them, a case that does not exist.

The rule itself is `calldesk.rules.permissions.SCOPES` (README, "Who sees what"); on PostgreSQL the database's
row-level security states the same (calldesk.store.db.security), so a login that bypasses calldesk sees no more.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, func, or_, true

from calldesk.models import Case
from calldesk.rules.permissions import scope_of
from calldesk.store.db.users import Actor

T = Case.__table__.c  # type: ignore[attr-defined]


def scope(viewer: Actor) -> str:
    """"all", "own" or "places" (the store's only user sees everything: a one-person office)."""
    return "all" if viewer.sole else scope_of(viewer.role)


def sees(viewer: Actor | None) -> ColumnElement[bool]:
    """The cases `viewer` may see, as a condition on `cases` (None: the store's own work, e.g. a migration)."""
    if viewer is None:
        return true()
    kind = scope(viewer)
    if kind == "all":
        return true()
    if kind == "places":
        if not viewer.places:
            return false()
        return or_(T.school.in_(viewer.places), T.department.in_(viewer.places))
    return or_(T.assigned_to == viewer.username, T.opened_by == viewer.username,
               T.previous_assignee == viewer.username, and_(T.assigned_to.is_(None), T.owner_role == viewer.role))


def sees_among(viewer: Actor | None) -> ColumnElement[bool]:
    """`sees` as a filter over the rows another index finds (a prefix of a name, a phone): the same rule, written
    so that no index of it drives the query (else the planner reads every case of the viewer's, then sorts)."""
    if viewer is None or scope(viewer) != "own":
        return sees(viewer)
    me = viewer.username

    def plain(column: ColumnElement[str]) -> ColumnElement[str]:
        return func.coalesce(column, "")

    return or_(plain(T.assigned_to) == me, plain(T.opened_by) == me, plain(T.previous_assignee) == me,
               and_(plain(T.assigned_to) == "", plain(T.owner_role) == viewer.role))


def sees_all(viewer: Actor | None) -> bool:
    """True when no case is hidden from `viewer`."""
    return viewer is None or scope(viewer) == "all"
