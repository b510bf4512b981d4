"""Maybe the same caller: the other ways a ringing number may have been written down before (README, "The phone").

The pop lists a ringing caller's earlier cases by the number's exact digits first. A phone system does not always
send a number the way the desk stored it: with the international prefix dialled ("0013105551234"), an extension
run on ("131055512341234"), or the caller once gave only the local number, without the area code ("555-1234",
stored as "15551234"). Each such spelling is one exact key more (an index read, however many cases the store
holds), and what it finds is shown as "maybe", after the exact matches. A different area code with the same last
seven digits is another line in another place, not a spelling of this one: it is not matched. Plain data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from calldesk.rules.contact import phone_digits

INTERNATIONAL_PREFIXES = ("011", "00")  # dialled before a country code (North America; most other countries)
SHORTEST_NUMBER = 8  # digits of the shortest number with its country code an extension could be cut back to


@dataclass(frozen=True)
class MaybeNumber:
    """Digits the same caller's number may have been stored under, and why they may be the same number."""

    digits: str
    why: str


def _valid(digits: str) -> bool:
    import phonenumbers

    try:
        return phonenumbers.is_valid_number(phonenumbers.parse("+" + digits, None))
    except phonenumbers.NumberParseException:
        return False


def _without_prefix(digits: str) -> str | None:
    for prefix in INTERNATIONAL_PREFIXES:
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and _valid(rest):
            return rest
    return None


def _without_extension(digits: str) -> str | None:
    """The longest valid number `digits` begins with, when `digits` itself is not one (an extension run on)."""
    if _valid(digits):
        return None
    for end in range(len(digits) - 1, SHORTEST_NUMBER - 1, -1):
        if _valid(digits[:end]):
            return digits[:end]
    return None


def _local(digits: str) -> str | None:
    """The number as stored when only its local part was given (no area code): "13105551234" -> "15551234"."""
    import phonenumbers

    number = phonenumbers.parse("+" + digits, None)
    area = phonenumbers.length_of_geographical_area_code(number)
    if not area:
        return None
    region = phonenumbers.region_code_for_number(number) or "US"
    local = phone_digits(phonenumbers.national_significant_number(number)[area:], region)
    return local if local and local != digits else None


def maybe_numbers(digits: str) -> list[MaybeNumber]:
    """The other digits the ringing number `digits` (as `phone_digits` gives them) may have been stored under,
    each once, never `digits` itself: without the international prefix, without an extension run on, and the
    local number without its area code."""
    found: list[MaybeNumber] = []

    def add(candidate: str | None, why: str) -> None:
        if candidate and candidate != digits and all(m.digits != candidate for m in found):
            found.append(MaybeNumber(candidate, why))

    if not digits.isdigit():
        return found
    whole = digits
    prefixless = _without_prefix(digits)
    add(prefixless, "the number without the international prefix")
    whole = prefixless or whole
    cut = _without_extension(whole)
    add(cut, "the number without its extension")
    whole = cut or whole
    if _valid(whole):
        add(_local(whole), "the local number, without the area code")
    return found
