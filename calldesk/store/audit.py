"""Appending audit events: who, what, which field, old -> new, when (in the writer's transaction)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from calldesk.models import AuditEvent, utcnow
from calldesk.rules.free_text import FINGERPRINTED

# Free text is audited by fingerprint, never verbatim: a narrative later found to describe abuse
# must not survive in an append-only trail. Which names are narrative: calldesk.rules.free_text.
NARRATIVE = FINGERPRINTED

# Personal fields are audited by reference: the trail says the field changed, the value stays on the record,
# so erasure and retention purges can remove it (stopgap until issue 11's audit-at-rest work lands).
PERSONAL = frozenset({"caller_name", "caller_name_key", "phone", "phone_digits", "email", "student_name",
                      "student_ref", "birth_date", "signed_by"})


def audit_value(field: str | None, value: Any) -> str | None:
    """How a value is written into the trail."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if field in PERSONAL:
        return "[personal: on the record]" if text else ""
    if field in NARRATIVE:
        if not text:
            return ""
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        return f"[text {len(text)} chars sha256:{digest}]"
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
    session.add(
        AuditEvent(
            at=utcnow(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            case_id=case_id,
            field=field,
            old=audit_value(field, old),
            new=audit_value(field, new),
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
