"""The case record's fixed vocabularies, and the clock: shared by models, services and screens."""

from __future__ import annotations

from datetime import UTC, datetime

CASE_STATUSES = ("open", "closed")
CHANNELS = ("phone", "voicemail", "email", "letter", "fax", "web_form", "walk_in")  # OC CCTS media
CONTACT_METHODS = ("phone", "email", "mail", "text")
SOURCES = ("none", "superintendent", "board", "ceo")  # special handling when not "none"
LARGEST_NUMBER = 2**31 - 1  # ids and versions are 32-bit integers on PostgreSQL


def utcnow() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)
