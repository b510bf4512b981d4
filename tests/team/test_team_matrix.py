"""The role matrix through the logins (issue 20): every service of tests/reliability/test_permission_matrix.py's
MATRIX run by one person of each role on their OWN connection (their database role, made by `calldesk db grant`);
the allowed calls succeed, the refused ones raise a calldesk refusal and write nothing. And `calldesk db grant`, the
command, gives a new login exactly the privileges the fixture's logins of the same role hold."""

from __future__ import annotations

from datetime import date

import pytest

from calldesk.errors import CalldeskError
from calldesk.models import UserCreate
from calldesk.store.db import users
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.conftest import RUN_TAG, TEAM_PLACES, Team, _pg_exec
from tests.reliability import test_permission_matrix as matrix
from tests.team.helpers import events

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

# One person of each role, each on their own login.
PEOPLE = {"agent": "ana", "program_specialist": "pat", "specialist": "sam", "supervisor": "sue",
          "respondent": "rex", "admin": "adm"}


def _matrix_users(team: Team) -> None:
    """The users the matrix's calls name ("zoe", "sam", "vic", "rex" whose web password is set), as plain calldesk
    users without logins; zoe is away, so routing never hands her a case the matrix then assigns to her."""
    boss, sue = team.owner.actor(), team.actor("sue")
    for username, role in (("zoe", "agent"), ("sam", "specialist"), ("vic", "supervisor"), ("rex", "respondent")):
        with team.owner.uow() as uow:
            users.add_user(uow, actor=boss, data=UserCreate(username=username, role=role, places=(
                matrix.SCHOOL if role == "respondent" else "")))
    with team.owner.uow() as uow:
        users.set_absence(uow, actor=sue, username="zoe", absent_since=date(2026, 1, 5))


@pytest.mark.slow
def test_every_service_as_each_role_on_its_own_login(team: Team) -> None:
    _matrix_users(team)
    sue = team.actor("sue")
    actors: dict[str, Actor] = {who: team.actor(who) for who in PEOPLE.values()}
    wrong: list[tuple[str, str, str]] = []
    done = 0
    # The demo fill last: it commits its rows batch by batch, so whatever it may leave behind (a sequence not
    # moved past its rows) cannot disturb the other rows' preparation.
    services = sorted(matrix.MATRIX.items(), key=lambda item: item[0] == "demo.fill_demo")
    for service, (kind, action, allowed) in services:
        for role, who in PEOPLE.items():
            # Prepared by sue on the owner's connection, then made the tested person's (assigned to them) where
            # their role sees only its own cases; every prepared case is about rex's school.
            number = matrix._case(team.owner, sue, kind)
            matrix._yours(team.owner, sue, number, role, actors[who])
            before = events(team)
            try:
                with team.store(who).uow() as uow:
                    action(uow, actors[who], number)
                    uow.commit()
                outcome = "ok"
            except CalldeskError as exc:
                outcome = f"{type(exc).__name__}: {exc}"
                if events(team) != before:
                    wrong.append((service, role, f"refused, yet the trail grew: {outcome}"))
            expected = "ok" if role in allowed else "PermissionDenied"
            if not outcome.startswith(expected):
                wrong.append((service, role, f"expected {expected}, got {outcome}"))
            done += 1
    assert done == len(matrix.MATRIX) * len(PEOPLE)
    assert wrong == [], "\n".join(map(str, wrong))


PRIVILEGES = """
SELECT 'table ' || c.relname || ' ' || p, has_table_privilege(:r, c.oid, p)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
       unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p')
UNION ALL
SELECT 'column ' || c.relname || '.' || a.attname || ' ' || p, has_column_privilege(:r, c.oid, a.attnum, p)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped,
       unnest(ARRAY['SELECT', 'INSERT', 'UPDATE']) p
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p')
UNION ALL
SELECT 'sequence ' || c.relname || ' ' || p, has_sequence_privilege(:r, c.oid, p)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) p
 WHERE n.nspname = 'public' AND c.relkind = 'S'
UNION ALL
SELECT 'function ' || f.oid::regprocedure::text, has_function_privilege(:r, f.oid, 'EXECUTE')
  FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace WHERE n.nspname = 'public'
UNION ALL
SELECT 'schema public ' || p, has_schema_privilege(:r, 'public', p) FROM unnest(ARRAY['USAGE', 'CREATE']) p
UNION ALL
SELECT 'role ' || k, v FROM pg_roles r, LATERAL (VALUES ('super', r.rolsuper), ('createrole', r.rolcreaterole),
       ('createdb', r.rolcreatedb), ('login', r.rolcanlogin), ('bypassrls', r.rolbypassrls),
       ('replication', r.rolreplication)) AS x(k, v) WHERE r.rolname = :r
UNION ALL
SELECT 'member of ' || g.rolname, true FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
 JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :r
"""


def _privileges(team: Team, role: str) -> dict[str, bool]:
    with team.owner.engine.connect() as conn:
        from sqlalchemy import text

        return {what: bool(has) for what, has in conn.execute(text(PRIVILEGES), {"r": role})}


@pytest.fixture
def cli_logins(team: Team) -> list[str]:
    """Login roles a test makes with the CLI, dropped after the team's store (roles are the whole cluster's; the
    store holds their grants): the team fixture drops them after its store."""
    return team.logins_made


def test_db_grant_gives_a_new_login_the_privileges_of_the_teams_login_of_its_role(
        cli_logins: list[str], team: Team) -> None:
    for role, who in PEOPLE.items():
        name = f"t{RUN_TAG}cli_{who}"
        _pg_exec(f'DROP ROLE IF EXISTS "{name}"')
        cli_logins.append(name)
        places = ["--places", TEAM_PLACES] if role == "respondent" else []
        assert run(team.db_url, "user", "add", name, "--role", role, *places)[0] == 0
        code, out, err = run(team.db_url, "db", "grant", name)
        assert code == 0, err
        assert "created the login role" in out
        granted, fixture = _privileges(team, name), _privileges(team, team.name(who))
        assert len(granted) > 100 and granted["role login"] and not granted["role super"]
        assert granted == fixture, (role, {k for k in granted if granted[k] != fixture.get(k)})
    # Not a vacuous comparison: what an agent's login may and may not do.
    agent = _privileges(team, f"t{RUN_TAG}cli_ana")
    assert agent["table cases INSERT"] and agent["table cases SELECT"] and not agent["table cases DELETE"]
    assert not agent["table qualityreview INSERT"] and not agent["table litigationhold INSERT"]
    assert not agent["column cases.opened_by UPDATE"] and agent["column app_user.absent_since UPDATE"]
    assert not agent["column app_user.role UPDATE"] and not agent["table auditevent UPDATE"]
    assert _privileges(team, f"t{RUN_TAG}cli_adm")["table app_user INSERT"]
    # Run again, it changes nothing; after `user deactivate`, it leaves the login no privilege on the store.
    name = f"t{RUN_TAG}cli_ana"
    code, out, _ = run(team.db_url, "db", "grant", name)
    assert code == 0 and "created" not in out and _privileges(team, name) == agent
    assert run(team.db_url, "user", "deactivate", name)[0] == 0
    code, out, _ = run(team.db_url, "db", "grant", name)
    assert code == 0 and "revoked every privilege" in out
    left = _privileges(team, name)  # (USAGE on the schema public stays: PostgreSQL grants it to PUBLIC)
    assert not [k for k, has in left.items() if has and k.split()[0] in ("table", "column", "sequence")]
