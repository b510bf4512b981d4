"""Suspected child abuse (PROTOCOL.md section 4): guidance shown, narrative never stored."""

from __future__ import annotations

import pytest

from calldesk.rules.abuse import NARRATIVE_FIELDS, abuse_guidance, abuse_words_in, scrub_narrative
from calldesk.rules.profile import Profile


def test_lausd_guidance_is_the_protocol_text(lausd: Profile) -> None:
    guidance = abuse_guidance(lausd)
    assert guidance.hotline == "(800) 540-4000"
    assert "DCFS" in guidance.hotline_name
    assert "law enforcement" in guidance.law_enforcement_note
    assert (guidance.form, guidance.form_within_hours) == ("SS 8572", 36)
    assert guidance.form_name == "Suspected Child Abuse Report"
    assert guidance.do_not_document.startswith("Do not document")
    assert "supervisor" in guidance.consult_supervisor


def test_every_profile_has_complete_guidance(profile: Profile) -> None:
    guidance = abuse_guidance(profile)
    assert guidance.hotline and guidance.form and guidance.form_within_hours > 0
    assert profile.abuse_keywords


def test_scrub_narrative_empties_every_narrative_field_and_keeps_the_rest() -> None:
    values = {field: f"{field} text about the bruises" for field in NARRATIVE_FIELDS}
    values |= {"caller_name": "Maria Lopez", "category": "Safety and security"}
    scrubbed = scrub_narrative(values)
    assert all(scrubbed[field] == "" for field in NARRATIVE_FIELDS)
    assert scrubbed["caller_name"] == "Maria Lopez" and scrubbed["category"] == "Safety and security"
    assert values["claim"] != ""  # the input is not modified
    assert scrub_narrative({"category": "Transportation"}) == {"category": "Transportation"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("He came home with BRUISES and said the coach hit him.", ["bruises", "hit"]),
        ("She says she was touched   inappropriately on the bus.", ["touched inappropriately"]),
        ("The white bus was late; nothing else happened.", []),  # "hit" inside "white" is not a word
        ("He was beaten. Beaten again last week.", ["beaten"]),
        # Spanish, with and without its accents (the web form is offered in Spanish; a phone drops the accents)
        ("El maestro golpeó a mi hijo y tiene moretones.", ["golpeó", "moretones"]),
        ("EL CHOFER GOLPEO A MI HIJO", ["golpeó"]),
        ("My daughter was hurt by her teacher, he grabbed and shook her.", ["hurt by", "grabbed", "shook her"]),
        ("La pega del cartel no sirve; el autobús llegó tarde.", []),  # "pega" alone (glue) is not a keyword
        ("", []),
    ],
)
def test_abuse_words_in(lausd: Profile, text: str, found: list[str]) -> None:
    assert abuse_words_in(text, lausd.abuse_keywords) == found


def test_abuse_words_in_uses_the_given_keywords() -> None:
    assert abuse_words_in("Teacher yelled", ["yelled"]) == ["yelled"]
    assert abuse_words_in("Teacher yelled", []) == []
