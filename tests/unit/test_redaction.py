"""Redaction of personal identifiable information (34 CFR 99.3) and report pseudonyms."""

from __future__ import annotations

import pytest

from calldesk.rules.redaction import KnownPII, Redactor, pseudonym, redact

KNOWN = KnownPII(
    names=["Maria Lopez", "Juan Lopez"],
    ids=["S-0042"],
    phones=["+13105551234"],
    emails=["Maria.L@Example.com"],
    addresses=["742 Evergreen Terrace, Springfield"],
    dates=["2015-03-04"],
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MARIA   lopez called", "[NAME] called"),
        ("Lopez, Maria called", "[NAME], [NAME] called"),
        ("her son Juan is in 3rd grade", "her son [NAME] is in 3rd grade"),
        ("call 310 555 1234 or (310)555-1234 or +1-310-555-1234", "call [PHONE] or [PHONE] or [PHONE]"),
        ("write to maria.l@EXAMPLE.com", "write to [EMAIL]"),
        ("student S-0042 at 742  evergreen terrace", "student [ID] at [ADDRESS]"),
        ("born 2015-03-04", "born [DATE]"),
    ],
)
def test_known_items_are_removed_in_any_formatting(text: str, expected: str) -> None:
    assert redact(text, KNOWN) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reach me at someone@else.org", "reach me at [EMAIL]"),
        ("SSN 123-45-6789 on file", "SSN [SSN] on file"),
        ("cell 213.555.0199, work (626) 555-0100", "cell [PHONE], work [PHONE]"),
        ("UK number +44 20 7946 0958", "UK number [PHONE]"),
        ("student id 1234567 and 987654321", "student id [ID] and [ID]"),
        ("born 3/4/2015, or 03-04-15", "born [DATE], or [DATE]"),
        ("born March 4, 2015 (4th of March 2015), since Sept. 2019", "born [DATE] ([DATE]), since [DATE]"),
        ("lives at 12 Oak Ave Apt 3B near the park", "lives at [ADDRESS] near the park"),
        ("mail to P.O. Box 55", "mail to [ADDRESS]"),
    ],
)
def test_pii_shaped_strings_are_over_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Case 2026-000871 was linked to 2026-000002.",
        "The bus was 3 times late in grade 5; we may call back.",
        "Transportation: late or missed bus",
    ],
)
def test_ordinary_text_survives(text: str) -> None:
    assert redact(text, KNOWN) == text


def test_redact_empty_text() -> None:
    assert redact("", KNOWN) == ""


def test_pseudonym_is_stable_secret_dependent_and_short() -> None:
    first = pseudonym("2026-000871", "s3cret")
    assert first == pseudonym("2026-000871", "s3cret")
    assert first != pseudonym("2026-000872", "s3cret")
    assert first != pseudonym("2026-000871", "other")
    assert first.startswith("C-") and len(first) == 10
    int(first[2:], 16)
    with pytest.raises(ValueError):
        pseudonym("2026-000871", "")


def test_a_prepared_redactor_finds_known_items_however_they_are_written() -> None:
    redactor = Redactor(KnownPII(names=["Quintessa Marblewright"], phones=["+17145550187"],
                                 emails=["QMarble@Example.org"], ids=["SID778812"]))
    text = "QUINTESSA\n marblewright called from 714 555 - 0187 (tel. 1-714-555-0187), qmarble@example.ORG, sid778812"
    assert redactor(text) == "[NAME] called from [PHONE] (tel. [PHONE]), [EMAIL], [ID]"
    assert redactor("Nothing personal here.") == "Nothing personal here."
