"""On PostgreSQL the signed-in user is the database role the connection authenticated as."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from calldesk.cli import app
from calldesk.store.db.engine import normalise_url
from tests.conftest import RUN_TAG

runner = CliRunner()
PASSWORD = "role-secret"


def _owner_exec(db_url: str, *statements: str) -> None:
    engine = create_engine(normalise_url(db_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture
def pg_role(db_url: str) -> Iterator[tuple[str, str]]:
    """A login role with access to the test store's tables; yields (role, url signed in as it)."""
    role = f"ana_{RUN_TAG}"
    grants = [
        "GRANT USAGE ON SCHEMA public TO {r}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {r}",
    ]
    _owner_exec(db_url, f"DROP ROLE IF EXISTS {role}", f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'",
                *(g.format(r=role) for g in grants))
    url = make_url(normalise_url(db_url)).set(username=role, password=PASSWORD).render_as_string(hide_password=False)
    yield role, url
    _owner_exec(db_url, f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
                f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}",
                f"REVOKE ALL ON SCHEMA public FROM {role}", f"DROP ROLE {role}")


def _run(url: str, *args: str, env_user: str | None = None) -> tuple[int, str, str]:
    env = {"CALLDESK_USER": env_user} if env_user else {}
    result = runner.invoke(app, ["--db", url, *args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_the_database_role_decides_who_is_signed_in(db_url: str, pg_role: tuple[str, str]) -> None:
    role, role_url = pg_role
    # The owner connection is the first admin (it created the store).
    code, out, _ = _run(db_url, "user", "list", "--json")
    owner = json.loads(out)[0]["username"]
    assert code == 0 and owner == make_url(normalise_url(db_url)).username
    # A role that is not a calldesk user is refused, whatever CALLDESK_USER claims.
    code, _, err = _run(role_url, "user", "list", env_user=owner)
    assert code == 1 and f"calldesk user add {role}" in err
    assert _run(db_url, "user", "add", role, "--role", "agent")[0] == 0
    code, out, _ = _run(role_url, "user", "list", "--json")
    assert code == 0 and role in {u["username"] for u in json.loads(out)}
    # Signed in as an agent, the service layer refuses user management.
    code, _, err = _run(role_url, "user", "add", "eve", "--role", "admin", env_user=owner)
    assert code == 1 and "Only admins may manage users" in err
    assert _run(db_url, "user", "deactivate", role)[0] == 0
    code, _, err = _run(role_url, "user", "list")
    assert code == 1 and "deactivated" in err
