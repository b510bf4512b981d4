"""Written consent to release student information (FERPA, 34 CFR 99.30-99.33).

A parent or guardian may be told about their child; anyone else needs a signed, dated consent that
names the records, the purpose and the recipient, and has not expired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from calldesk.errors import ConsentRefused, InvalidInput
from calldesk.rules.contact import normalise_name

RELATIONSHIPS: tuple[str, ...] = (
    "parent_guardian",
    "student",
    "relative",
    "school_staff",
    "community_member",
    "agency",
    "other",
)
ALL_RECORDS = "all"
REDISCLOSURE_NOTICE = (
    "This information comes from a student's education records. Under FERPA (34 CFR 99.33) you may not "
    "disclose it to anyone else without the prior written consent of the parent or eligible student."
)

ConsentCode = Literal["allowed", "required", "expired", "out_of_scope"]
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ConsentFacts:
    """A written consent to release: who signed it and when, what it covers, for whom and until when."""

    signed_by: str
    signed_on: date | None
    records: Sequence[str] | Literal["all"]
    purpose: str
    recipient: str
    valid_until: date | None = None
    revoked_on: date | None = None  # a revoked consent allows nothing from that day on


@dataclass(frozen=True)
class ConsentDecision:
    """Whether student information may be disclosed; `basis` is what the disclosure log records."""

    allowed: bool
    code: ConsentCode
    reason: str
    basis: str | None = None
    consent_index: int | None = None  # which of the consents given allowed it (the disclosure's consent_id)

    def require(self) -> None:
        """Raise ConsentRefused (with this decision's reason and code) unless disclosure is allowed."""
        if not self.allowed:
            raise ConsentRefused(self.reason, code=self.code)


def format_date(day: date) -> str:
    """A date as "1 Sep 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _record_key(name: str) -> str:
    key = normalise_name(name)
    # "attendance" and "attendance records" name the same thing.
    for suffix in (" records", " record"):
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key


def _covers_all(facts: ConsentFacts) -> bool:
    return isinstance(facts.records, str) and facts.records.strip().casefold() == ALL_RECORDS


def validate_consent(facts: ConsentFacts, *, today: date | None = None) -> None:
    """Check a consent is usable (99.30); raise InvalidInput naming the field that is not.

    `today` defaults to the current date and is used to refuse a consent signed in the future.
    """
    today = today or date.today()
    if not facts.signed_by.strip():
        raise InvalidInput("The consent must say who signed it.", field="signed_by")
    if facts.signed_on is None:
        raise InvalidInput("The consent must be dated: enter the date it was signed.", field="signed_on")
    if facts.signed_on > today:
        raise InvalidInput(
            f"The consent is dated {format_date(facts.signed_on)}, which is in the future.", field="signed_on"
        )
    if isinstance(facts.records, str):
        if not _covers_all(facts):
            raise InvalidInput("List the records the consent covers, or 'all'.", field="records")
    elif not [r for r in facts.records if r.strip()]:
        raise InvalidInput("The consent must name the records it covers.", field="records")
    if not facts.purpose.strip():
        raise InvalidInput("The consent must state the purpose of the disclosure.", field="purpose")
    if not facts.recipient.strip():
        raise InvalidInput("The consent must name who may receive the records.", field="recipient")
    if facts.valid_until is not None and facts.valid_until < facts.signed_on:
        raise InvalidInput(
            "The consent cannot end before the date it was signed: check the 'valid until' date.",
            field="valid_until",
        )


def check_revocation(*, signed_on: date, revoked_on: date) -> None:
    """A consent is revoked on or after the day it was signed; InvalidInput (field revoked_on) otherwise."""
    if revoked_on < signed_on:
        raise InvalidInput(f"The consent cannot be revoked before it was signed ({format_date(signed_on)}): "
                           "check the date of the revocation.", field="revoked_on")


def _is_well_formed(facts: ConsentFacts, on: date) -> bool:
    try:
        validate_consent(facts, today=on)
    except InvalidInput:
        return False
    return True


def _records_phrase(names: Sequence[str]) -> str:
    shown = [n if _record_key(n) != normalise_name(n) else f"{n} records" for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def check_disclosure(
    *,
    relationship: str,
    consents: Sequence[ConsentFacts],
    records: Sequence[str],
    recipient: str,
    on: date,
) -> ConsentDecision:
    """May the `records` be disclosed to `recipient` on `on`? Returns a decision with the reason.

    Raises InvalidInput for an unknown relationship or when no record is named.
    """
    if relationship not in RELATIONSHIPS:
        raise InvalidInput(
            f"'{relationship}' is not a relationship: choose one of {', '.join(RELATIONSHIPS)}.",
            field="relationship",
        )
    wanted = [r.strip() for r in records if r.strip()]
    if not wanted:
        raise InvalidInput("Name the records the caller is asking about.", field="records")
    if relationship == "parent_guardian":
        reason = "Allowed: the caller is the parent/guardian."
        return ConsentDecision(True, "allowed", reason, "parent/guardian")

    formed = [c for c in consents if _is_well_formed(c, on)]
    usable = [c for c in formed if c.revoked_on is None or on < c.revoked_on]
    if not usable:
        revoked = [c.revoked_on for c in formed if c.revoked_on is not None]
        if revoked:
            return ConsentDecision(False, "required",
                                   f"Do not proceed: the consent was revoked on {format_date(max(revoked))}.")
        return ConsentDecision(False, "required", "Do not proceed: no written consent on file.")
    who = normalise_name(recipient)
    for_recipient = [c for c in usable if normalise_name(c.recipient) == who]
    if not for_recipient:
        return ConsentDecision(
            False, "out_of_scope", f"Do not proceed: the consent on file does not name {recipient.strip()}."
        )
    current = [c for c in for_recipient if c.valid_until is None or on <= c.valid_until]
    if not current:
        ended = max(c.valid_until or date.min for c in for_recipient)
        reason = f"Do not proceed: the consent expired on {format_date(ended)}."
        return ConsentDecision(False, "expired", reason)

    covering = next((c for c in current if _covers_all(c)), None)
    covered = {_record_key(r) for c in current if not _covers_all(c) for r in c.records}
    missing = [r for r in wanted if covering is None and _record_key(r) not in covered]
    if missing:
        return ConsentDecision(
            False, "out_of_scope", f"Do not proceed: the consent does not cover {_records_phrase(missing)}."
        )
    used = covering or max(current, key=lambda c: c.signed_on or date.min)
    basis = f"written consent signed by {used.signed_by.strip()} on {format_date(used.signed_on or on)}"
    index = next(i for i, c in enumerate(consents) if c is used)
    return ConsentDecision(True, "allowed", f"Allowed: {basis}.", basis, index)
