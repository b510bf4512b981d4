"""The case record: the five tabs' fields that live on the case row itself."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from pydantic import field_validator
from sqlalchemy import Column, Index, Integer, Text
from sqlmodel import Field, SQLModel

from calldesk.models.types import UTCDateTime, utcnow
from calldesk.rules.open311 import LOCATION_LIMITS
from calldesk.rules.profile import CALL_TYPES
from calldesk.rules.vocabulary import CASE_STATUSES, CHANNELS, CONTACT_METHODS, SOURCES

OPENED_YEARS = (1970, 2200)

__all__ = ["CALL_TYPES", "CASE_STATUSES", "CHANNELS", "CONTACT_METHODS", "SOURCES"]


def _dt() -> Any:
    """An optional aware-UTC datetime column."""
    return Field(default=None, sa_type=UTCDateTime)  # type: ignore[call-overload]


class CaseBase(SQLModel):
    """What an agent types: Caller Details and Call Information."""

    # Caller Details
    caller_name: str = Field(default="", max_length=200)
    relationship: str = Field(default="parent_guardian", max_length=40)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    preferred_contact: str = Field(default="phone", max_length=20)
    language: str = Field(default="English", max_length=40)
    channel: str = Field(default="phone", max_length=20)
    source: str = Field(default="none", max_length=20)
    school: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    # Where it happened, as an Open311 client sends it (GeoReport v2; rules.open311): personal data, like the
    # caller's details (redacted from what leaves, erased with them).
    address: str | None = Field(default=None, max_length=LOCATION_LIMITS["address"])
    address_id: str | None = Field(default=None, max_length=LOCATION_LIMITS["address_id"])
    latitude: float | None = None
    longitude: float | None = None
    media_url: str | None = Field(default=None, max_length=LOCATION_LIMITS["media_url"])
    # Call Information
    category: str | None = Field(default=None, max_length=120)
    subcategory: str | None = Field(default=None, max_length=120)
    call_type: str = Field(default="inquiry", max_length=20)
    claim: str = Field(default="", sa_type=Text)
    evidence: str = Field(default="", sa_type=Text)
    steps_taken: str = Field(default="", sa_type=Text)
    steps_confirmed: bool = False
    # Flags that change routing
    due_process: bool = False
    special_education: bool = False
    safety: bool = False
    urgent: bool = False
    needs_follow_up: bool = False


class CaseCreate(CaseBase):
    """A new case as the intake form sends it; client_id makes a retried save idempotent."""

    client_id: str = Field(default_factory=lambda: uuid.uuid4().hex, max_length=64)
    opened_at: datetime | None = None

    @field_validator("opened_at")
    @classmethod
    def _plausible_opening(cls, value: datetime | None) -> datetime | None:
        # Deadlines are counted in days from here: a year like 0001 or 9999 would overflow the calendar.
        if value is not None and not OPENED_YEARS[0] <= value.year <= OPENED_YEARS[1]:
            raise ValueError(f"the opening time must fall between {OPENED_YEARS[0]} and {OPENED_YEARS[1]}")
        return value


class CaseUpdate(CaseBase):
    """A partial change to a case: CaseBase's fields, with their types and limits; only the fields that are set
    are applied (`model_dump(exclude_unset=True)`)."""


_version_col = Column("version", Integer, nullable=False)
REPORT_COLUMNS = ("protocol", "opened_at", "reportable", "call_type", "category", "channel", "school", "department",
                  "tier", "source", "status", "resolve_by", "closed_at", "late_clocks")  # late_clocks: 0019
# The supervisor queue's sort keys (calldesk.store.read.queue.SORTS): name -> column.
QUEUE_SORT_COLUMNS = {"deadline": "next_deadline", "number": "case_number", "opened": "opened_at",
                      "category": "category", "tier": "tier", "assignee": "assigned_to", "language": "language",
                      "source": "source"}
# The queue's filter columns: each has an index (status, column, next_deadline, id) for filtered pages in deadline
# order (migration 0009), so a rare value is an index range, not a scan of the queue.
QUEUE_FILTER_COLUMNS = {"category": "category", "tier": "tier", "assignee": "assigned_to", "language": "language",
                        "source": "source", "school": "school", "department": "department"}


class CaseRecord(CaseBase):
    """What the store and the rules keep on a case beside what was typed: its number, owner, clocks, routing."""

    case_number: str = Field(max_length=20, unique=True)
    client_id: str = Field(max_length=64, unique=True)
    version: int = Field(default=1, sa_column=_version_col)
    protocol: str = Field(max_length=40)
    status: str = Field(default="open", max_length=20)
    tier: str | None = Field(default=None, max_length=30)
    owner_role: str = Field(default="agent", max_length=30)
    assigned_to: str | None = Field(default=None, max_length=64)
    assigned_at: datetime | None = _dt()  # when it reached its assignee (round robin; a queue's age is opened_at)
    # Who had it before its assignee: who hands a case on keeps it in sight until it moves again (visibility).
    previous_assignee: str | None = Field(default=None, max_length=64)
    opened_by: str = Field(max_length=64)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[call-overload]
    closed_at: datetime | None = _dt()
    closed_by: str | None = Field(default=None, max_length=64)
    close_reason: str | None = Field(default=None, max_length=200)
    # Deadlines computed by the rules; next_deadline is the soonest open one (the queue's sort key).
    respond_by: datetime | None = _dt()
    acknowledge_by: datetime | None = _dt()
    next_follow_up_by: datetime | None = _dt()
    resolve_by: datetime | None = _dt()
    resolve_max: datetime | None = _dt()
    next_deadline: datetime | None = _dt()
    # Clocks (acknowledgement, written response, reply) met after their due time: each counts as breached.
    late_clocks: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    escalation_level: int = 0
    abuse_marked: bool = False
    reportable: bool = True
    route_to: str | None = Field(default=None, max_length=120)
    not_reportable_reason: str | None = Field(default=None, max_length=300)
    routing_notes: str = Field(default="", sa_type=Text)


class Case(CaseRecord, table=True):
    """One call (or message) and everything done about it until it is closed."""

    __tablename__: ClassVar[str] = "cases"  # type: ignore[misc]
    __table_args__ = (
        Index("ix_case_open_next_deadline", "status", "next_deadline"),
        # `calldesk overdue` reads the due clocks of open cases from this index alone (0019).
        Index("ix_case_overdue", "status", "next_deadline", "respond_by", "acknowledge_by", "next_follow_up_by",
              "resolve_by", "assigned_to", "owner_role", "case_number"),
        # The dashboard's weeks, categories and types over a period, and its compliance (0019).
        Index("ix_case_opened_kind", "opened_at", "category", "call_type"),
        Index("ix_case_closed_on_time", "status", "closed_at", "resolve_by"),
        # Caller lookup and the repeat/trend checks: one newest-N range scan per key (calldesk.store.read.queries).
        Index("ix_case_phone_opened", "phone_digits", "opened_at"),
        Index("ix_case_email_opened", "email", "opened_at"),
        Index("ix_case_name_opened", "caller_name_key", "opened_at"),
        Index("ix_case_name_words_opened", "caller_name_words", "opened_at"),  # Find: a name's first word (0016)
        Index("ix_case_school_opened", "school", "opened_at"),
        Index("ix_case_category", "category"),
        Index("ix_case_opened_at", "opened_at"),
        # Covers every column the monthly report groups by, so its GROUP BYs read the index alone.
        Index("ix_case_report", *REPORT_COLUMNS),
        # The queue's keyset pages: one (status, sort column, id) index per column it sorts by (migration 0007).
        *(Index(f"ix_queue_{name}", "status", column, "id") for name, column in QUEUE_SORT_COLUMNS.items()),
        Index("ix_case_opened_by", "opened_by"),  # an agent's queue: the cases they opened
        Index("ix_case_assigned", "assigned_to", "assigned_at"),  # a person's cases; their newest assignment
        Index("ix_case_previous_assignee", "previous_assignee"),  # an agent's queue: the cases she handed on
        *(Index(f"ix_queue_by_{name}", "status", column, "next_deadline", "id")
          for name, column in QUEUE_FILTER_COLUMNS.items()),
    )
    __mapper_args__ = {"version_id_col": _version_col}

    id: int | None = Field(default=None, primary_key=True)
    # The lookup keys derived from the caller's phone and name (calldesk.store.services.typed_fields), not shown to
    # anyone:
    phone_digits: str | None = Field(default=None, max_length=20)
    # casefolded, whitespace-collapsed name: the case-insensitive lookup key
    caller_name_key: str = Field(default="", max_length=200)
    # its words accent- and case-folded, each after a space (rules.contact.name_words): Find by any word
    caller_name_words: str = Field(default="", max_length=400)


class CasePublic(CaseRecord):
    """A case as screens and the CLI see it: every column of the case but the lookup keys, its id given."""

    id: int


class CaseCounter(SQLModel, table=True):
    """The last case number handed out per year (human-readable numbers like 2026-000123)."""

    year: int = Field(primary_key=True)
    last: int = 0
