"""The web front's accounts and keys in a PostgreSQL store worked by a team, each step through the person's own login
(`db grant`): the admin sets a respondent's web password and issues an Open311 key; the web front's login (an
agent's) checks sign-ins and keys, and the database itself compares the hashes, counts the failures and locks the
account for every web process at once; no staff login reads a hash or a digest, nor resets a count."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from calldesk.errors import PermissionDenied
from calldesk.models import AuditEvent, WebAccount
from calldesk.rules.web_accounts import FAILURES_BEFORE_LOCK
from calldesk.store.services.web_accounts import add_web_key, revoke_web_key, web_client, web_sign_in
from calldesk.store.services.web_logins import set_respondent_sign_in
from tests.conftest import TEAM_PEOPLE, Team
from tests.team.helpers import acting

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)
PASSWORD = "correct horse battery staple"


def _sign_in(team: Team, who: str, username: str, password: str) -> str:
    with acting(team, who) as (uow, actor):
        return web_sign_in(uow, actor=actor, username=username, password=password)


def _refused(team: Team, who: str, sql: str) -> str:
    """The database's refusal of `sql` run on `who`'s own login ("" if it ran)."""
    with team.store(who).engine.connect() as conn:
        try:
            conn.exec_driver_sql(sql)
        except DBAPIError as exc:
            return str(exc.orig)
        return ""


def test_web_accounts_and_keys_through_each_persons_own_login(team: Team) -> None:
    rex = team.name("rex")
    with acting(team, "adm") as (uow, adm):
        set_respondent_sign_in(uow, actor=adm, username=rex, password=PASSWORD, login_password=None)
    with acting(team, "adm") as (uow, adm):
        key = add_web_key(uow, actor=adm, name="city311")
    for who in ("ana", "sue", "rex"):  # only admins manage them (manage_web)
        with acting(team, who) as (uow, actor), pytest.raises(PermissionDenied):
            add_web_key(uow, actor=actor, name="mine")
        with acting(team, who) as (uow, actor), pytest.raises(PermissionDenied):
            set_respondent_sign_in(uow, actor=actor, username=rex, password="another long password",
                                   login_password=None)

    # ana's login is the web front's (an agent's, as README says); bo's a second web process on the same store.
    assert _sign_in(team, "ana", rex, PASSWORD) == "ok"
    assert _sign_in(team, "ana", rex, "not the password") == "no"
    assert _sign_in(team, "ana", "nobody", PASSWORD) == "no"
    with acting(team, "bo") as (uow, bo):
        assert web_client(uow.session, viewer=bo, key=key) == "city311"
        assert web_client(uow.session, viewer=bo, key=key[:-1]) is None
    # FAILURES_BEFORE_LOCK failures in a row, counted by the database across both processes: the account locks,
    # and the right password is refused by either (until the 15 minutes pass).
    answers = [_sign_in(team, "ana" if n % 2 else "bo", rex, "wrong") for n in range(FAILURES_BEFORE_LOCK - 1)]
    assert answers == ["no"] * (FAILURES_BEFORE_LOCK - 1)  # the first "wrong" above counted too: 5 in all
    assert _sign_in(team, "bo", rex, PASSWORD) == "locked" and _sign_in(team, "ana", rex, PASSWORD) == "locked"
    with team.owner.uow(readonly=True) as uow:
        kept = uow.session.get(WebAccount, rex)
        assert kept is not None and kept.failures == FAILURES_BEFORE_LOCK and kept.locked_until is not None
        assert kept.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")

    # No staff login reads a hash or a digest, by any column list; the rest of the rows they read.
    for who, _ in TEAM_PEOPLE:
        assert "permission denied" in _refused(team, who, "SELECT password_hash FROM public.webaccount")
        assert "permission denied" in _refused(team, who, "SELECT * FROM public.webaccount")
        assert "permission denied" in _refused(team, who, "SELECT digest FROM public.webkey")
        assert "permission denied" in _refused(team, who, "SELECT count(*) FROM public.webkey WHERE digest > ''")
        assert _refused(team, who, "SELECT username, failures, locked_until FROM public.webaccount") == ""
        assert _refused(team, who, "SELECT name, issued_by, revoked_at FROM public.webkey") == ""
    # Nor does the web front's login reset a count, or unlock an account: only the database's sign-in writes it.
    assert "permission denied" in _refused(team, "ana", "UPDATE public.webaccount SET failures = 0")
    assert "permission denied" in _refused(team, "ana", "UPDATE public.webaccount SET locked_until = NULL")
    # A respondent's own login may not even call the sign-in (no grant: it is not a role of the web front).
    assert "permission denied" in _refused(team, "rex", f"SELECT public.calldesk_web_sign_in('{rex}', 'x')")

    with acting(team, "adm") as (uow, adm):
        revoke_web_key(uow, actor=adm, name="city311")
    with acting(team, "bo") as (uow, bo):
        assert web_client(uow.session, viewer=bo, key=key) is None

    # The trail: the admin's steps in their name; the database's record of the counts names the web login, and
    # a hash or a digest only as "[hidden]".
    with team.owner.uow(readonly=True) as uow:
        events = uow.session.exec(select(AuditEvent).where(col(AuditEvent.entity).in_(("webaccount", "webkey")))
                                  .order_by(col(AuditEvent.id))).all()
    mine = [(e.actor, e.action) for e in events if e.action.startswith("web.")]
    assert mine == [(team.name("adm"), "web.password_set"), (team.name("adm"), "web.key_issued"),
                    (team.name("adm"), "web.key_revoked")]
    counted = [e for e in events if e.action == "db.update" and e.entity == "webaccount"]
    assert {e.actor for e in counted} == {team.name("ana"), team.name("bo")}
    made = next(e for e in events if e.action == "db.insert" and e.entity == "webaccount")
    assert json.loads(made.changes or "{}")["password_hash"] == [None, "[hidden]"]
    made_key = next(e for e in events if e.action == "db.insert" and e.entity == "webkey")
    assert json.loads(made_key.changes or "{}")["digest"] == [None, "[hidden]"]
    assert all("$argon2" not in (e.changes or "") for e in events)
