"""Follow-Up, Resolution, escalations, callbacks and links between cases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow

LETTER_STATES = ("none", "draft", "approved", "signed", "coordinator_informed")
LINK_KINDS = ("repeat", "duplicate", "merged")


class FollowUpBase(SQLModel):
    done: str = Field(sa_type=Text)  # what was done
    pending: str = Field(default="", sa_type=Text)  # what is pending for the next step


class FollowUpCreate(FollowUpBase):
    pass


class FollowUp(FollowUpBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    by_user: str = Field(max_length=64)
    entry_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class FollowUpPublic(FollowUpBase):
    id: int
    case_id: int
    by_user: str
    entry_at: datetime


class ResolutionBase(SQLModel):
    response: str = Field(default="", sa_type=Text)  # response / resolution / remedy
    outcome: str = Field(default="", max_length=200)
    alleged_violation: str | None = Field(default=None, sa_type=Text)


class ResolutionUpdate(ResolutionBase):
    pass


class Resolution(ResolutionBase, table=True):
    """The Resolution tab; for a complaint with a violation, the response letter's progress."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", unique=True, ondelete="CASCADE")
    letter_status: str = Field(default="none", max_length=30)
    letter_path: str | None = Field(default=None, max_length=500)
    approved_by: str | None = Field(default=None, max_length=64)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
    signed_by: str | None = Field(default=None, max_length=64)
    coordinator_informed_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime  # type: ignore[call-overload]
    )
    # The letter's words: drafted from the profile's template, edited, submitted; a supervisor's note when returned.
    letter_text: str = Field(default="", sa_type=Text)
    drafted_by: str | None = Field(default=None, max_length=64)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
    letter_note: str = Field(default="", sa_type=Text)
    returned_by: str | None = Field(default=None, max_length=64)
    returned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
    updated_by: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class ResolutionPublic(ResolutionBase):
    id: int
    case_id: int
    letter_status: str
    letter_path: str | None
    approved_by: str | None
    signed_by: str | None
    letter_text: str = ""
    drafted_by: str | None = None
    submitted_at: datetime | None = None
    letter_note: str = ""
    returned_by: str | None = None
    returned_at: datetime | None = None


class Escalation(SQLModel, table=True):
    """One step up the agency's ladder: who, when, why."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    level: int
    # escalation (one rung up), appeal (in writing, within the profile's window) or direct (principal involved)
    kind: str = Field(default="escalation", max_length=20)
    title: str = Field(max_length=120)
    to_role: str = Field(max_length=30)
    reason: str = Field(sa_type=Text)
    by_user: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]


class CallbackBase(SQLModel):
    caller_name: str = Field(default="", max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    message: str = Field(default="", sa_type=Text)
    urgent: bool = False
    from_superior: bool = False


class CallbackCreate(CallbackBase):
    received_at: datetime | None = None
    assigned_to: str | None = None
    case_number: str | None = None


class Callback(CallbackBase, table=True):
    """A message or voicemail that must be returned (LA DCFS: returning telephone calls)."""

    __table_args__ = (Index("ix_callback_open_due", "done_at", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True, ondelete="SET NULL")
    assigned_to: str = Field(max_length=64, index=True)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
    due_at: datetime = Field(sa_type=UTCDateTime)  # type: ignore[call-overload]
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]
    done_by: str | None = Field(default=None, max_length=64)
    # The tries at returning it (rules.callbacks.ATTEMPT_RESULTS): how many, the last one's result and when.
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_attempt: str | None = Field(default=None, max_length=20)
    last_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]


class CallbackPublic(CallbackBase):
    id: int
    case_id: int | None
    case_number: str | None = None  # the case it is about, named as every listing names a case
    assigned_to: str
    received_at: datetime
    due_at: datetime
    done_at: datetime | None
    attempts: int = 0
    last_attempt: str | None = None
    covering_for: str | None = None  # set by callbacks_for: a supervisor returns an absent colleague's call


class CaseLink(SQLModel, table=True):
    """A repeat call, a duplicate, or a merge between two cases."""

    # The merged duplicates that no count counts (calldesk.store.read.counting, every report): an index range (0019).
    __table_args__ = (Index("ix_caselink_kind_case", "kind", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    linked_case_id: int = Field(foreign_key="cases.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    reason: str = Field(default="", sa_type=Text)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
