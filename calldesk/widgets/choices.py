"""The fixed choices of the intake form, labelled in words an agent reads (values are what the store keeps)."""

from __future__ import annotations

from calldesk.rules.consent import RELATIONSHIPS
from calldesk.rules.profile import CALL_TYPES
from calldesk.rules.vocabulary import CHANNELS, CONTACT_METHODS, SOURCES

_SPECIAL = {
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


def label(value: str) -> str:
    """The words shown for a stored choice ("parent_guardian" -> "Parent/guardian")."""
    return _SPECIAL.get(value, value.replace("_", " ").capitalize())


def options(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, value) pairs for a Select."""
    return [(label(v), v) for v in values]


RELATIONSHIP_OPTIONS = options(RELATIONSHIPS)
CONTACT_OPTIONS = options(CONTACT_METHODS)
CHANNEL_OPTIONS = options(CHANNELS)
SOURCE_OPTIONS = options(SOURCES)
# Most common first, and so that type-to-find picks right: "comp" is a complaint before a compliment.
CALL_TYPE_OPTIONS = options(tuple(sorted(CALL_TYPES, key=("inquiry", "concern", "complaint", "compliment").index)))
