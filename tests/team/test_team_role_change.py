"""A user's login follows their calldesk role at once (PostgreSQL): `user set-role` gives the login the new role's
privileges and `user deactivate` takes them all, in the same transaction, so a promoted supervisor reviews a case
through her own login at once (no "permission denied for table qualityreview"), and a deactivated person's login
writes nothing more, psql or not. Only the store's owner login changes a login's privileges: another admin is
refused in one line, and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from calldesk.models import QualityReviewCreate, User
from calldesk.store.db.engine import make_engine
from calldesk.store.services import referrals_meetings_reviews as handling
from tests.cli.test_cli import run
from tests.conftest import Team
from tests.integration.helpers import call
from tests.team.helpers import acting, events, owner_rows

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def _may(team: Team, who: str, table: str, privilege: str) -> bool:
    with team.owner.engine.connect() as conn:
        return bool(conn.execute(text("SELECT has_table_privilege(:r, :t, :p)"),
                                 {"r": team.name(who), "t": f"public.{table}", "p": privilege}).scalar())


def test_a_login_follows_its_users_role_and_deactivation_at_once(team: Team) -> None:
    bo = team.name("bo")
    number = call(team.store("sue"), team.actor("sue"), caller_name="Gil Ray", phone="2135550601").case.case_number
    assert not _may(team, "bo", "qualityreview", "INSERT")
    code, _, err = run(team.db_url, "user", "set-role", bo, "supervisor")
    assert code == 0, err
    assert _may(team, "bo", "qualityreview", "INSERT")
    team.close()  # (bo's connection reads his new role afresh)
    with acting(team, "bo") as (uow, actor):
        review = handling.review_case(uow, actor=actor, case_number=number, data=QualityReviewCreate(
            contact_accurate=True, labelled_right=True, score=4, comment="Clear notes"))
    assert review.reviewed_by == bo
    assert run(team.db_url, "user", "set-role", bo, "agent")[0] == 0
    assert not _may(team, "bo", "qualityreview", "INSERT") and _may(team, "bo", "cases", "INSERT")

    # Deactivated: the login keeps nothing; it can no longer write a message onto someone's list.
    assert run(team.db_url, "user", "deactivate", bo)[0] == 0
    assert not _may(team, "bo", "cases", "SELECT") and not _may(team, "bo", "callback", "INSERT")
    team.close()
    code, _, err = run(team.url("bo"), "case", "list")  # calldesk tells him in words
    assert code == 1 and f"{bo} may not use this store" in err and len(err.strip().splitlines()) == 1
    psql = make_engine(team.url("bo"))  # (calldesk no longer opens the store for him: psql's way in)
    try:
        with psql.begin() as conn, pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("INSERT INTO callback (caller_name, message, urgent, from_superior, assigned_to, "
                              "received_at, due_at, attempts) VALUES ('Forged', 'x', false, false, :sue, now(), "
                              "now(), 0)"), {"sue": team.name("sue")})
    finally:
        psql.dispose()
    assert run(team.db_url, "user", "activate", bo)[0] == 0
    assert _may(team, "bo", "cases", "INSERT")

    # Another admin's own login may not change a login's privileges: refused in one line, nothing changed.
    before = events(team)
    code, _, err = run(team.url("adm"), "user", "set-role", bo, "supervisor")
    assert code == 1 and "Only the store's owner login" in err and len(err.strip().splitlines()) == 1
    assert owner_rows(team, select(User.role).where(User.username == bo)) == ["agent"]
    assert events(team) == before and not _may(team, "bo", "qualityreview", "INSERT")
