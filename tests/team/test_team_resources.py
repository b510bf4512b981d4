"""The coordinator keeps the Department Tiers of Responses and Resources in the store (issue 22): a supervisor adds,
edits and retires entries through her own login, each audited; an agent can do none of it, through calldesk or
straight through her login; agents see what is active."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from calldesk.errors import InvalidInput, PermissionDenied, RuleRefused
from calldesk.profiles import load_profile
from calldesk.rules.resources import ResourceEntry
from calldesk.store.services.reference import add_resource, edit_resource, resources, retire_resource
from tests.conftest import Team
from tests.team.helpers import acting, events, sql, trail

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

LAUSD = load_profile("lausd")
ENTRY = ResourceEntry("Family Support Line", "Parenting classes and counselling referrals by phone.",
                      "(213) 241-2993", ("parenting", "classes", "Classes", " "))


def _seen_by(team: Team, who: str, query: str = "") -> list[str]:
    with team.store(who).uow(readonly=True) as uow:
        return [r.department for r in resources(uow.session, LAUSD.name, query)]


def test_a_supervisor_keeps_the_directory_and_an_agent_cannot(team: Team) -> None:
    seeded = _seen_by(team, "ana")
    assert "Transportation Services Division" in seeded  # seeded from data/resources/lausd.toml
    before = events(team)
    with acting(team, "ana") as (uow, actor), pytest.raises(PermissionDenied):
        add_resource(uow, actor=actor, profile=LAUSD, entry=ENTRY)
    assert events(team) == before
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(team, "ana", "INSERT INTO resource (protocol, department, response, contact, keywords, active) "
                         "VALUES ('lausd', 'Fake', 'Fake', '', '', true)")
    with acting(team, "sue") as (uow, actor), pytest.raises(InvalidInput, match="what the caller is told"):
        add_resource(uow, actor=actor, profile=LAUSD, entry=ResourceEntry("Family Support Line", "  "))
    with acting(team, "sue") as (uow, actor):
        row = add_resource(uow, actor=actor, profile=LAUSD, entry=ENTRY)
    # Keywords cleaned: "Classes" repeats "classes" (case aside) and a blank is dropped.
    assert (row.keywords, row.updated_by, row.active) == ("parenting, classes", team.name("sue"), True)
    assert _seen_by(team, "ana", "parenting") == ["Family Support Line"]
    with acting(team, "sue") as (uow, actor):
        edit_resource(uow, actor=actor, profile=LAUSD, resource_id=row.id or 0, entry=ResourceEntry(
            "Family Support Line", "Parenting classes by phone or at the Family Center.", "(213) 241-2993",
            ("parenting",)))
    with acting(team, "sue") as (uow, actor):
        retire_resource(uow, actor=actor, profile=LAUSD, resource_id=row.id or 0)
    assert "Family Support Line" not in _seen_by(team, "ana")
    with acting(team, "sue") as (uow, actor), pytest.raises(RuleRefused, match="retired already"):
        retire_resource(uow, actor=actor, profile=LAUSD, resource_id=row.id or 0)
    kept = [(e.action, e.actor) for e in trail(team) if e.entity == "resource"]
    sue = team.name("sue")
    assert [a for a in kept if not a[0].startswith("db.")] == [
        ("resource.add", sue), ("resource.edit", sue), ("resource.retire", sue)]
    assert ("db.insert", sue) in kept and ("db.update", sue) in kept  # the database's own record too
