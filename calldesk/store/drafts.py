"""Autosaved intake drafts: nothing typed is lost if the terminal dies (never the abuse narrative)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from calldesk.errors import PermissionDenied
from calldesk.models import Draft, utcnow
from calldesk.rules.abuse import scrub_narrative
from calldesk.store.engine import checkpoint
from calldesk.store.uow import UnitOfWork
from calldesk.store.users import Actor, authorise

ABUSE_FLAG = "abuse_marked"


def save_draft(uow: UnitOfWork, *, actor: Actor, client_id: str, form: Mapping[str, Any]) -> None:
    """Upsert the form as typed; a form marked as suspected abuse is saved without its narrative."""
    actor = authorise(uow, actor, "take_call")
    values = dict(form)
    abuse = bool(values.get(ABUSE_FLAG))
    if abuse:
        values = scrub_narrative(values)
    payload = json.dumps(values, default=str, sort_keys=True)
    draft = uow.session.exec(select(Draft).where(Draft.client_id == client_id)).first()
    if draft is not None and draft.owner != actor.username:
        raise PermissionDenied("That unsaved call belongs to someone else; start a new call.")
    if draft is None:
        uow.session.add(Draft(client_id=client_id, owner=actor.username, form=payload, updated_at=utcnow()))
    else:
        draft.form, draft.updated_at = payload, utcnow()
    uow.commit()
    if abuse:
        checkpoint(uow.engine)  # the overwritten narrative must not linger in SQLite's WAL


def drafts_of(session: Session, username: str) -> list[tuple[str, dict[str, Any]]]:
    """The user's unsaved intake forms, newest first: (client_id, form)."""
    rows = session.exec(select(Draft).where(Draft.owner == username).order_by(col(Draft.updated_at).desc()))
    return [(d.client_id, json.loads(d.form)) for d in rows]


def discard_draft(uow: UnitOfWork, *, actor: Actor, client_id: str) -> None:
    actor = authorise(uow, actor, "take_call")
    for draft in uow.session.exec(select(Draft).where(Draft.client_id == client_id, Draft.owner == actor.username)):
        uow.session.delete(draft)
    uow.commit()
