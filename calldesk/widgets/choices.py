"""The fixed choices of the intake form, labelled in words an agent reads (values are what the store keeps)."""

from __future__ import annotations

from calldesk.rules.consent import RELATIONSHIPS
from calldesk.rules.profile import CALL_TYPES
from calldesk.rules.vocabulary import CHANNELS, CONTACT_METHODS, SOURCES, choice_words


def options(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, value) pairs for a Select."""
    return [(choice_words(v), v) for v in values]


RELATIONSHIP_OPTIONS = options(RELATIONSHIPS)
CONTACT_OPTIONS = options(CONTACT_METHODS)
CHANNEL_OPTIONS = options(CHANNELS)
SOURCE_OPTIONS = options(SOURCES)
# Most common first, and so that type-to-find picks right: "comp" is a complaint before a compliment.
CALL_TYPE_OPTIONS = options(tuple(sorted(CALL_TYPES, key=("inquiry", "concern", "complaint", "compliment").index)))
