"""The mailbox: messages fetched (each once, by Message-ID) and messages sent from a case (queued until sent)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow

MAIL_STATES = ("case", "reply", "aside", "queued", "sent", "failed")


class MailMessage(SQLModel, table=True):
    """One email: in (a new case, a reply added to a case's history, or kept aside because it could not be read)
    or out (the acknowledgement, written response or response letter sent from a case: queued, sent, or failed
    and still queued), in the language its words were taken in."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=300, unique=True)  # the Message-ID header (kept aside: the bytes' hash)
    direction: str = Field(max_length=3)  # in / out
    status: str = Field(max_length=10, index=True)
    # out: acknowledgement | written_response | letter; the language code its words are in (0020)
    kind: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    language: str = Field(default="", max_length=10,
                          sa_column_kwargs={"server_default": ""})
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True, ondelete="CASCADE")
    sender: str = Field(default="", max_length=254)
    recipient: str = Field(default="", max_length=254)
    subject: str = Field(default="", max_length=300)
    body: str = Field(default="", sa_type=Text)
    error: str = Field(default="", max_length=500)  # why it was kept aside, or why the last send failed
    raw: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # kept aside: the bytes
    attempts: int = 0
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
    by_user: str = Field(max_length=64)


class MailMessagePublic(SQLModel):
    id: int
    message_id: str
    direction: str
    status: str
    kind: str = ""
    language: str = ""
    case_id: int | None
    case_number: str | None = None  # the case it belongs to, named as every listing names a case
    sender: str
    recipient: str
    subject: str
    error: str
    attempts: int
    at: datetime
    sent_at: datetime | None
