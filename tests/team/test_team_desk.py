"""The desk on PostgreSQL through an agent's own login (issue 21, item 5): F9 on a saved call scrubs the case,
and the trail keeps neither the narrative nor any fingerprint of it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from calldesk.app import CalldeskApp
from calldesk.profiles import load_profile
from calldesk.screens.intake.abuse_guidance import AbuseGuidanceScreen
from tests.conftest import Team
from tests.ui.conftest import fixed_clock
from tests.ui.steps import SIZE, save_a_call, settle

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)
MARKER = "QZX-7731-MARKER"


async def test_an_agents_f9_on_a_saved_call_scrubs_it_through_her_own_login(team: Team) -> None:
    store = team.store("ana")
    app = CalldeskApp(store, team.actor("ana"), load_profile("lausd"), clock=fixed_clock)
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await save_a_call(pilot, f"The boy said {MARKER} happened at home.")
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, AbuseGuidanceScreen)
    with team.owner.engine.connect() as conn:  # looked at behind the database's rules
        case = conn.execute(text("SELECT id, claim, abuse_marked, opened_by FROM cases")).one()
        trail = conn.execute(text("SELECT action, actor, old, new, changes FROM auditevent WHERE case_id = :c"),
                             {"c": case.id}).all()
    assert case.abuse_marked and case.claim == "" and case.opened_by == team.name("ana")
    assert trail and not any(MARKER in (value or "") for row in trail for value in row[2:])
    assert not any("hmac:" in (value or "") for row in trail for value in row[2:]), "a fingerprint outlived the mark"
    assert ("case.trail_scrubbed", team.name("ana")) in {(row.action, row.actor) for row in trail}


def test_an_agents_consent_button_is_one_transaction_through_her_own_login(team: Team) -> None:
    """Add the student on an unsaved call: the case is opened and the student added in one command; a refused
    disclosure afterwards writes nothing, not even the save of the case that comes with it."""
    from datetime import date

    from calldesk.errors import ConsentRefused
    from calldesk.models import StudentCreate
    from calldesk.store.services.call_consent import ConsentStep, consent_step
    from calldesk.store.services.calls import CallSave
    from calldesk.store.services.typed_fields import build
    from tests.ui.conftest import NOW

    store, ana, lausd = team.store("ana"), team.actor("ana"), load_profile("lausd")
    form = {"caller_name": "Rosa Gomez", "relationship": "relative", "category": "Attendance", "call_type": "inquiry"}
    with store.uow() as uow:
        done = consent_step(uow, actor=ana, profile=lausd, today=date(2026, 11, 23),
                            call=CallSave.from_form(form, client_id="team-consent", opened_at=NOW, case=None,
                                                    abuse_marked=False, case_only=True),
                            ask=ConsentStep("add_student", student=build(StudentCreate, name="Leo Gomez"),
                                            records=["attendance"]))
    assert done.student is not None and done.student.name == "Leo Gomez"
    # A relative with no written consent on file: the rules refuse (rules/consent.py), the tab stays closed.
    assert done.decision is not None and not done.decision.allowed
    assert done.decision.reason == "Do not proceed: no written consent on file."
    with pytest.raises(ConsentRefused), store.uow() as uow:
        consent_step(uow, actor=ana, profile=lausd, today=date(2026, 11, 23),
                     call=CallSave.from_form({**form, "school": "Roosevelt High"}, client_id="team-consent",
                                             opened_at=NOW, case=done.case, abuse_marked=False, case_only=True),
                     ask=ConsentStep("disclose", student_id=done.student.id, records=["attendance"]))
    with team.owner.engine.connect() as conn:  # looked at behind the database's rules
        case = conn.execute(text("SELECT opened_by, school, version FROM cases")).one()
        students = conn.execute(text("SELECT name FROM student")).scalars().all()
        disclosures = conn.execute(text("SELECT count(*) FROM disclosure")).scalar_one()
    # One case opened by ana's own login, its student, and nothing of the refused step (the school typed with it
    # was not saved, the version did not move).
    assert (case.opened_by, case.school, case.version) == (team.name("ana"), None, done.case.version)
    assert students == ["Leo Gomez"] and disclosures == 0
