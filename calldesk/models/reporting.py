"""Stored reports (frozen once approved), litigation holds, and the store's pseudonym secret."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow

REPORT_STATES = ("draft", "approved")


class Report(SQLModel, table=True):
    """A monthly or quarterly report run: a draft until approved, then its numbers are frozen."""

    __table_args__ = (UniqueConstraint("protocol", "kind", "period", name="uq_report_period"),)

    id: int | None = Field(default=None, primary_key=True)
    protocol: str = Field(max_length=40)
    kind: str = Field(max_length=20)  # monthly | quarterly
    period: str = Field(max_length=10)  # 2026-10 | 2026Q3
    status: str = Field(default="draft", max_length=20)
    numbers: str = Field(sa_type=Text)  # JSON of the report's counts (no personal data)
    run_by: str = Field(max_length=64)
    run_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
    approved_by: str | None = Field(default=None, max_length=64)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]


class ReportStepDone(SQLModel, table=True):
    """One step of a reporting chain marked done by the person who did it, when they did it (OC CCTS III.B).

    A step is done only by such a row: never because a draft report exists. For a quarter, `received_on` is the
    day the CEO's quarterly report arrived, from which the quarterly chain's dates are counted.
    """

    __tablename__ = "reportstep"
    __table_args__ = (UniqueConstraint("protocol", "kind", "period", "step", name="uq_reportstep"),)

    id: int | None = Field(default=None, primary_key=True)
    protocol: str = Field(max_length=40)
    kind: str = Field(max_length=20)  # monthly | quarterly
    period: str = Field(max_length=10)  # 2026-10 | 2026Q3
    step: str = Field(max_length=40)
    received_on: date | None = None
    done_by: str = Field(max_length=64)
    done_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class LitigationHold(SQLModel, table=True):
    """A case that no retention purge may remove while the hold stands."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", unique=True, ondelete="CASCADE")
    reason: str = Field(max_length=300)
    placed_by: str = Field(max_length=64)
    placed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
