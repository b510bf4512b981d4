"""Facts stated once and derived everywhere else: role labels, text limits, required fields, the typed narrative,
the case model's families. Each test enumerates the one source and checks what derives from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from calldesk.errors import InvalidInput
from calldesk.models import Case, CaseBase, CasePublic, CaseUpdate
from calldesk.rules import permissions, profile_fields
from calldesk.rules.free_text import CASE_NARRATIVE, FREE_TEXT
from calldesk.rules.profile import REQUIRABLE, REQUIREMENTS, ROLES, a_role, role_label
from calldesk.rules.required import SENTENCES
from calldesk.store.services.typed_fields import build, refusal_of

ROOT = Path(__file__).resolve().parents[2] / "calldesk"


def _sources() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in ROOT.rglob("*.py")}


def test_one_table_of_role_labels() -> None:
    # permissions' table is the profile's, not a second dict with other values.
    assert permissions.ROLE_LABELS is profile_fields.ROLE_LABELS
    assert set(profile_fields.ROLE_LABELS) == set(ROLES)
    # By hand: the underscore becomes a space; the article follows the first letter.
    assert role_label("program_specialist") == "program specialist"
    assert a_role("program_specialist") == "a program specialist"
    assert a_role("agent") == "an agent" and a_role("admin") == "an admin"
    assert role_label("someone_new") == "someone new"  # a role calldesk does not know: as written


def test_no_module_spells_a_role_out_by_hand() -> None:
    spelled = {name for name, text in _sources().items()
               if re.search(r"role\w*(\[[^]]*\])?\.replace\(['\"]_['\"], ['\"] ['\"]\)", text)
               and name != "rules/profile_fields.py"}
    assert spelled == set(), f"use rules.profile.role_label / a_role in: {sorted(spelled)}"


def test_requirable_is_what_has_a_sentence() -> None:
    assert REQUIRABLE == tuple(REQUIREMENTS) == tuple(SENTENCES)
    assert SENTENCES["category"] == ("category", "Pick the call's category.")
    assert all(sentence.endswith(".") for _, sentence in SENTENCES.values())


def test_an_update_has_the_typed_fields_with_their_limits() -> None:
    assert CaseUpdate.model_fields.keys() == CaseBase.model_fields.keys()
    for name, info in CaseBase.model_fields.items():
        assert CaseUpdate.model_fields[name].metadata == info.metadata, name
    # The phone's limit is the model's 32 (the intake's own table said 40): 33 characters are refused, named.
    with pytest.raises(InvalidInput, match="^Phone is longer than 32 characters.$") as refused:
        build(CaseUpdate, phone="1" * 33)
    assert refused.value.field == "phone"
    assert build(CaseUpdate, phone="1" * 32).phone == "1" * 32
    assert build(CaseUpdate, school="Lincoln").model_dump(exclude_unset=True) == {"school": "Lincoln"}


def test_a_too_long_value_is_worded_once() -> None:
    try:
        CaseBase.model_validate({"caller_name": "x" * 201})
    except ValidationError as exc:
        assert refusal_of(exc).message == "Caller name is longer than 200 characters."
    else:  # pragma: no cover - the model must refuse it
        pytest.fail("a 201-character name was accepted")


def test_the_public_case_is_the_case_but_its_lookup_keys() -> None:
    hidden = {"phone_digits", "caller_name_key", "caller_name_words"}
    assert set(CasePublic.model_fields) == set(Case.model_fields) - hidden
    assert CasePublic.model_fields["id"].annotation is int


def test_the_typed_narrative_is_free_texts() -> None:
    # By hand: the case's narrative columns are claim, evidence, steps taken and the close reason; the close
    # reason is placeheld (the store writes it), so an agent types the other three.
    assert CASE_NARRATIVE == ("claim", "evidence", "steps_taken")
    assert set(CASE_NARRATIVE) < FREE_TEXT["cases"].narrative
    spelled = {name for name, text in _sources().items()
               if '"claim", "evidence", "steps_taken")' in text and name != "rules/free_text.py"}
    assert spelled == set(), f"use rules.free_text.CASE_NARRATIVE in: {sorted(spelled)}"
