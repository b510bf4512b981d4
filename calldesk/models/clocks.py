"""Clock events (met, extended, missed), the prescribed plan's steps, and attached files (the signed letter)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow


class ClockEvent(SQLModel, table=True):
    """One event of a case's clock: an acknowledgement, written response or reply met; an extension with its
    written notice and new due date; an intake logged after its deadline."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)  # acknowledge | written_response | reply | intake
    event: str = Field(max_length=20)  # met | extended | missed
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
    new_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
    note: str = Field(default="", sa_type=Text)  # how it was met, or the written notice of the extension
    by_user: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class ClockEventPublic(SQLModel):
    id: int
    case_id: int
    kind: str
    event: str
    due_at: datetime | None
    new_due_at: datetime | None
    note: str
    by_user: str
    at: datetime


class PlanStep(SQLModel, table=True):
    """One step of the plan prescribed for a concern or complaint, with its place on the timeline."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    step: str = Field(sa_type=Text)
    due_at: datetime = Field(sa_type=UTCDateTime)  # type: ignore[call-overload]
    by_user: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class PlanStepPublic(SQLModel):
    id: int
    case_id: int
    step: str
    due_at: datetime
    by_user: str


class Attachment(SQLModel, table=True):
    """A file attached to a case (the signed response letter): on SQLite a copy in the store's attachment folder
    (owner-only), on PostgreSQL its bytes in `content`."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    kind: str = Field(default="signed_letter", max_length=30)
    filename: str = Field(max_length=255)  # the name it was attached under
    stored_as: str | None = Field(default=None, max_length=500)  # the copy's path (SQLite)
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # PostgreSQL
    size: int
    sha256: str = Field(max_length=64)
    by_user: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class AttachmentPublic(SQLModel):
    id: int
    case_id: int
    kind: str
    filename: str
    stored_as: str | None
    size: int
    sha256: str
    by_user: str
    at: datetime
