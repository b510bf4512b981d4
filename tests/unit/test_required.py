"""Required fields by tier, as the profile says them."""

from __future__ import annotations

import pytest

from calldesk.errors import MissingFields
from calldesk.rules.profile import Profile, RequiredFields
from calldesk.rules.required import missing_fields


def test_every_case_needs_a_contact_and_a_category(lausd: Profile) -> None:
    assert missing_fields(lausd, tier="inquiry_immediate", values={"phone": ""}, stage="save") == {
        "caller_name": "Enter the caller's name, phone or email.", "category": "Pick the call's category."}
    assert missing_fields(lausd, tier="inquiry_immediate", values={"email": "a@b.org", "category": "Enrollment"},
                          stage="save") == {}


@pytest.mark.parametrize("tier", ["concern", "complaint"])
def test_a_concern_or_complaint_needs_its_claim(lausd: Profile, tier: str) -> None:
    values = {"caller_name": "Dana", "category": "Enrollment", "claim": "   "}
    assert list(missing_fields(lausd, tier=tier, values=values, stage="save")) == ["claim"]  # type: ignore[arg-type]
    assert missing_fields(lausd, tier=tier, values=values, stage="save", abuse_marked=True) == {}  # type: ignore[arg-type]


def test_closing_an_immediate_inquiry_needs_category_subcategory_and_response(lausd: Profile) -> None:
    values = {"caller_name": "Maria", "category": "Transportation"}
    assert list(missing_fields(lausd, tier="inquiry_immediate", values=values, stage="close")) == [
        "subcategory", "response"]
    assert missing_fields(lausd, tier="inquiry_immediate", values=values, stage="save") == {}
    done = {**values, "subcategory": "Late or missed bus", "response": "Bus 12 runs late"}
    assert missing_fields(lausd, tier="inquiry_immediate", values=done, stage="close") == {}
    assert missing_fields(lausd, tier=None, values=values, stage="close") == {}, "a compliment closes as it is"


def test_the_profile_refuses_an_unknown_requirement() -> None:
    with pytest.raises(ValueError, match="cannot be required"):
        RequiredFields(save={"every_case": ["shoe_size"]})
    with pytest.raises(ValueError, match="not every_case, a tier or compliment"):
        RequiredFields(close={"urgent": ["response"]})


def test_missing_fields_is_one_refusal_naming_every_field() -> None:
    error = MissingFields({"category": "Pick the call's category.", "claim": "Write the claim."})
    assert error.message == "Pick the call's category. Write the claim." and error.field == "category"
    assert error.fields == {"category": "Pick the call's category.", "claim": "Write the claim."}
