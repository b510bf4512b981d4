"""The case record's fixed vocabularies, and the clock: shared by models, services and screens."""

from __future__ import annotations

from datetime import UTC, datetime

CASE_STATUSES = ("open", "closed")
CHANNELS = ("phone", "voicemail", "email", "letter", "fax", "web_form", "walk_in")  # OC CCTS media
CONTACT_METHODS = ("phone", "email", "mail", "text")
SOURCES = ("none", "superintendent", "board", "ceo")  # special handling when not "none"
LARGEST_NUMBER = 2**31 - 1  # ids and versions are 32-bit integers on PostgreSQL

# The words people read for a stored choice of the case record (the intake form's options, the CLI's tables);
# any other value is its code with spaces, capitalised ("school_staff" would read "School staff").
CHOICE_WORDS = {
    "parent_guardian": "Parent/guardian",
    "school_staff": "School staff",
    "community_member": "Community member",
    "web_form": "Web form",
    "walk_in": "Walk-in",
    "none": "Not a referral",
    "superintendent": "Superintendent's office",
    "board": "The Board",
    "ceo": "CEO's office",
}


def choice_words(value: str) -> str:
    """The words shown for a stored choice ("parent_guardian" -> "Parent/guardian", "web_form" -> "Web form")."""
    return CHOICE_WORDS.get(value, value.replace("_", " ").capitalize())


def utcnow() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)
