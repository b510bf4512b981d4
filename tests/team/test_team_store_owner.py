"""What PostgreSQL lets only the store's owner login do, asked by an admin signed in as their own login (made by
`db grant`): granting a login, compacting, backing up and setting a respondent's web sign-in are refused in one
sentence naming the owner's login, before anything is written (no role made, no trail, no web password, no file);
the owner's own login does them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from calldesk.models import UserCreate, WebAccount
from calldesk.store.db import users
from tests.cli.test_cli import app, run, runner
from tests.conftest import RUN_TAG, Team, _pg_exec
from tests.team.helpers import events, owner_rows, sql

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)
OWNER_ONLY = "Only the store's owner login"


def _refused(code: int, err: str) -> None:
    assert code == 1 and err.startswith("error:") and OWNER_ONLY in err, err
    assert len(err.strip().splitlines()) == 1 and "you are signed in as" in err


def _respondent_add(url: str, name: str, web: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", url, "serve", "respondent", "add", name, "--password-stdin"],
                           input="correct horse battery staple\n", env={"CALLDESK_WEB_DIR": str(web)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def test_an_admins_own_login_is_told_what_only_the_owner_does_and_nothing_changes(team: Team,
                                                                                 tmp_path: Path) -> None:
    newcomer = f"t{RUN_TAG}own_new"
    _pg_exec(f'DROP ROLE IF EXISTS "{newcomer}"')
    team.logins_made.append(newcomer)  # (dropped after the store, should a login be made after all)
    with team.owner.uow() as uow:
        users.add_user(uow, actor=team.owner.actor(), data=UserCreate(username=newcomer, role="agent"))
    adm, rex, before = team.url("adm"), team.name("rex"), events(team)

    _refused(*run(adm, "db", "grant", newcomer)[::2])
    assert sql(team, "adm", "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :r", r=newcomer) == []
    _refused(*run(adm, "db", "grant", team.name("bo"))[::2])
    _refused(*run(adm, "db", "compact")[::2])
    _refused(*run(adm, "db", "backup", str(tmp_path / "adm.dump"))[::2])
    assert not (tmp_path / "adm.dump").exists()
    _refused(*_respondent_add(adm, rex, tmp_path / "web"))
    assert owner_rows(team, select(WebAccount.username)) == []
    assert not (tmp_path / "web" / "respondent_logins.json").exists()
    assert events(team) == before

    # The owner's login does them (the test's owner may create roles, as `pgteam`'s does).
    code, out, err = run(team.db_url, "db", "compact")
    assert code == 0 and "rewrote" in out, err
    code, err = _respondent_add(team.db_url, rex, tmp_path / "web")
    assert code == 0, err
    assert owner_rows(team, select(WebAccount.username)) == [rex]
    assert rex in (tmp_path / "web" / "respondent_logins.json").read_text(encoding="utf-8")
