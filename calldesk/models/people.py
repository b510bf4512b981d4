"""Users of calldesk and their roles."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow


class UserBase(SQLModel):
    username: str = Field(max_length=64, unique=True)
    full_name: str = Field(default="", max_length=200)
    role: str = Field(max_length=30)


class UserCreate(UserBase):
    supervisor: str | None = None
    languages: str = ""
    places: str = ""


class User(UserBase, table=True):
    """A person who signs in: an OS login on SQLite, a database role on PostgreSQL."""

    __tablename__: ClassVar[str] = "app_user"  # type: ignore[misc]

    id: int | None = Field(default=None, primary_key=True)
    active: bool = True
    supervisor: str | None = Field(default=None, max_length=64)
    absent_since: date | None = None
    # The languages they take calls in, comma-separated ("English, Spanish"): a call's language routes it.
    languages: str = Field(default="", max_length=200)
    # A respondent's schools and departments, comma-separated: they see and document those places' cases.
    places: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class UserPublic(UserBase):
    id: int
    active: bool
    supervisor: str | None
    absent_since: date | None
    languages: str = ""
    places: str = ""
