"""Written consent to release student information (LAUSD Step 1.D; FERPA 34 CFR 99.30-99.33)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from calldesk.errors import ConsentRefused, InvalidInput
from calldesk.rules.consent import (
    REDISCLOSURE_NOTICE,
    RELATIONSHIPS,
    ConsentFacts,
    check_disclosure,
    validate_consent,
)

TODAY = date(2026, 11, 23)
GRANDMA = ConsentFacts(
    signed_by="Maria Lopez",
    signed_on=date(2026, 9, 1),
    records=["grades", "attendance"],
    purpose="help with homework and school attendance",
    recipient="Rosa Lopez",
    valid_until=date(2027, 6, 30),
)


def disclose(consents: list[ConsentFacts], records: list[str], *, relationship: str = "relative",
             recipient: str = "Rosa Lopez", on: date = TODAY):
    return check_disclosure(
        relationship=relationship, consents=consents, records=records, recipient=recipient, on=on
    )


def test_parent_or_guardian_needs_no_consent() -> None:
    decision = disclose([], ["discipline"], relationship="parent_guardian", recipient="Maria Lopez")
    assert (decision.allowed, decision.code, decision.basis) == (True, "allowed", "parent/guardian")


@pytest.mark.parametrize("relationship", [r for r in RELATIONSHIPS if r != "parent_guardian"])
def test_anyone_else_without_consent_is_refused(relationship: str) -> None:
    decision = disclose([], ["grades"], relationship=relationship)
    assert (decision.allowed, decision.code) == (False, "required")
    assert decision.reason == "Do not proceed: no written consent on file."


@pytest.mark.parametrize(
    ("consents", "records", "recipient", "on", "code", "reason"),
    [
        ([GRANDMA], ["Grades"], "rosa  lopez", TODAY, "allowed",
         "Allowed: written consent signed by Maria Lopez on 1 Sep 2026."),
        ([GRANDMA], ["grades", "attendance records"], "Rosa Lopez", TODAY, "allowed", None),
        ([replace(GRANDMA, records="all")], ["health"], "Rosa Lopez", TODAY, "allowed", None),
        ([GRANDMA], ["grades"], "Rosa Lopez", date(2027, 7, 1), "expired",
         "Do not proceed: the consent expired on 30 Jun 2027."),
        ([replace(GRANDMA, records=["grades"])], ["grades", "attendance"], "Rosa Lopez", TODAY, "out_of_scope",
         "Do not proceed: the consent does not cover attendance records."),
        ([GRANDMA], ["grades"], "Pedro Lopez", TODAY, "out_of_scope",
         "Do not proceed: the consent on file does not name Pedro Lopez."),
        # A consent missing its purpose is no consent at all (99.30).
        ([replace(GRANDMA, purpose="")], ["grades"], "Rosa Lopez", TODAY, "required",
         "Do not proceed: no written consent on file."),
        # Two consents together cover what one alone does not.
        ([replace(GRANDMA, records=["grades"]), replace(GRANDMA, records=["attendance"])],
         ["grades", "attendance"], "Rosa Lopez", TODAY, "allowed", None),
    ],
)
def test_check_disclosure(
    consents: list[ConsentFacts], records: list[str], recipient: str, on: date, code: str, reason: str | None
) -> None:
    decision = disclose(consents, records, recipient=recipient, on=on)
    assert decision.code == code
    assert decision.allowed is (code == "allowed")
    if reason is not None:
        assert decision.reason == reason
    if decision.allowed:
        assert decision.basis and "written consent" in decision.basis


def test_refused_decision_raises_consent_refused_with_its_code() -> None:
    decision = disclose([GRANDMA], ["grades"], on=date(2027, 7, 1))
    with pytest.raises(ConsentRefused) as caught:
        decision.require()
    assert caught.value.code == "expired" and "expired" in caught.value.message
    disclose([GRANDMA], ["grades"]).require()  # allowed: does not raise


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"signed_by": " "}, "signed_by"),
        ({"signed_on": None}, "signed_on"),
        ({"signed_on": date(2026, 12, 1)}, "signed_on"),  # in the future
        ({"records": []}, "records"),
        ({"records": "some"}, "records"),
        ({"purpose": ""}, "purpose"),
        ({"recipient": ""}, "recipient"),
        ({"valid_until": date(2026, 8, 1)}, "valid_until"),
    ],
)
def test_validate_consent_names_the_missing_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_consent(replace(GRANDMA, **change), today=TODAY)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert caught.value.message.endswith(".")


def test_validate_consent_accepts_a_complete_consent() -> None:
    validate_consent(GRANDMA, today=TODAY)
    validate_consent(replace(GRANDMA, records="all", valid_until=None), today=TODAY)


def test_bad_relationship_or_no_records_is_invalid_input() -> None:
    with pytest.raises(InvalidInput) as caught:
        disclose([GRANDMA], ["grades"], relationship="neighbour")
    assert caught.value.field == "relationship"
    with pytest.raises(InvalidInput) as caught:
        disclose([GRANDMA], [" "])
    assert caught.value.field == "records"


def test_redisclosure_notice_cites_99_33() -> None:
    assert "99.33" in REDISCLOSURE_NOTICE and "may not disclose" in REDISCLOSURE_NOTICE
