"""The append-only audit trail and the intake form's autosaved drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Text
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """One change: who, what, when, and the fields it changed (`changes`: JSON {field: [old, new]}, like Request
    Tracker's transactions). `field`/`old`/`new` repeat a one-field change for the readers that predate
    `changes`; a change of several fields leaves them empty. The store refuses UPDATE and DELETE on this table."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)  # type: ignore[call-overload]
    actor: str = Field(max_length=64)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: str = Field(default="", max_length=64)
    case_id: int | None = Field(default=None, index=True)  # no FK: the trail outlives what it describes
    field: str | None = Field(default=None, max_length=60)
    old: str | None = Field(default=None, sa_type=Text)
    new: str | None = Field(default=None, sa_type=Text)
    changes: str | None = Field(default=None, sa_type=Text)
    # The writing transaction (PostgreSQL sets it): a change's events and the database's own record of its rows.
    tx: int | None = Field(default=None, sa_type=BigInteger)


class StoreSecret(SQLModel, table=True):
    """Per-store keys, made once by the schema upgrade: `audit` keys the HMAC that fingerprints narrative text
    in the trail (so a guessed sentence cannot be confirmed without the store). Readable by admins only."""

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)


class AuditEventPublic(SQLModel):
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    case_id: int | None
    field: str | None
    old: str | None
    new: str | None
    changes: str | None = None


class Draft(SQLModel, table=True):
    """The intake form as last typed, so a crash loses nothing; removed when the case is saved."""

    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=64, unique=True)
    owner: str = Field(max_length=64, index=True)
    form: str = Field(sa_type=Text)  # JSON of the form's fields (never the abuse narrative)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
