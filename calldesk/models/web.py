"""The web front's accounts and keys (calldesk serve): respondents' web passwords with their lockout counters,
and the Open311 clients' API keys. The password hash and the key digest are read by no staff login: on
PostgreSQL the database compares them itself (calldesk.store.db.security, calldesk_web_sign_in /
calldesk_web_client)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow


class WebAccount(SQLModel, table=True):
    """A respondent's web password (argon2id, encoded with its salt and cost) and their failed sign-ins."""

    username: str = Field(primary_key=True, max_length=64)  # a calldesk user of role respondent
    password_hash: str = Field(max_length=200)
    failures: int = Field(default=0)  # failed sign-ins in a row
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
    password_set_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
    created_by: str = Field(max_length=64)
    # Sign-outs and password changes so far: a session names the one it began after, and is void once it moves on.
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class WebKey(SQLModel, table=True):
    """An Open311 client's API key: only its SHA-256 is kept; revoked keys stay (who issued and revoked it)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, index=True)
    digest: str = Field(max_length=64, unique=True)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
    issued_by: str = Field(max_length=64)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
    revoked_by: str | None = Field(default=None, max_length=64)


class WebKeyPublic(SQLModel):
    name: str
    issued_at: datetime
    issued_by: str
    revoked_at: datetime | None
    revoked_by: str | None
