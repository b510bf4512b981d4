"""A student's FERPA record for a parent's inspection: the consents (99.30) and the record of each request and
disclosure (99.32: who asked or received, on what basis or legitimate interest, which records, when)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from calldesk.rules.consent import format_date
from calldesk.rules.contact import normalise_name


@dataclass(frozen=True)
class RecordRequest:
    """A caller asked about the student (the case's Confidentiality tab)."""

    case_number: str
    party: str
    relationship: str
    at: datetime


@dataclass(frozen=True)
class RecordConsent:
    id: int
    signed_by: str
    signed_on: date
    records: str
    purpose: str
    recipient: str
    valid_until: date | None
    revoked_on: date | None


@dataclass(frozen=True)
class RecordDisclosure:
    case_number: str
    party: str
    basis: str
    records: str
    at: datetime
    by: str
    consent_id: int | None


@dataclass(frozen=True)
class StudentRecord:
    student: str
    student_ref: str
    requests: list[RecordRequest]
    consents: list[RecordConsent]
    disclosures: list[RecordDisclosure]


def same_student(name: str, ref: str | None, other_name: str, other_ref: str | None) -> bool:
    """Two entries name one student: the same name (as rules.contact compares names), and the same district id
    when both give one (two students of one name have two ids)."""
    if ref and other_ref and ref.strip() != other_ref.strip():
        return False
    return normalise_name(name) == normalise_name(other_name)


def consent_state(consent: RecordConsent, today: date) -> str:
    """The consent's state in words: revoked, expired or in force."""
    if consent.revoked_on is not None and consent.revoked_on <= today:
        return f"revoked {format_date(consent.revoked_on)}"
    if consent.valid_until is not None and consent.valid_until < today:
        return f"expired {format_date(consent.valid_until)}"
    return f"in force until {format_date(consent.valid_until)}" if consent.valid_until else "in force"


def _when(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{format_date(local.date())} {local:%H:%M}"


def record_text(record: StudentRecord, *, tz: ZoneInfo, today: date) -> str:
    """The record as plain text, ready to print for the parent (times in the agency's time zone)."""
    lines = [f"FERPA record of {record.student} (student id {record.student_ref or 'none'})",
             f"Printed {format_date(today)}", "", "Written consents to release (34 CFR 99.30)"]
    lines += [f"  #{c.id} signed by {c.signed_by} on {format_date(c.signed_on)}; records: {c.records}; "
              f"purpose: {c.purpose}; to: {c.recipient}; {consent_state(c, today)}"
              for c in record.consents] or ["  none"]
    lines += ["", "Requests for the student's records"]
    lines += [f"  {_when(r.at, tz)}  case {r.case_number}: {r.party} ({r.relationship.replace('_', ' ')})"
              for r in record.requests] or ["  none"]
    lines += ["", "Disclosures (34 CFR 99.32)"]
    lines += [f"  {_when(d.at, tz)}  case {d.case_number}: to {d.party}; basis: {d.basis}; records: {d.records}; "
              f"by {d.by}" + (f"; consent #{d.consent_id}" if d.consent_id else "")
              for d in record.disclosures] or ["  none"]
    return "\n".join(lines) + "\n"
