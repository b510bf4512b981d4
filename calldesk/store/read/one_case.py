"""One case by its number, if the viewer may see it (NotFound otherwise, as if there were none)."""

from __future__ import annotations

from sqlmodel import Session, select

from calldesk.errors import NotFound
from calldesk.models import Case, Resolution, ResolutionPublic
from calldesk.rules.case_numbers import full_case_number
from calldesk.store.db.uow import unstorable
from calldesk.store.db.users import Actor
from calldesk.store.db.visibility import sees


def get_case(session: Session, case_number: str, *, viewer: Actor | None, for_update: bool = False) -> Case:
    """The case numbered `case_number`, if `viewer` may see it (calldesk.store.db.visibility; None: the store's own
    work); NotFound otherwise, as if there were none. `for_update`: a writer locks its row (PostgreSQL; SQLite's
    writers hold the file lock), so concurrent writes to a case and its children queue instead of failing as
    stale."""
    if unstorable(case_number):
        raise NotFound(f"No case numbered like that (it contains {unstorable(case_number)}).")
    case_number = full_case_number(case_number)  # "2026-2" as Find reads it: every case-number input takes it
    query = select(Case).where(Case.case_number == case_number, sees(viewer))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    found = session.exec(query).first()
    if found is None:
        raise NotFound(f"No case numbered {case_number}.")
    return found


def case_resolution(session: Session, case: Case) -> ResolutionPublic | None:
    """The resolution written on `case` (a case get_case gave the viewer), or None while nothing is written."""
    found = session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    return ResolutionPublic.model_validate(found) if found is not None else None
