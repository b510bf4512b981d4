"""The email out's words (calldesk.rules.mail): the caller's language when the profile has its template, else the
profile's default, else calldesk's English; templates checked when the profile is read; third parties' details
taken out of what is sent, the constituent's own kept (calldesk.rules.redaction.redact_third_parties)."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import TypeAdapter, ValidationError

from calldesk.profiles import load_profile
from calldesk.rules.mail import clock_met_by, language_code, mail_words
from calldesk.rules.profile import Profile
from calldesk.rules.redaction import KnownPII, redact_third_parties

VALUES = {"case_number": "2026-000042", "caller_name": "Rosa Diaz", "agency": "LAUSD Call Center",
          "response": "The route was restored."}


@pytest.mark.parametrize(("language", "code", "subject"), [
    ("Spanish", "es", "[Caso 2026-000042] Hemos recibido su mensaje"),
    ("es", "es", "[Caso 2026-000042] Hemos recibido su mensaje"),
    ("English", "en", "[Case 2026-000042] We received your message"),
    ("Korean", "en", "[Case 2026-000042] We received your message"),  # no Korean template: the default, en
])
def test_the_acknowledgement_in_the_callers_language_else_the_default(language: str, code: str,
                                                                      subject: str) -> None:
    profile = load_profile("lausd")
    words = mail_words(profile.mail_templates, "acknowledgement", language=language,
                       default_language=profile.mail_language, values=VALUES)
    assert (words.language, words.subject) == (code, subject)


def test_a_profile_without_templates_says_calldesks_english_words() -> None:
    words = mail_words({}, "written_response", language="Spanish", default_language="en", values=VALUES)
    assert words.language == "en" and words.subject == "[Case 2026-000042] Our response"
    assert "The route was restored." in words.text and words.text.startswith("Dear Rosa Diaz,")
    nameless = mail_words({}, "written_response", language="en", default_language="en",
                          values={**VALUES, "caller_name": ""})
    assert nameless.text.startswith("This is our written response")  # no "Dear ,"


def test_a_template_is_checked_when_the_profile_is_read() -> None:
    data = dataclasses.asdict(load_profile("lausd"))
    adapter = TypeAdapter(Profile)
    bad_subject = {**data, "mail_templates": {"acknowledgement": {"en": {"subject": "Hello", "text": "Hi"}}}}
    with pytest.raises(ValidationError, match="must carry {case_number}"):
        adapter.validate_python(bad_subject)
    unknown = {**data, "mail_templates": {"written_response": {"es": {"subject": "[Caso {case_number}]",
                                                                      "text": "{student_name}"}}}}
    with pytest.raises(ValidationError, match="names {student_name}"):
        adapter.validate_python(unknown)
    with pytest.raises(ValidationError, match="not a language code"):
        adapter.validate_python({**data, "mail_language": "Spanish"})


def test_language_codes() -> None:
    assert [language_code(x) for x in ("Spanish", " spanish ", "EN", "Klingon", "")] == ["es", "es", "en", "", ""]


def test_third_parties_go_the_constituents_own_details_stay() -> None:
    text = ("Dear Maria Lopez, about Juan Perez (student S123456, born 2015-03-02): you gave (213) 555-0142 and "
            "maria@x.org; his teacher is at bob@school.org, 213-555-9999. Case 2026-000123, December 7, 2026.")
    out = redact_third_parties(text, KnownPII(names=["Juan Perez"], ids=["S123456"], dates=["2015-03-02"]),
                               own=KnownPII(names=["Maria Lopez"], phones=["(213) 555-0142"],
                                            emails=["maria@x.org"]))
    assert out == ("Dear Maria Lopez, about [NAME] (student [ID], born [DATE]): you gave (213) 555-0142 and "
                   "maria@x.org; his teacher is at [EMAIL], [PHONE]. Case 2026-000123, December 7, 2026.")


def test_which_clock_a_message_meets() -> None:
    assert clock_met_by("acknowledgement", tier="complaint", acknowledge_pending=True, respond_pending=True) == \
        "acknowledge"
    assert clock_met_by("written_response", tier="concern", acknowledge_pending=False, respond_pending=True) == \
        "written_response"
    assert clock_met_by("written_response", tier="inquiry_followup", acknowledge_pending=False,
                        respond_pending=True) == "reply"
    assert clock_met_by("written_response", tier="complaint", acknowledge_pending=False,
                        respond_pending=False) is None
    # Area Offices: the letter is the written response; LAUSD (no response clock on a complaint): the letter's own.
    assert clock_met_by("letter", tier="complaint", acknowledge_pending=False, respond_pending=True) == \
        "written_response"
    assert clock_met_by("letter", tier="complaint", acknowledge_pending=False, respond_pending=False) == "letter"
