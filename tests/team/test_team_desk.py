"""The desk on PostgreSQL through an agent's own login (issue 21, item 5): F9 on a saved call scrubs the case,
and the trail keeps neither the narrative nor any fingerprint of it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from calldesk.app import CalldeskApp
from calldesk.profiles import load_profile
from calldesk.screens.abuse import AbuseGuidanceScreen
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
