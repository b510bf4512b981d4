"""Respondents on the web: signed in as themselves (argon2 password, expiring session, lockout), they see only their
school's cases and document the resolution; the desk sees it, and the trail names them. On PostgreSQL the web
front's own login acts as the respondent's role (SET ROLE), so the database's rules decide."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from calldesk.models import AuditEvent, Case, Resolution, UserCreate, WebAccount
from calldesk.rules.web_accounts import FAILURES_BEFORE_LOCK
from calldesk.store.db import users as user_service
from calldesk.store.db.grants import grant_login
from calldesk.store.db.store import Store, open_store
from calldesk.store.db.users import Actor
from calldesk.store.services.web_logins import set_respondent_sign_in
from calldesk.web.accounts import keep_login_password
from tests.conftest import TEAM_PASSWORD, TEAM_PLACES, Team, _pg_exec, add_user
from tests.web.server import request_number, serving, submit
from tests.web.test_web_form import ANN

PASSWORD = "correct horse battery staple"


def _sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    page = client.get("/respond/sign-in")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    return client.post("/respond/sign-in", data={"csrf": token.group(1), "username": username,
                                                 "password": password})


def set_password(store: Store, admin: Actor, username: str, password: str, home: Path | None = None) -> None:
    """What `calldesk serve respondent add` does (an admin): the argon2id hash kept in the store; with the web
    front's folder `home` (PostgreSQL), the respondent's login given a generated password, kept there too."""
    login = secrets.token_urlsafe(32) if home is not None else None
    with store.uow() as uow:
        set_respondent_sign_in(uow, actor=admin, username=username, password=password, login_password=login)
    if home is not None and login is not None:
        keep_login_password(home, username, login)


def _token(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def _two_requests(client: httpx.Client) -> tuple[str, str]:
    # Concerns (the building-level attempt is an inquiry's step in Area Offices), one at the respondent's school.
    ours = request_number(submit(client, **{**ANN, "school": TEAM_PLACES, "call_type": "concern"}))
    theirs = request_number(submit(client, **{**ANN, "phone": "213-555-0199", "school": "Lincoln Elementary",
                                              "call_type": "concern"}))
    return ours, theirs


def _respondent_works(served_client: httpx.Client, rex: str, ours: str, theirs: str) -> None:
    signed = _sign_in(served_client, rex, PASSWORD)
    assert signed.status_code == 303 and signed.headers["location"] == "/respond"
    listed = served_client.get("/respond")
    assert ours in listed.text and theirs not in listed.text
    # The list is of open cases, and says so (it said "Open and closed"); the sign-out form is not inside a <p>.
    assert "<caption>Open cases about your school or department</caption>" in listed.text
    assert re.search(r"<p>[^<]*<form", listed.text) is None
    assert served_client.get(f"/respond/case/{theirs}").status_code == 404
    page = served_client.get(f"/respond/case/{ours}")
    assert "My son&#39;s enrollment papers were lost twice." in page.text
    saved = served_client.post(f"/respond/case/{ours}", data={
        "csrf": _token(page), "response": "Met the family; papers re-filed.", "outcome": "Enrolled on Friday."})
    assert saved.status_code == 200 and 'id="saved"' in saved.text, saved.text
    forged = served_client.post(f"/respond/case/{ours}", data={"csrf": "x", "response": "forged"})
    assert forged.status_code == 400 and "expired" in forged.text
    _signing_out_ends_the_session(served_client)


def _signing_out_ends_the_session(served_client: httpx.Client) -> None:
    """Sign-out ends the session in the store: its cookie, kept (a copy, a shared machine's history), opens
    nothing after, and a fresh sign-in works again."""
    kept = served_client.cookies["calldesk_session"]
    with httpx.Client(base_url=str(served_client.base_url), cookies={"calldesk_session": kept}) as copy:
        assert copy.get("/respond").status_code == 200  # the copy is good while the session is
        page = served_client.get("/respond")
        ended = served_client.post("/respond/sign-out", data={"csrf": _token(page)})
        assert ended.status_code == 303 and ended.headers["location"] == "/respond/sign-in"
        after = copy.get("/respond")
        assert after.status_code == 303 and after.headers["location"] == "/respond/sign-in"


def _desk_sees(owner: Store, rex: str, ours: str) -> None:
    with owner.uow(readonly=True) as uow:
        case = uow.session.exec(select(Case).where(Case.case_number == ours)).one()
        resolution = uow.session.exec(select(Resolution).where(Resolution.case_id == case.id)).one()
        assert (resolution.response, resolution.outcome) == ("Met the family; papers re-filed.",
                                                             "Enrolled on Friday.")
        actors = {e.actor for e in uow.session.exec(select(AuditEvent).where(
            AuditEvent.case_id == case.id, col(AuditEvent.entity) == "resolution"))}
    assert actors == {rex}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_respondent_documents_a_resolution_on_the_embedded_store(store: Store, staff: dict[str, Actor],
                                                                   tmp_path: Path) -> None:
    add_user(store, staff["admin"], "rex", "respondent", places=TEAM_PLACES)
    set_password(store, staff["admin"], "rex", PASSWORD)
    with serving(store, tmp_path / "web") as served, served.client() as client:
        ours, theirs = _two_requests(client)
        _respondent_works(client, "rex", ours, theirs)
        with httpx.Client(base_url=served.url, cookies={"calldesk_session": "forged"}) as forger:
            assert forger.get("/respond").status_code == 303
        # A new password (an admin's `serve respondent add`) ends the sessions begun on the old one.
        assert _sign_in(client, "rex", PASSWORD).status_code == 303 and client.get("/respond").status_code == 200
        set_password(store, staff["admin"], "rex", PASSWORD + " again")
        assert client.get("/respond").status_code == 303
    _desk_sees(store, "rex", ours)


@pytest.fixture
def logins_dropped_last(team: Team) -> list[str]:
    """Login names to drop after the team's database is gone (roles are the whole cluster's; the store holds their
    grants): the team fixture drops them after its store."""
    return team.logins_made


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_respondent_works_as_their_own_database_login(logins_dropped_last: list[str], team: Team,
                                                        tmp_path: Path) -> None:
    web, rex, home = team.name("web"), team.name("rex"), tmp_path / "web"
    boss = team.owner.actor()
    logins_dropped_last.append(web)
    with team.owner.uow() as uow:  # the web front's own login: an agent, made by `db grant` like anyone's
        user_service.add_user(uow, actor=boss, data=UserCreate(username=web, role="agent", full_name="Web front"))
    with team.owner.uow() as uow:
        grant_login(uow, actor=boss, username=web)
    _pg_exec(f"ALTER ROLE \"{web}\" PASSWORD '{TEAM_PASSWORD}'")
    set_password(team.owner, boss, rex, PASSWORD, home)  # what `calldesk serve respondent add` does on PostgreSQL
    front_store = open_store(team.url("web"), create=False)
    try:
        with serving(front_store, home) as served, served.client() as client:
            assert served.front.actor is not None and served.front.actor.username == web
            ours, theirs = _two_requests(client)
            _respondent_works(client, rex, ours, theirs)
            # The database itself hides the other school's case from rex's login (row-level security).
            with served.front.store_of(rex).engine.connect() as conn:
                seen = {n for (n,) in conn.exec_driver_sql("SELECT case_number FROM cases")}
                assert conn.exec_driver_sql("SELECT session_user").scalar_one() == rex
            assert seen == {ours}
    finally:
        front_store.close()
    _desk_sees(team.owner, rex, ours)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_repeated_failures_lock_the_account(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    add_user(store, staff["admin"], "rex", "respondent", places=TEAM_PLACES)
    set_password(store, staff["admin"], "rex", PASSWORD)
    with serving(store, tmp_path / "web") as served, served.client() as client:
        wrong = [_sign_in(client, "rex", "not the password").status_code for _ in range(FAILURES_BEFORE_LOCK)]
        locked = _sign_in(client, "rex", PASSWORD)
        staff_member = _sign_in(client, "sue", PASSWORD)  # a desk user is no respondent, whatever the password
        nobody = [_sign_in(client, "ghost", "not the password") for _ in range(2)]  # no such account
        refused = dict(served.front.refused)
    assert wrong == [401] * FAILURES_BEFORE_LOCK and locked.status_code == 401
    assert staff_member.status_code == 401
    # One answer for a locked account, a wrong password and a name that is no account: the page tells no one
    # which names are accounts (the server counts the lock for itself).
    said = {re.sub(r'name="csrf" value="[^"]*"|id="username"[^>]*', "", page.text)  # (the name typed is kept)
            for page in (locked, staff_member, *nobody)}
    assert len(said) == 1 and "locked for 15 minutes" in said.pop()
    assert refused == {"sign_in": FAILURES_BEFORE_LOCK + 3, "locked": 1}
    with store.uow(readonly=True) as uow:  # the store keeps the hash, and the count: locked for 15 minutes
        kept = uow.session.get(WebAccount, "rex")
    assert kept is not None and kept.password_hash.startswith("$argon2id$") and PASSWORD not in kept.password_hash
    assert kept.failures == FAILURES_BEFORE_LOCK and kept.locked_until is not None
    assert not list((tmp_path / "web").glob("*.json"))  # nothing of it in files


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_many_sign_ins_from_one_address_are_held_back(store: Store, tmp_path: Path) -> None:
    """Names tried one after another from one place (each account's own count never reaches its lock): the
    address's limit stops them as it stops forms."""
    with serving(store, tmp_path / "web", rate=3) as served, served.client() as client:
        answers = [_sign_in(client, f"name{n}", "not the password") for n in range(5)]
        codes = [answer.status_code for answer in answers]
        refused = dict(served.front.refused)
    assert 'value="name0"' in answers[0].text  # the name typed is kept, the password is not
    assert answers[-1].headers["retry-after"] == "60"
    assert codes == [401, 401, 401, 429, 429] and refused == {"sign_in": 3, "rate": 2}
