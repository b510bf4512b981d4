"""The team fixture itself: every person signs in as their own login and is who calldesk says."""

from __future__ import annotations

import pytest

from tests.conftest import TEAM_PEOPLE, Team

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def test_each_person_signs_in_as_their_own_login(team: Team) -> None:
    for who, role in TEAM_PEOPLE:
        actor = team.actor(who)
        assert (actor.username, actor.role) == (team.name(who), role)
        assert team.store(who).login == team.name(who)
