"""A case's history: its audit trail with those of every case merged into it, in time order."""

from __future__ import annotations

from sqlmodel import Session, col, select

from calldesk.models import (
    Case,
    CaseLink,
)
from calldesk.store.db import audit
from calldesk.store.db.audit import HistoryEntry
from calldesk.store.db.users import Actor
from calldesk.store.db.visibility import sees
from calldesk.store.read.one_case import get_case


def _merged_cases(session: Session, case: Case, viewer: Actor | None) -> list[Case]:
    """Every case merged into `case` that `viewer` may see, directly or through a case merged into it (oldest merge
    first): one they may not see does not exist for them, its trail included (as row-level security says on
    PostgreSQL)."""
    found: list[Case] = []
    frontier = [case.id]
    while frontier:
        rows = session.exec(select(Case).join(CaseLink, col(CaseLink.case_id) == Case.id)
                            .where(col(CaseLink.linked_case_id).in_(frontier), CaseLink.kind == "merged",
                                   sees(viewer))
                            .order_by(col(CaseLink.id))).all()
        rows = [r for r in rows if r not in found and r.id != case.id]
        found.extend(rows)
        frontier = [r.id for r in rows]
    return found


def case_history(session: Session, case_number: str, *, viewer: Actor | None) -> list[HistoryEntry]:
    """The case's audit trail, with the trails of every case merged into it, in time order (a case `viewer`
    may see)."""
    case = get_case(session, case_number, viewer=viewer)
    assert case.id is not None
    return audit.case_history(session, {c.id: c.case_number for c in [case, *_merged_cases(session, case, viewer)]
                                        if c.id is not None})
