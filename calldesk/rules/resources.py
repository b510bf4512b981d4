"""An entry of the resource directory (LAUSD: the Department Tiers of Responses and Resources) as the coordinator
writes it: what it must hold, cleaned."""

from __future__ import annotations

from dataclasses import dataclass

from calldesk.errors import InvalidInput

DEPARTMENT_LIMIT, CONTACT_LIMIT, TEXT_LIMIT, KEYWORDS_LIMIT = 200, 300, 4000, 1000


@dataclass(frozen=True)
class ResourceEntry:
    """A department, what to tell the caller, whom they reach, and words that find it."""

    department: str
    response: str
    contact: str = ""
    keywords: tuple[str, ...] = ()


def clean_entry(entry: ResourceEntry) -> ResourceEntry:
    """The entry with its text trimmed and keywords de-duplicated; InvalidInput naming the first thing wrong."""
    department, response, contact = (" ".join(entry.department.split()), entry.response.strip(),
                                     " ".join(entry.contact.split()))
    if not department:
        raise InvalidInput("Name the department.", field="department")
    if not response:
        raise InvalidInput("Say what the caller is told (the response).", field="response")
    if len(department) > DEPARTMENT_LIMIT:
        raise InvalidInput(f"Name the department in at most {DEPARTMENT_LIMIT} characters.", field="department")
    if len(contact) > CONTACT_LIMIT:
        raise InvalidInput(f"Keep the contact to at most {CONTACT_LIMIT} characters.", field="contact")
    if len(response) > TEXT_LIMIT:
        raise InvalidInput(f"Keep the response to at most {TEXT_LIMIT} characters.", field="response")
    words: list[str] = []
    seen: set[str] = set()  # (one set, not one per keyword: 20,000 keywords took half a minute)
    for word in entry.keywords:
        word = " ".join(word.split())
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    if len(", ".join(words)) > KEYWORDS_LIMIT:
        raise InvalidInput(f"Keep the keywords to at most {KEYWORDS_LIMIT} characters.", field="keywords")
    return ResourceEntry(department, response, contact, tuple(words))


def keywords_of(text: str) -> tuple[str, ...]:
    """Keywords typed as one line, separated by commas."""
    return tuple(w for w in (part.strip() for part in text.split(",")) if w)
