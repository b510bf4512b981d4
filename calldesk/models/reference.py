"""Reference data loaded from the protocol profile: the category taxonomy and the resource directory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime


class Category(SQLModel, table=True):
    """A category or subcategory (parent set) of one protocol's taxonomy."""

    __table_args__ = (UniqueConstraint("protocol", "name", "parent"),)

    id: int | None = Field(default=None, primary_key=True)
    protocol: str = Field(max_length=40, index=True)
    name: str = Field(max_length=120)
    parent: str = Field(default="", max_length=120)  # "" for a top-level category
    special_education: bool = False
    safety: bool = False
    reportable: bool = True


class Resource(SQLModel, table=True):
    """An entry of the resource directory agents consult (department, response, contact): seeded from the profile's
    file, then kept by the coordinator (LAUSD: the Department Tiers of Responses and Resources)."""

    id: int | None = Field(default=None, primary_key=True)
    protocol: str = Field(max_length=40, index=True)
    department: str = Field(max_length=200)
    response: str = Field(sa_type=Text)
    contact: str = Field(default="", max_length=300)
    keywords: str = Field(default="", sa_type=Text)
    active: bool = True  # a retired entry is kept (the trail names it) but no longer offered
    updated_by: str | None = Field(default=None, max_length=64)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
