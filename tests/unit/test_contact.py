"""Contact details in canonical form, so the same caller is recognised by phone, email or name."""

from __future__ import annotations

import pytest

from calldesk.errors import InvalidInput
from calldesk.rules.contact import normalise_email, normalise_name, normalise_phone, phone_digits


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("(310) 555-1234", "+13105551234"),
        ("310.555.1234", "+13105551234"),
        ("+1 310 555 1234", "+13105551234"),
        ("1-585-324-9999", "+15853249999"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_normalise_phone(typed: str, e164: str) -> None:
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize("typed", ["", "12345", "call me", "(000) 000-0000"])
def test_normalise_phone_refuses_what_cannot_be_dialled(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_phone(typed)
    assert caught.value.field == "phone"
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("+13105551234", "13105551234"),
        ("(310) 555-1234", "13105551234"),
        ("310 555 1234 ext 5", "13105551234"),
        ("555-12", "55512"),
        ("no digits", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_digits_is_best_effort_and_never_raises(text: str | None, digits: str) -> None:
    assert phone_digits(text) == digits


@pytest.mark.parametrize(
    ("typed", "email"),
    [("  Maria.Lopez@Example.ORG ", "maria.lopez@example.org"), ("mailto:a+b@x.co", "a+b@x.co")],
)
def test_normalise_email(typed: str, email: str) -> None:
    assert normalise_email(typed) == email


@pytest.mark.parametrize("typed", ["", "maria", "maria@", "@example.org", "maria@example", "a b@example.org",
                                   'a@b.cc"><script>', "<a@b.cc>", "a@b.cc\x1b[2J", '"q"@example.org', "a@[10.0.0.1]",
                                   "a..b@example.org", "a@-example.org", "a@example.org\x00"])
def test_normalise_email_refuses_non_addresses(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_email(typed)
    assert caught.value.field == "email"
    assert "\n" not in str(caught.value)  # one line


def test_an_international_address_is_taken() -> None:
    assert normalise_email("José@Exämple.org") == "josé@exämple.org"


def test_normalise_name() -> None:
    assert normalise_name("  María\t LÓPEZ ") == "maría lópez"
    assert normalise_name("STRASSE") == normalise_name("straße")
    assert normalise_name(None) == ""
