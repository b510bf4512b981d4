"""The phone system's events: each CTI event of a call, once (README, "The phone")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow
from calldesk.rules.phone import StoredEvent


class PhoneEvent(SQLModel, table=True):
    """One event of one call (newCall, answer, hangup) as the phone system posted it; a retried post of the same
    event is the same row (unique on the call's id and the event)."""

    __table_args__ = (UniqueConstraint("call_id", "event", name="uq_phoneevent_call_event"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: str = Field(max_length=100)
    event: str = Field(max_length=10)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)  # type: ignore[call-overload]
    direction: str = Field(default="in", max_length=3)
    from_number: str = Field(default="", max_length=40)
    to_number: str = Field(default="", max_length=40)
    phone_digits: str = Field(default="", max_length=20, index=True)  # the other party's, for their earlier calls
    users: str = Field(default="", max_length=500)  # the agents rung, or who answered, comma-separated
    queue: str = Field(default="", max_length=100)
    answering_number: str = Field(default="", max_length=40)
    cause: str = Field(default="", max_length=20)
    # The callback a missed call became (no foreign key: the call's record is not one of a case's rows).
    callback_id: int | None = Field(default=None)
    recorded_by: str = Field(max_length=64)  # the login the listener runs as
    # A ring from a blocked number: answered with a reject, kept for the log, never a pop or a callback.
    blocked: bool = Field(default=False)


class BlockedNumber(SQLModel, table=True):
    """A number whose calls the listener rejects (`calldesk phone block`): kept by supervisors, with why."""

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=40)  # as dialled back: E.164 ("+13105551234")
    phone_digits: str = Field(max_length=20, unique=True)  # what an incoming call's number is matched by
    reason: str = Field(max_length=300)
    blocked_by: str = Field(max_length=64)
    blocked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


@dataclass(frozen=True)
class PhoneEventPublic(StoredEvent):
    """A stored event as shown: the caller log's fields (`rules.phone.StoredEvent`, stated there) and the row's id."""

    id: int
