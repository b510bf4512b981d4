"""Suspected child abuse: reported by phone and on the state form, never documented in calldesk."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from calldesk.rules.free_text import NARRATIVE_NAMES
from calldesk.rules.profile import Profile

# Every name a narrative goes by (case, follow-up and resolution columns, the intake form's fields), from the
# one classification of free text (calldesk.rules.free_text): emptied and locked once a call is marked.
NARRATIVE_FIELDS: tuple[str, ...] = NARRATIVE_NAMES


@dataclass(frozen=True)
class AbuseGuidance:
    """What the agent is shown the moment a call is marked as suspected child abuse."""

    hotline: str
    hotline_name: str
    law_enforcement_note: str
    form: str
    form_within_hours: int
    do_not_document: str
    consult_supervisor: str
    form_name: str = ""


def abuse_guidance(profile: Profile) -> AbuseGuidance:
    """The profile's hotline, form and deadline, with the do-not-document instruction."""
    rules = profile.abuse
    return AbuseGuidance(
        hotline=rules.hotline,
        hotline_name=rules.hotline_name,
        law_enforcement_note=rules.law_enforcement_note,
        form=rules.form,
        form_within_hours=rules.form_within_hours,
        do_not_document=(
            "Do not document the suspected abuse in calldesk: nothing about it is saved in the case, "
            "drafts, history or reports."
        ),
        consult_supervisor="Consult your supervisor as necessary.",
        form_name=rules.form_name,
    )


def scrub_narrative(values: Mapping[str, object]) -> dict[str, object]:
    """A copy of `values` with every narrative field that is present emptied to ""."""
    return {key: ("" if key in NARRATIVE_FIELDS else value) for key, value in values.items()}


def _folded(text: str) -> str:
    """`text` as the keywords are matched: case folded, accents dropped ("golpeó", "GOLPEO" and "golpeo" alike:
    a parent typing on a phone leaves the accents out)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


@lru_cache(maxsize=32)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    phrases = sorted({_folded(" ".join(k.split())) for k in keywords if k.strip()}, key=len, reverse=True)
    if not phrases:
        return None
    # Whole words only ("hit" must not match "white"); spaces in a phrase match any whitespace.
    body = "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


@lru_cache(maxsize=32)
def _keyword_names(keywords: tuple[str, ...]) -> dict[str, str]:
    """Each keyword's matching form (words single-spaced, folded) -> the keyword as listed."""
    return {_folded(" ".join(k.split())): k.strip() for k in keywords if k.strip()}


def abuse_words_in(text: str | None, keywords: Sequence[str]) -> list[str]:
    """The keywords (as listed) found in `text` as whole words or phrases, ignoring case and accents, in text
    order."""
    pattern = _keyword_pattern(tuple(keywords))
    if pattern is None or not text:
        return []
    by_key = _keyword_names(tuple(keywords))
    found: list[str] = []
    for match in pattern.finditer(_folded(text)):
        keyword = by_key.get(" ".join(match.group(0).split()), match.group(0))
        if keyword not in found:
            found.append(keyword)
    return found
