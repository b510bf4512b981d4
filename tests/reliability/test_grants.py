"""PostgreSQL enforces the roles: a login role made by `calldesk db grant` can do its calldesk work and no more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from calldesk.models import FollowUpCreate
from calldesk.store.db.engine import normalise_url
from calldesk.store.db.store import open_store
from calldesk.store.services import follow_ups_resolution as casework
from tests.cli.test_cli import run
from tests.conftest import RUN_TAG
from tests.integration.helpers import call, lausd

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)
PASSWORD = "grant-test-secret"


def _owner(db_url: str, *statements: str) -> None:
    engine = create_engine(normalise_url(db_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture
def granted(db_url: str) -> Iterator[tuple[str, str]]:
    """A calldesk agent whose login role `db grant` made; yields (role, url signed in as it)."""
    role = f"agent_{RUN_TAG}"
    _owner(db_url, f"DROP ROLE IF EXISTS {role}")
    assert run(db_url, "user", "add", role, "--role", "agent")[0] == 0
    code, out, err = run(db_url, "db", "grant", role)
    assert code == 0 and "created the login role" in out, err
    _owner(db_url, f"ALTER ROLE {role} PASSWORD '{PASSWORD}'")  # the test connects over TCP, not peer auth
    url = make_url(normalise_url(db_url)).set(username=role, password=PASSWORD).render_as_string(hide_password=False)
    yield role, url
    _owner(db_url, f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
           f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}", f"REVOKE ALL ON SCHEMA public FROM {role}",
           f"DROP ROLE {role}")


def _as(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def test_a_granted_agent_works_cases_but_cannot_change_users_cases_or_the_trail(
        db_url: str, granted: tuple[str, str]) -> None:
    role, url = granted
    store = open_store(url)
    agent = store.actor()
    assert agent.username == role and agent.role == "agent"
    case = call(store, agent).case  # the service layer works with exactly these grants
    with store.uow() as uow:
        casework.add_follow_up(uow, actor=agent, profile=lausd(), case_number=case.case_number,
                               data=FollowUpCreate(done="Called back", pending=""))
    store.close()
    for statement in ("UPDATE app_user SET role = 'admin'", "DELETE FROM cases", "DELETE FROM auditevent",
                      "UPDATE auditevent SET actor = 'someone'", "SELECT * FROM storesecret FOR UPDATE",
                      "INSERT INTO app_user (username, full_name, role, active, created_at) "
                      "VALUES ('eve', '', 'admin', true, now())", "DROP TABLE cases"):
        with pytest.raises(DBAPIError, match="permission denied|must be owner"):
            _as(url, statement)
    # An audit row forged with another actor is written under the role that wrote it.
    _as(url, "INSERT INTO auditevent (at, actor, action, entity, entity_id) "
             "VALUES (now(), 'boss', 'forged', 'case', 'x')")
    owner = create_engine(normalise_url(db_url))
    with owner.connect() as conn:
        actor = conn.execute(text("SELECT actor FROM auditevent WHERE action = 'forged'")).scalar_one()
        admins = conn.execute(text("SELECT count(*) FROM app_user WHERE role = 'admin'")).scalar_one()
    owner.dispose()
    assert actor == role and admins == 1
    # Deactivated, the role keeps nothing.
    assert run(db_url, "user", "deactivate", role)[0] == 0
    assert run(db_url, "db", "grant", role)[0] == 0
    with pytest.raises(DBAPIError):
        _as(url, "SELECT count(*) FROM cases")

