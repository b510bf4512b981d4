"""A school or department typed in another case or spacing than a respondent's places spell it is stored as they
spell it: the respondent sees the case (respondents' scope matches places exactly, in calldesk.store.db.visibility
and in PostgreSQL's row-level security). Through the desk's save, the case edit and the bulk import."""

from __future__ import annotations

import json
from pathlib import Path

from calldesk.models import CaseUpdate
from calldesk.rules.assignment import as_known_place
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor, actor_for
from calldesk.store.read.search import list_cases
from calldesk.store.services.cases import update_case
from tests.cli.test_cli import run
from tests.conftest import add_user
from tests.integration.helpers import call, lausd


def test_a_place_typed_otherwise_is_the_respondents_spelling() -> None:
    places = ("Roosevelt High", "Transportation Branch")
    assert as_known_place("roosevelt  HIGH ", places) == "Roosevelt High"
    assert as_known_place("Transportation branch", places) == "Transportation Branch"
    assert as_known_place("Roosevelt Middle", places) == "Roosevelt Middle"  # another place: as typed
    assert as_known_place("Roosevelt High", ()) == "Roosevelt High"


def _seen_by(store: Store, who: Actor) -> set[str]:
    with store.uow(readonly=True) as uow:
        viewer = actor_for(uow.session, who.username)  # (with their places)
        return {c.case_number for c in list_cases(uow.session, viewer=viewer, limit=50)}


def test_the_respondent_sees_a_case_whose_school_was_typed_in_lower_case(store: Store, staff: dict[str, Actor],
                                                                         tmp_path: Path) -> None:
    rex = add_user(store, staff["admin"], "rex", "respondent", places="Roosevelt High, Transportation Branch")
    typed = call(store, staff["agent"], school="roosevelt  high")
    other = call(store, staff["agent"], school="Lincoln Elementary", phone="(213) 555-0199", caller_name="Bo Chen")
    assert typed.case.school == "Roosevelt High"
    assert _seen_by(store, rex) == {typed.case.case_number}
    # Changed later to a department typed otherwise: stored as the respondent spells it too.
    with store.uow() as uow:
        changed = update_case(uow, actor=staff["supervisor"], profile=lausd(), case_number=other.case.case_number,
                              expected_version=None, changes=CaseUpdate(department="TRANSPORTATION branch"))
    assert changed.case.department == "Transportation Branch"
    assert _seen_by(store, rex) == {typed.case.case_number, other.case.case_number}
    # The bulk import spells it the same way.
    rows = tmp_path / "rows.csv"
    rows.write_text("client_id,caller_name,phone,call_type,category,school,claim\n"
                    "imp-1,Ivy Chen,(213) 555-0177,inquiry,Enrollment,ROOSEVELT HIGH,Asked about enrollment\n")
    code, out, err = run(store.url, "case", "import", str(rows), "--json")
    assert code == 0, err
    assert json.loads(out)["imported"] == 1
    with store.uow(readonly=True) as uow:
        schools = {c.caller_name: c.school for c in list_cases(uow.session, viewer=staff["admin"], limit=50)}
    assert schools["Ivy Chen"] == "Roosevelt High"
    assert len(_seen_by(store, rex)) == 3
