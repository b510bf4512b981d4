"""Caller contact details in one canonical form, so the same caller is recognised next time."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from calldesk.errors import InvalidInput

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

def _parse(raw: str, region: str) -> PhoneNumber | None:
    # Imported on first use: the desk is on screen before anyone types a number.
    import phonenumbers

    try:
        return phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None


def _e164(number: PhoneNumber) -> str:
    import phonenumbers

    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=65536)  # pure (a refusal is raised, never cached): an import checks each row twice
def normalise_phone(text: str, region: str = "US") -> str:
    """The phone number in E.164 form ("+13105551234"); raises InvalidInput(field="phone") if not dialable."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("Enter a phone number.", field="phone")
    import phonenumbers

    number = _parse(raw, region)
    if number is None:
        raise InvalidInput(f"'{raw}' is not a phone number: check the digits.", field="phone")
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(f"'{raw}' is not a valid phone number: check the digits.", field="phone")
    return _e164(number)


@lru_cache(maxsize=65536)  # pure, and asked again for the same numbers by the repeat rule and bulk imports
def phone_digits(e164_or_text: str | None, region: str = "US") -> str:
    """Digits only, for indexing and matching: "+1 (310) 555-1234" and "310.555.1234" give "13105551234".

    Best effort and never raises: text that does not parse as a number keeps just its digits.
    """
    raw = (e164_or_text or "").strip()
    if len(raw) == 11 and raw[0] == "1" and raw.isascii() and raw.isdigit():
        return raw  # a North American number's digits as stored: what parsing them gives back
    digits = re.sub(r"\D", "", raw)
    if not digits:
        return ""
    import phonenumbers

    number = _parse(raw, region)
    if number is None or not phonenumbers.is_possible_number(number):
        return digits
    return _e164(number).lstrip("+")


def normalise_email(text: str) -> str:
    """The address trimmed and lower-cased; raises InvalidInput(field="email") if it is not an address: its syntax
    by RFC 5321/5322 (email-validator; no DNS asked), a dotted domain, no quoted name or bracketed IP address."""
    value = (text or "").strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    if not value:
        raise InvalidInput("Enter an email address.", field="email")
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"'{text.strip()}' is not an email address (name@example.org): {exc}",
                           field="email") from None
    return checked.normalized.lower()


def is_email(text: str) -> bool:
    """Whether `text` is an address normalise_email takes."""
    try:
        normalise_email(text)
    except InvalidInput:
        return False
    return True


_NAME_WORD = re.compile(r"[^\W_]+")


def fold(text: str | None) -> str:
    """Accents dropped and case folded: "José LÓPEZ" -> "jose lopez" (what a person types to find a name)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_words(text: str | None) -> str:
    """The name's words folded, each after a space: " maria jose lopez" (Find matches the start of any word:
    "lopez" is " lopez" inside it, "maria" the start of the whole, which an index serves)."""
    return "".join(f" {word}" for word in _NAME_WORD.findall(fold(text)))


@lru_cache(maxsize=65536)  # pure, and asked for the same names and schools again by the repeat and trend rules
def normalise_name(text: str | None) -> str:
    """The name case-folded with whitespace collapsed, for matching ("  Maria  LOPEZ" -> "maria lopez")."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split()).casefold()
