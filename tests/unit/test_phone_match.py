"""The pop's maybe-matches (rules.phone_match): the other spellings of a ringing number, worked out by hand."""

from __future__ import annotations

from calldesk.rules.contact import phone_digits
from calldesk.rules.phone_match import MaybeNumber, maybe_numbers


def test_a_whole_number_may_have_been_given_without_its_area_code() -> None:
    # +1 (310) 555-1234: area code 310, so the local number 555-1234, stored as phone_digits("555-1234").
    assert phone_digits("555-1234") == "15551234"
    assert maybe_numbers("13105551234") == [MaybeNumber("15551234", "the local number, without the area code")]


def test_the_international_prefix_and_an_extension_are_dropped() -> None:
    # 00 + 1 310 555 1234: the prefix dropped gives the North American number, then its local part.
    assert maybe_numbers(phone_digits("0013105551234")) == [
        MaybeNumber("13105551234", "the number without the international prefix"),
        MaybeNumber("15551234", "the local number, without the area code")]
    # 1 310 555 1234 then 1234 run on: the longest valid number it begins with is the 11-digit one.
    assert maybe_numbers("131055512341234") == [
        MaybeNumber("13105551234", "the number without its extension"),
        MaybeNumber("15551234", "the local number, without the area code")]


def test_numbers_with_no_other_spelling() -> None:
    assert maybe_numbers("18005551234") == []  # toll-free: no geographical area code
    assert maybe_numbers("15551234") == []  # already the local number: other area codes are other lines
    assert maybe_numbers("") == [] and maybe_numbers("anonymous") == []
    assert all(m.digits != "13105551234" for m in maybe_numbers("13105551234"))  # never the exact number
