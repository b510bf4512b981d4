"""A recorded step of the protocol on a case (the profile's `[[steps]]`): who did it, when, with whom, a note."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow


class CaseStep(SQLModel, table=True):
    """One step recorded once per case: the profile's name for it and its words as they were then."""

    __table_args__ = (UniqueConstraint("case_id", "step"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    step: str = Field(max_length=40)
    label: str = Field(max_length=300)
    party: str = Field(default="", max_length=200)  # who was contacted, told or informed
    note: str = Field(default="", sa_type=Text)
    happened_at: datetime = Field(sa_type=UTCDateTime)  # type: ignore[call-overload]
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
    by_user: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class CaseStepPublic(SQLModel):
    id: int
    case_id: int
    step: str
    label: str
    party: str
    note: str
    happened_at: datetime
    due_at: datetime | None
    by_user: str
    at: datetime
