"""Appending audit events: who, what, which field, old -> new, when (in the writer's transaction)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine
from sqlmodel import Session, select

from calldesk.errors import StoreError
from calldesk.models import AuditEvent, StoreSecret, utcnow
from calldesk.rules.free_text import FINGERPRINTED

# Free text is audited by a keyed fingerprint, never verbatim: a narrative later found to describe abuse must
# not survive in an append-only trail, and without the store's own key a guessed sentence cannot be confirmed.
# Which names are narrative: the one classification of free text (calldesk.rules.free_text).
NARRATIVE = FINGERPRINTED
# Personal data is audited by reference: the event says the field changed on this case (its case id), the value
# stays in the record it belongs to, where erasure and retention can reach it.
PERSONAL = frozenset({"caller_name", "caller_name_key", "phone", "phone_digits", "email", "name", "student_name",
                      "student_ref", "birth_date", "recipient", "signed_by", "full_name"})
PERSONAL_MARK = "(personal data: see the record)"
_KEYS: WeakKeyDictionary[Engine, bytes] = WeakKeyDictionary()


def audit_key(session: Session) -> bytes:
    """The store's secret for narrative fingerprints (made by the schema upgrade; read once per engine)."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    if engine not in _KEYS:
        row = session.exec(select(StoreSecret.value).where(StoreSecret.name == "audit")).first()
        if row is None:
            raise StoreError("The store has no audit key: run `calldesk db upgrade`.")
        _KEYS[engine] = bytes.fromhex(row)
    return _KEYS[engine]


def audit_value(field: str | None, value: Any, *, key: bytes = b"") -> str | None:
    """How a value is written into the trail."""
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, datetime | date) else str(value)
    if field in PERSONAL:
        return PERSONAL_MARK if text else ""
    if field in NARRATIVE:
        if not text:
            return ""
        digest = hmac.new(key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]
        return f"[text {len(text)} chars hmac:{digest}]"
    return text


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = "",
    case_id: int | None = None,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
) -> None:
    """Append one audit event to the session (committed with the change it describes)."""
    key = audit_key(session) if field in NARRATIVE else b""
    session.add(
        AuditEvent(
            at=utcnow(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            case_id=case_id,
            field=field,
            old=audit_value(field, old, key=key),
            new=audit_value(field, new, key=key),
        )
    )


def record_changes(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    case_id: int | None,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> list[str]:
    """One event per field whose value changed; returns the changed field names."""
    changed = [k for k in after if before.get(k) != after[k]]
    for key in changed:
        record(session, actor=actor, action=action, entity=entity, entity_id=entity_id,
               case_id=case_id, field=key, old=before.get(key), new=after[key])
    return changed
