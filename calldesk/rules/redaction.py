"""Redaction of personally identifiable information (34 CFR 99.3) from anything that leaves the system.

First every item stored on the case is removed by exact match (case-insensitive, phones in any
formatting); then anything shaped like an email, SSN, date, phone or street address; then anything shaped like
a case, client, benefit or student number (any word with four digits or more that is not a year, a run of digit
groups, and whatever follows a word like "CIN", "client ID" or "ending in"); last, every word the name
heuristic takes for a person's name (calldesk.rules.names), whoever that person is. Over-redacting is the safe
side: no language model is needed or available offline.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from calldesk.rules.contact import phone_digits
from calldesk.rules.names import NAME, redact_names

PHONE, EMAIL, ID = "[PHONE]", "[EMAIL]", "[ID]"
DATE, ADDRESS, SSN = "[DATE]", "[ADDRESS]", "[SSN]"


@dataclass(frozen=True)
class KnownPII:
    """The personal details stored on a case, removed wherever they appear."""

    names: Sequence[str] = ()
    ids: Sequence[str] = ()
    phones: Sequence[str] = ()
    emails: Sequence[str] = ()
    addresses: Sequence[str] = ()
    dates: Sequence[str] = ()


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_STREET_SUFFIX = (
    r"(?i:st|street|ave|avenue|blvd|boulevard|rd|road|dr|drive|ln|lane|way|ct|court|pl|place"
    r"|pkwy|parkway|hwy|highway|ter|terrace|cir|circle|sq|square)"
)
_NUMERIC_DATE = (
    r"(?<![\w/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2})(?![\w/-])"
)
_UNIT = r"(?:,?\s+(?i:apt|apartment|unit|suite|ste|#)\.?\s*[\w-]+)?"

# Order matters: emails and SSNs before phones, dates before ids, addresses before ids.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), EMAIL),  # starts a run: linear, not quadratic
    (re.compile(r"(?<![\w-])\d{3}[- ]\d{2}[- ]\d{4}(?![\w-])"), SSN),
    (re.compile(_NUMERIC_DATE), DATE),
    (re.compile(rf"\b{_MONTH}\.?\s+{_DAY}(?:,?\s+\d{{4}})?\b", re.IGNORECASE), DATE),
    (re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}\.?(?:,?\s+\d{{4}})?\b", re.IGNORECASE), DATE),
    (re.compile(rf"\b{_MONTH}\.?,?\s+\d{{4}}\b", re.IGNORECASE), DATE),
    (re.compile(r"(?<![\w+])(?:\+?1[\s.-]*)?(?:\(\d{3}\)|\d{3})[\s.-]*\d{3}[\s.-]*\d{4}(?!\d)"), PHONE),
    (re.compile(r"\+\d[\d\s().-]{7,}\d"), PHONE),
    (re.compile(rf"\b\d{{1,6}}(?:\s+[A-Z0-9][\w'.-]*){{1,4}}\s+{_STREET_SUFFIX}\b\.?{_UNIT}"), ADDRESS),
    (re.compile(r"\b(?i:p\.?\s*o\.?\s+box)\s+\d+"), ADDRESS),
    (re.compile(r"(?<!\w)\d{2,}(?:[ -]\d{2,}){2,}(?!\w)"), ID),  # "5077 1234 5678 9012"
)

# A word that says an identifier follows ("CIN", "client ID #", "ending in"): whatever follows with a digit in it
# goes, however short ("student ID 42", "last four 2019").
_ID_WORDS = (
    r"cin|bic|ssn|ss\#|social\s+security(?:\s+(?:number|no\.?|\#))?|ebt(?:\s+card)?|medi-cal|member|account"
    r"|(?:case|client|student|benefits?|claim|file|record|employee|badge|card|policy|member|account|medi-cal)"
    r"(?:\s+(?:id|number|no\.?|num|\#))"
    r"|id|ids|number|no\.|num|\#|ending(?:\s+in)?|last\s+(?:four|4)(?:\s+digits)?"
    r"|born(?:\s+(?:in|on))?|dob|d\.o\.b\."
)
_AFTER_ID_WORD = re.compile(
    rf"(?i)(?<![\w-])((?:{_ID_WORDS})(?:\s*(?:is|was|of|:|\#|=)){{0,2}}\s*)([\w-]*\d[\w./-]*)(?<![.-])")
# Any word with four digits or more ("91234567A", "CW-4471932", "2026-000871"), except a year or an amount.
_DIGITS = re.compile(r"(?<![A-Za-z0-9$])[A-Za-z0-9]+(?:[-./#][A-Za-z0-9]+)*(?![A-Za-z0-9])")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _identifier(match: re.Match[str]) -> str:
    word = match.group()
    digits = sum(ch.isdigit() for ch in word)
    return ID if digits >= 4 and not _YEAR.fullmatch(word) else word


def redact_identifiers(text: str) -> str:
    """`text` with everything shaped like a case, client, benefit or student number replaced by "[ID]"."""
    text = _AFTER_ID_WORD.sub(lambda m: m.group(1) + ID, text)
    return _DIGITS.sub(_identifier, text)


def _flexible(text: str) -> str:
    """A pattern for `text` as a whole word or phrase, any run of whitespace matching any other."""
    body = r"\s+".join(re.escape(part) for part in text.split())
    return rf"(?<!\w){body}(?!\w)"


def _national(digits: str) -> str:
    return digits[-10:] if len(digits) == 11 and digits.startswith("1") else digits


def _phone_pattern(raw: str) -> str | None:
    digits = phone_digits(raw)
    if len(digits) < 5:
        return None
    national = _national(digits)
    # Any punctuation or spacing between the digits, with or without the country code.
    body = r"[\s().-]*".join(national)
    return rf"(?<![\d(])(?:\+?\d{{1,3}}[\s().-]*)?\(?{body}(?!\d)"


def _known_patterns(known: KnownPII) -> list[tuple[str, str, str]]:
    """(pattern, token, probe): `probe` is lower-case text any match must contain (a cheap test first)."""
    items: list[tuple[str, str, int, str]] = []

    def add(values: Sequence[str], token: str, pieces: Callable[[str], list[str]] | None = None) -> None:
        for value in values:
            value = (value or "").strip()
            if not value:
                continue
            items.append((_flexible(value), token, len(value), value.split()[0].casefold()))
            for piece in pieces(value) if pieces else []:
                piece = piece.strip(" ,.")
                if len(piece) >= 2 and piece != value:
                    items.append((_flexible(piece), token, len(piece), piece.split()[0].casefold()))

    # A name's parts and an address's street line identify on their own too.
    add(known.names, NAME, str.split)
    add(known.emails, EMAIL)
    add(known.addresses, ADDRESS, lambda address: address.split(",")[:1])
    add(known.ids, ID)
    add(known.dates, DATE)
    for phone in known.phones:
        pattern = _phone_pattern(phone or "")
        if pattern:
            items.append((pattern, PHONE, 100, _national(phone_digits(phone))))
    # Longest first, so "Maria Lopez" is removed whole before "Maria" alone.
    return [(pattern, token, probe) for pattern, token, _, probe in sorted(items, key=lambda item: -item[2])]


class Redactor:
    """`redact` for one case's known details, prepared once for all of that case's text."""

    def __init__(self, known: KnownPII | None = None) -> None:
        self._known = _known_patterns(known or KnownPII())
        self._compiled: dict[str, re.Pattern[str]] = {}

    def _known_removed(self, text: str) -> str:
        folded, digits = text.casefold(), re.sub(r"\D", "", text)
        for pattern, token, probe in self._known:
            # A phone matches only where its digits stand together once the punctuation is gone.
            if probe not in (digits if token == PHONE else folded):
                continue
            compiled = self._compiled.get(pattern)
            if compiled is None:
                compiled = self._compiled[pattern] = re.compile(pattern, re.IGNORECASE)
            text = compiled.sub(token, text)
        return text

    def __call__(self, text: str) -> str:
        """`text` with every known item and every PII-shaped string replaced by a token like "[PHONE]"."""
        if not text:
            return text
        text = self._known_removed(text)
        for compiled, token in _PATTERNS:
            text = compiled.sub(token, text)
        return redact_names(redact_identifiers(text))

    def place(self, text: str) -> str:
        """A school's or department's name as it may leave: every known item and anything shaped like an email,
        SSN, phone or street address replaced, but not the name heuristic's or the identifier shapes' finds (a
        school is often named for a person, or numbered: "Roosevelt High", "PS 104")."""
        if not text:
            return text
        text = self._known_removed(text)
        for compiled, token in _PLACE_SHAPES:
            text = compiled.sub(token, text)
        return text


_PLACE_SHAPES = tuple((compiled, token) for compiled, token in _PATTERNS if token in (EMAIL, SSN, PHONE, ADDRESS))


def date_forms(day: date) -> list[str]:
    """The ways a stored date (a birth date) is written, each removed by exact match: 2012-03-14, 03/14/2012,
    3/14/2012."""
    return [day.isoformat(), day.strftime("%m/%d/%Y"), f"{day.month}/{day.day}/{day.year}"]


def redact(text: str, known: KnownPII | None = None) -> str:
    """`text` with every known item and every PII-shaped string replaced by a token like "[PHONE]"."""
    return Redactor(known)(text)


_CONTACT_SHAPES = tuple((compiled, token) for compiled, token in _PATTERNS if token in (EMAIL, SSN, PHONE))


def redact_third_parties(text: str, third_parties: KnownPII, *, own: KnownPII) -> str:
    """`text` as it may go to the constituent: every detail stored about anyone else (a student's name, id, birth
    date) removed by exact match, and every email, phone or SSN-shaped string that is not the constituent's own
    (`own`: their name, phone, email, address, kept as written). Dates, the case number and the words of the
    letter stay: the name heuristic and the date/id shapes of `redact` would leave a letter unreadable, and what
    is sent is the constituent's own matter."""
    if not text:
        return text
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"\x00{len(kept) - 1}\x00"

    for pattern, _, _ in _known_patterns(own):
        text = re.sub(pattern, keep, text, flags=re.IGNORECASE)
    for pattern, token, _ in _known_patterns(third_parties):
        text = re.sub(pattern, token, text, flags=re.IGNORECASE)
    for compiled, token in _CONTACT_SHAPES:
        text = compiled.sub(token, text)
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)


def pseudonym(case_number: str, secret: str) -> str:
    """A stable, non-reversible stand-in for a case number in reports, e.g. "C-3f9a1c2b"."""
    if not secret:
        raise ValueError("a pseudonym needs a secret, or anyone could recompute it from the case number")
    digest = hmac.new(secret.encode(), case_number.strip().encode(), hashlib.sha256).hexdigest()
    return f"C-{digest[:8]}"
