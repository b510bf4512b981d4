"""Autosaved intake drafts: nothing typed is lost if the terminal dies (never the abuse narrative)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from calldesk.errors import PermissionDenied
from calldesk.models import Case, Draft, utcnow
from calldesk.rules.abuse import scrub_narrative
from calldesk.store.db import audit
from calldesk.store.db.scrub import scrub_files
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise

ABUSE_FLAG = "abuse_marked"


def save_draft(uow: UnitOfWork, *, actor: Actor, client_id: str, form: Mapping[str, Any]) -> None:
    """Upsert the form as typed; a form marked as suspected abuse is saved without its narrative."""
    actor = authorise(uow, actor, "take_call")
    values = dict(form)
    saved = uow.session.exec(select(Case.abuse_marked).where(Case.client_id == client_id)).first()
    abuse = bool(values.get(ABUSE_FLAG)) or bool(saved)  # a case marked elsewhere takes no narrative either
    if abuse:
        values = {**scrub_narrative(values), ABUSE_FLAG: True}
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
        scrub_files(uow.engine)  # the overwritten narrative must not linger in SQLite's WAL


def scrub_drafts(session: Session, client_id: str) -> None:
    """The call's draft keeps its form without the narrative (the caller commits and scrubs the files)."""
    for draft in session.exec(select(Draft).where(Draft.client_id == client_id)):
        try:
            values = json.loads(draft.form)
        except ValueError:
            values = {}
        if not isinstance(values, dict):
            values = {}
        draft.form = json.dumps({**scrub_narrative(values), ABUSE_FLAG: True}, default=str, sort_keys=True)
        draft.updated_at = utcnow()


def drafts_of(session: Session, username: str) -> list[tuple[str, dict[str, Any]]]:
    """The user's unsaved intake forms, newest first: (client_id, form)."""
    rows = session.exec(select(Draft).where(Draft.owner == username).order_by(col(Draft.updated_at).desc()))
    return [(d.client_id, json.loads(d.form)) for d in rows]


def discard_draft(uow: UnitOfWork, *, actor: Actor, client_id: str) -> int:
    """Remove the user's draft of one call (the agent said so, or the case now holds it); audited. Returns how many."""
    actor = authorise(uow, actor, "take_call")
    rows = list(uow.session.exec(select(Draft).where(Draft.client_id == client_id, Draft.owner == actor.username)))
    for draft in rows:
        uow.session.delete(draft)
        audit.record(uow.session, actor=actor.username, action="draft.discard", entity="draft", entity_id=client_id)
    uow.commit()
    if rows:
        scrub_files(uow.engine)  # a discarded draft's text must not linger in SQLite's WAL
    return len(rows)
