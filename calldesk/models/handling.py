"""Handling a case beyond its five tabs: referrals, meetings and supervisors' quality reviews."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow


class ReferralBase(SQLModel):
    """What a person types to refer a case; the limits here are the referral's only statement of them."""

    kind: str = Field(max_length=30)  # rules.handling.REFERRAL_KINDS
    contact: str = Field(default="", max_length=200)  # whom at the office
    note: str = Field(default="", sa_type=Text)


class ReferralCreate(ReferralBase):
    pass


class Referral(ReferralBase, table=True):
    """A case referred to another office (Rochester: Safety and Security; the civil rights coordinator)."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    office: str = Field(max_length=200)
    referred_by: str = Field(max_length=64)
    referred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class ReferralPublic(SQLModel):
    id: int
    case_id: int
    kind: str
    office: str
    contact: str
    note: str
    referred_by: str
    referred_at: datetime


class MeetingBase(SQLModel):
    """What a person types to schedule a meeting; the limits here are the meeting's only statement of them."""

    kind: str = Field(max_length=20)  # mediation or resolution
    scheduled_for: datetime = Field(sa_type=UTCDateTime)  # type: ignore[call-overload]
    place: str = Field(default="", max_length=200)
    parties: str = Field(max_length=500)  # the parties, comma-separated


class MeetingCreate(MeetingBase):
    pass


class Meeting(MeetingBase, table=True):
    """A resolution or mediation meeting with all parties (Rochester OPE), and its outcome."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    scheduled_by: str = Field(max_length=64)
    scheduled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
    outcome: str | None = Field(default=None, sa_type=Text)
    parent_satisfied: bool | None = None
    outcome_by: str | None = Field(default=None, max_length=64)
    outcome_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]


class MeetingPublic(SQLModel):
    id: int
    case_id: int
    kind: str
    scheduled_for: datetime
    place: str
    parties: str
    scheduled_by: str
    outcome: str | None
    parent_satisfied: bool | None
    outcome_by: str | None
    outcome_at: datetime | None


class QualityReviewBase(SQLModel):
    """The LAUSD coordinator's checklist (quality assurance), a score and a comment."""

    contact_accurate: bool = False
    labelled_right: bool = False
    claim_evidence_written: bool = False
    urgency: bool = False
    follow_ups_on_time: bool = False
    score: int
    comment: str = Field(default="", sa_type=Text)
    # The profile's checklist as reviewed: JSON {point: met} (the five columns above are its first points).
    points: str = Field(default="", sa_type=Text)


class QualityReviewCreate(QualityReviewBase):
    met: list[str] | None = None  # the profile's points met, by name (None: read the five columns above)


class QualityReview(QualityReviewBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    reviewed_by: str = Field(max_length=64)
    reviewed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
    # Whose work was reviewed: the case's assignee then (else who opened it), for the per-person summary.
    reviewed_person: str | None = Field(default=None, max_length=64, index=True)


class QualityReviewPublic(QualityReviewBase):
    id: int
    case_id: int
    reviewed_by: str
    reviewed_at: datetime
    reviewed_person: str | None
