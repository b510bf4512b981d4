"""The Service Request form's check (calldesk.rules.web_form) and Open311's field list (calldesk.rules.open311):
pure rules, no server."""

from __future__ import annotations

from calldesk.profiles import load_profile
from calldesk.rules.open311 import check_post, service_code
from calldesk.rules.web_form import LIMITS, check_request, form_of

AREA = load_profile("area_offices")
FILLED = {"caller_name": "Ann Lee", "phone": "213-555-0142", "category": "Enrollment", "claim": "Lost papers.",
          "school": "Roosevelt High", "tried_school": "no"}


def test_a_web_inquiry_needs_a_follow_up_and_a_compliment_does_not() -> None:
    assert check_request(AREA, FILLED, "en").fields["needs_follow_up"] is True
    praised = check_request(AREA, {**FILLED, "call_type": "compliment"}, "en").fields
    assert praised["needs_follow_up"] is False and praised["channel"] == "web_form"
    assert check_request(AREA, FILLED, "en").fields["steps_taken"] == "Tried the school first: no"


def test_refusals_name_their_field_in_the_form_language() -> None:
    empty = check_request(AREA, {}, "es").errors
    # The form's required fields (name, topic, what happened) and a way to reach the constituent.
    assert set(empty) == {"caller_name", "category", "claim", "phone"}
    assert empty["claim"] == "Este campo es obligatorio."
    long = check_request(AREA, {**FILLED, "claim": "x" * (LIMITS["claim"] + 1)}, "en").errors
    assert long == {"claim": f"This is longer than {LIMITS['claim']} characters."}
    assert check_request(AREA, {**FILLED, "category": "Nothing"}, "en").errors == {
        "category": "Choose one of the options."}
    assert check_request(AREA, {**FILLED, "tried_school": ""}, "en").errors == {
        "tried_school": "Choose one of the options."}  # Area Offices asks it when a school is named
    assert "caller_name" in check_request(AREA, {**FILLED, "caller_name": "A\x00"}, "en").errors


def test_abuse_words_empty_the_narrative_and_make_it_urgent() -> None:
    checked = check_request(AREA, {**FILLED, "claim": "She has bruises.", "tried_school_with": "the nurse"}, "en")
    assert checked.abuse_suspected
    assert (checked.fields["claim"], checked.fields["evidence"], checked.fields["steps_taken"]) == ("", "", "")
    assert checked.fields["urgent"] is True and checked.fields["phone"] == "213-555-0142"


def test_the_lausd_form_does_not_ask_about_the_school_first() -> None:
    assert form_of(AREA).asks_school_first and not form_of(load_profile("lausd")).asks_school_first


def test_open311_fields_outside_georeport_v2_are_refused() -> None:
    base = {"service_code": service_code("Enrollment"), "address_string": "Roosevelt High",
            "description": "Lost papers.", "email": "ann@example.org"}
    form, problem = check_post(AREA, base)
    assert problem is None and form["category"] == "Enrollment" and "school" not in form  # (its address: the case's)
    assert check_post(AREA, {**base, "attribute[x]": "1"})[1] == "Not a GeoReport v2 field: attribute[x]."
    assert check_post(AREA, {**base, "lat": "1"})[1] == "lat and long go together, as decimal degrees."
    for lat, long in (("91", "0"), ("-90.0001", "181"), ("0", "-180.5")):  # off the globe
        assert "from -90 to 90" in (check_post(AREA, {**base, "lat": lat, "long": long})[1] or ""), (lat, long)
    assert check_post(AREA, {**base, "lat": "-90", "long": "180"})[1] is None
    assert "location" in (check_post(AREA, {k: v for k, v in base.items() if k != "address_string"})[1] or "")


def test_the_preferred_way_to_reach_is_one_that_was_given() -> None:
    """The form's choice left on email by someone who gave only a phone (or phone, with only an email) is the way
    they gave: the call back never waits on an address nobody has. Both given: their choice stands."""
    phone_only = check_request(AREA, {**FILLED, "preferred_contact": "email"}, "en").fields
    assert phone_only["preferred_contact"] == "phone"
    email_only = {**FILLED, "phone": "", "email": "ann@example.org", "preferred_contact": "phone"}
    assert check_request(AREA, email_only, "en").fields["preferred_contact"] == "email"
    both = {**FILLED, "email": "ann@example.org", "preferred_contact": "phone"}
    assert check_request(AREA, both, "en").fields["preferred_contact"] == "phone"
    assert check_request(AREA, {**FILLED, "preferred_contact": "fax"}, "en").errors == {
        "preferred_contact": "Choose one of the options."}
