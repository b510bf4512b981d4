"""Confidentiality tab: the student asked about, written consents, and the record of disclosures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow


class StudentBase(SQLModel):
    name: str = Field(max_length=200)
    student_ref: str | None = Field(default=None, max_length=40)  # the district's student id
    school: str | None = Field(default=None, max_length=200)
    birth_date: date | None = None


class StudentCreate(StudentBase):
    pass


class Student(StudentBase, table=True):
    """A student a caller asked about, on one case."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")


class StudentPublic(StudentBase):
    id: int
    case_id: int


class ConsentBase(SQLModel):
    """A written consent to release (FERPA 34 CFR 99.30)."""

    signed_by: str = Field(max_length=200)
    signed_on: date
    records: str = Field(sa_type=Text)  # comma-separated record kinds, or "all"
    purpose: str = Field(max_length=300)
    recipient: str = Field(max_length=200)
    valid_until: date | None = None


class ConsentCreate(ConsentBase):
    pass


class Consent(ConsentBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(foreign_key="student.id", index=True, ondelete="CASCADE")
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
    # A parent may revoke a consent; from that day it no longer allows a disclosure (kept for the record).
    revoked_on: date | None = None
    revoked_by: str | None = Field(default=None, max_length=64)


class ConsentPublic(ConsentBase):
    id: int
    student_id: int
    recorded_by: str
    recorded_at: datetime
    revoked_on: date | None = None
    revoked_by: str | None = None


class Disclosure(SQLModel, table=True):
    """One release of student information (FERPA 99.32 record of disclosures), kept as long as the case."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    student_id: int = Field(foreign_key="student.id", index=True, ondelete="CASCADE")
    consent_id: int | None = Field(default=None, foreign_key="consent.id")
    recipient: str = Field(max_length=200)
    records: str = Field(sa_type=Text)
    basis: str = Field(max_length=300)
    disclosed_by: str = Field(max_length=64)
    disclosed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class DisclosurePublic(SQLModel):
    id: int
    case_id: int
    student_id: int
    consent_id: int | None
    recipient: str
    records: str
    basis: str
    disclosed_by: str
    disclosed_at: datetime
