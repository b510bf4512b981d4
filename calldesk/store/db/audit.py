"""Appending audit events: who, what, when, and the fields one change changed, old -> new (in the writer's
transaction); one event per change, like Request Tracker's transactions."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary

import orjson
from sqlalchemy import Connection, Engine
from sqlmodel import Session, col, select

from calldesk.errors import StoreError
from calldesk.models import AuditEvent, AuditEventPublic, StoreSecret, utcnow
from calldesk.rules.free_text import FINGERPRINTED

# Free text is audited by a keyed fingerprint, never verbatim: a narrative later found to describe abuse must
# not survive in an append-only trail, and without the store's own key a guessed sentence cannot be confirmed.
# Which names are narrative: the one classification of free text (calldesk.rules.free_text).
NARRATIVE = FINGERPRINTED
# Personal data is audited by reference: the event says the field changed on this case (its case id), the value
# stays in the record it belongs to, where erasure and retention can reach it.
PERSONAL = frozenset({"caller_name", "caller_name_key", "caller_name_words", "phone", "phone_digits", "email", "name",
                      "address", "address_id", "latitude", "longitude", "media_url",
                      "student_name", "student_ref", "birth_date", "recipient", "signed_by", "full_name"})
PERSONAL_MARK = "(personal data: see the record)"
_SPECIAL = PERSONAL | NARRATIVE
NOT_IN_SNAPSHOT = frozenset({"id", "version", "updated_at"})  # a new case's opening event keeps the rest
_KEYS: WeakKeyDictionary[Engine, bytes] = WeakKeyDictionary()
_DATES = (datetime, date)


def audit_key(session: Session) -> bytes | None:
    """The store's secret for narrative fingerprints (made by the schema upgrade; read once per engine). None on
    PostgreSQL, where no staff login reads it: the database fingerprints the trail's narrative itself
    (calldesk.store.db.security, the same words), so the text is handed to it as it is."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    if engine.dialect.name == "postgresql":
        return None
    if engine not in _KEYS:
        row = session.exec(select(StoreSecret.value).where(StoreSecret.name == "audit")).first()
        if row is None:
            raise StoreError("The store has no audit key: run `calldesk db upgrade`.")
        _KEYS[engine] = bytes.fromhex(row)
    return _KEYS[engine]


def _plain(value: Any) -> str:
    return value.isoformat() if isinstance(value, _DATES) else str(value)


def audit_value(field: str | None, value: Any, *, key: bytes | None = b"") -> str | None:
    """How a value is written into the trail (narrative with no `key`: as it is, for the database to
    fingerprint before it is stored)."""
    if value is None:
        return None
    if field not in PERSONAL and field not in NARRATIVE and type(value) is str:
        return value  # the common case, first
    text = _plain(value)
    if field in PERSONAL:
        return PERSONAL_MARK if text else ""
    if field in NARRATIVE:
        if not text or key is None:
            return text
        digest = hmac.new(key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]
        return f"[text {len(text)} chars hmac:{digest}]"
    return text


def changes_json(changes: Mapping[str, tuple[Any, Any]], *, key: bytes | None = b"") -> str:
    """The changed fields of one event as stored: JSON {field: [old, new]}, each value as the trail keeps it
    (narrative fingerprinted, personal data by reference)."""
    kept: dict[str, list[str | None]] = {}
    for name, (old, new) in changes.items():
        if name in _SPECIAL:
            kept[name] = [audit_value(name, old, key=key), audit_value(name, new, key=key)]
        else:  # audit_value's common case inline (a bulk import writes a million opening snapshots)
            kept[name] = [old if old is None or type(old) is str else _plain(old),
                          new if new is None or type(new) is str else _plain(new)]
    return _dumps(kept)


def _dumps(kept: dict[str, list[str | None]]) -> str:
    try:
        return orjson.dumps(kept).decode()  # a million opening snapshots in a bulk load: 8x json.dumps
    except orjson.JSONEncodeError:  # text orjson refuses (a lone surrogate): the standard library writes it
        return json.dumps(kept, ensure_ascii=False)


def event_row(*, at: datetime, actor: str, action: str, entity: str, entity_id: object, case_id: int | None,
              changes: Mapping[str, tuple[Any, Any]], key: bytes | None = b"") -> dict[str, Any]:
    """One audit event as a plain row (for a bulk insert: demo data, imports): one-field changes keep
    field/old/new too, as `record` writes them."""
    row = _event(at, actor, action, entity, entity_id, case_id, changes_json(changes, key=key) if changes else None)
    if len(changes) == 1:
        (name, (old, new)), = changes.items()
        row.update(field=name, old=audit_value(name, old, key=key), new=audit_value(name, new, key=key))
    return row


def opening_row(*, at: datetime, actor: str, entity_id: object, case_id: int | None, record: Mapping[str, Any],
                skip: frozenset[str], empty: tuple[Any, ...] = (None,),
                key: bytes | None = b"") -> dict[str, Any]:
    """The "case.open" event of a case a bulk load makes: `record`'s fields (but `skip` and the `empty` values)
    each changed from None, as event_row writes them, without building the pairs (a million in a bulk load)."""
    kept = {name: [None, audit_value(name, value, key=key) if name in _SPECIAL
                   else value if type(value) is str else _plain(value)]
            for name, value in record.items() if name not in skip and value not in empty}
    if len(kept) <= 1:  # (never for a case: kept for event_row's one-field columns)
        return event_row(at=at, actor=actor, action="case.open", entity="case", entity_id=entity_id,
                         case_id=case_id, changes={k: (None, record[k]) for k in kept}, key=key)
    return _event(at, actor, "case.open", "case", entity_id, case_id, _dumps(kept))


def _event(at: datetime, actor: str, action: str, entity: str, entity_id: object, case_id: int | None,
           changes: str | None) -> dict[str, Any]:
    return {"at": at, "actor": actor, "action": action, "entity": entity, "entity_id": str(entity_id),
            "case_id": case_id, "field": None, "old": None, "new": None, "changes": changes}


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
    changes = {field: (old, new)} if field is not None else {}
    session.add(AuditEvent(**event_row(at=utcnow(), actor=actor, action=action, entity=entity,
                                       entity_id=entity_id, case_id=case_id, changes=changes, key=key)))


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
    """ONE event holding every field whose value changed (none if nothing changed); returns their names."""
    changed = [k for k in after if before.get(k) != after[k]]
    if not changed:
        return changed
    key = audit_key(session) if NARRATIVE & set(changed) else b""
    session.add(AuditEvent(**event_row(at=utcnow(), actor=actor, action=action, entity=entity,
                                       entity_id=entity_id, case_id=case_id,
                                       changes={k: (before.get(k), after[k]) for k in changed}, key=key)))
    return changed


def event_changes(event: AuditEvent | AuditEventPublic) -> dict[str, tuple[str | None, str | None]]:
    """An event's changed fields, {field: (old, new)}, whichever way it was stored."""
    if event.changes:
        loaded = json.loads(event.changes)
        return {str(k): (v[0], v[1]) for k, v in loaded.items()}
    if event.field is not None:
        return {event.field: (event.old, event.new)}
    return {}


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a case's history: when, who, what, the fields it changed (old -> new), and on which case
    (a survivor's history holds the events of the cases merged into it)."""

    at: datetime
    actor: str
    action: str
    changes: dict[str, tuple[str | None, str | None]]
    case_number: str = ""


def case_history(session: Session, cases: Mapping[int, str]) -> list[HistoryEntry]:
    """Every audit event of these cases (id -> case number), in time order, one entry per change (index on
    case_id). `calldesk.store.read.history.case_history` gives a case with every case merged
    into it."""
    query = (select(AuditEvent).where(col(AuditEvent.case_id).in_(list(cases)))
             .order_by(col(AuditEvent.at), col(AuditEvent.id)))
    events = list(session.exec(query))
    # The database's own record of the rows a change wrote (PostgreSQL, "db.*") goes with calldesk's event of that
    # change (same transaction); alone, it is a change made outside calldesk, and shown as such.
    explained = {e.tx for e in events if e.tx is not None and not e.action.startswith(DATABASE)}
    return [HistoryEntry(e.at, e.actor, e.action if not e.action.startswith(DATABASE) else
                         f"{e.action} (outside calldesk) {e.entity}", event_changes(e),
                         cases.get(e.case_id or 0, ""))
            for e in events if not (e.action.startswith(DATABASE) and e.tx in explained)]


DATABASE = "db."  # the actions of the database's own record of staff changes (calldesk.store.db.security)


REMOVED = "[removed: suspected abuse]"


def forget_narrative(session: Session, case_id: int) -> int:
    """After an abuse mark: every fingerprint of the case's narrative leaves the trail (README, "At rest"), and
    the trail says how many events lost one; returns that count. On PostgreSQL a function with the owner's rights
    does it (calldesk.store.db.security: no login updates the trail); on SQLite, whose one user owns the file, the
    append-only trigger stands aside for this transaction only."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return int(connection.exec_driver_sql("SELECT public.calldesk_forget_narrative(%(c)s)",
                                              {"c": case_id}).scalar_one())
    guard = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                       "AND name = 'auditevent_no_update'").scalar()
    touched = 0
    events = session.exec(select(AuditEvent).where(AuditEvent.case_id == case_id)).all()
    if guard:
        connection.exec_driver_sql("DROP TRIGGER auditevent_no_update")
    try:
        for event in events:
            if event.field in NARRATIVE and (event.old or event.new):
                event.old = REMOVED if event.old else event.old
                event.new = REMOVED if event.new else event.new
            elif not (event.changes and NARRATIVE & set(json.loads(event.changes))):
                continue
            if event.changes:
                kept = {k: [REMOVED if v and k in NARRATIVE else v for v in pair]
                        for k, pair in json.loads(event.changes).items()}
                event.changes = _dumps(kept)
            session.add(event)
            touched += 1
        session.flush()
    finally:
        if guard:
            connection.exec_driver_sql(guard)
    record(session, actor="calldesk", action="case.trail_scrubbed", entity="case", entity_id=str(case_id),
           case_id=case_id, field="fingerprints_removed", new=touched)
    return touched
