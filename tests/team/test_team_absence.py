"""Away and back through the logins: a person records their own absence, a supervisor or an admin (who keeps the
users: README's admin commands mark a colleague or the web front's user away) anyone's; an agent is refused in the
words of what she asked for, and nothing changes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from calldesk.models import User
from tests.cli.test_cli import run
from tests.conftest import Team
from tests.team.helpers import events, owner_rows, trail

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def _away(team: Team, who: str) -> object:
    return owner_rows(team, select(User.absent_since).where(User.username == team.name(who)))[0]


def test_an_admin_records_a_colleague_away_and_back_and_an_agent_cannot(team: Team) -> None:
    bo = team.name("bo")
    for who, args, since in (("adm", ["--since", "2026-12-01"], date(2026, 12, 1)), ("adm", ["--back"], None),
                             ("sue", ["--since", "2026-12-02"], date(2026, 12, 2)), ("bo", ["--back"], None)):
        code, out, err = run(team.url(who), "user", "absent", bo, *args)
        assert code == 0, (who, err)
        assert _away(team, "bo") == since
    steps = [(e.actor, e.new) for e in trail(team) if e.action == "user.absence"]
    assert steps == [(team.name("adm"), "2026-12-01"), (team.name("adm"), None), (team.name("sue"), "2026-12-02"),
                     (bo, None)]
    before = events(team)
    code, _, err = run(team.url("ana"), "user", "absent", bo, "--since", "2026-12-03")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "Only supervisors or admins may record someone else's absence; you are signed in as an agent." in err
    assert events(team) == before and _away(team, "bo") is None
