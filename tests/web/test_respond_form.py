"""The respondents' resolution form over real HTTP, as the respondent's own store (SQLite) or own login
(PostgreSQL): it shows the saved resolution to edit, refuses a blank save, holds the store's limits and checks the
public form has (each refusal under its own field, what was typed kept), and takes the longest text the limits
allow however wide its characters."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from calldesk.models import Case, Resolution, ResolutionUpdate, UserCreate, max_length
from calldesk.rules.free_text import narrative_limit
from calldesk.store.db import users as user_service
from calldesk.store.db.grants import grant_login
from calldesk.store.db.store import Store, open_store
from calldesk.store.db.users import Actor
from calldesk.web.keys import web_secret
from tests.conftest import TEAM_PASSWORD, TEAM_PLACES, Team, _pg_exec, add_user
from tests.web.server import request_number, serving, submit, token_signed_ago
from tests.web.test_respondents import PASSWORD, _sign_in, _token, set_password
from tests.web.test_web_form import ANN

OUTCOME_LIMIT = max_length(ResolutionUpdate, "outcome")

NARRATIVE_LIMIT = narrative_limit("resolution", "response")  # the store's figure, the form's too


@contextmanager
def _rex_on_sqlite(store: Store, staff: dict[str, Actor], home: Path) -> Iterator[tuple[httpx.Client, str]]:
    add_user(store, staff["admin"], "rex", "respondent", places=TEAM_PLACES)
    set_password(store, staff["admin"], "rex", PASSWORD)
    with serving(store, home) as served, served.client() as client:
        yield client, "rex"


@contextmanager
def _rex_on_postgres(team: Team, logins: list[str], home: Path) -> Iterator[tuple[httpx.Client, str]]:
    # As test_respondents does: the web front's own login, and rex's login password kept by the web front.
    web, rex, boss = team.name("web"), team.name("rex"), team.owner.actor()
    logins.append(web)
    with team.owner.uow() as uow:
        user_service.add_user(uow, actor=boss, data=UserCreate(username=web, role="agent", full_name="Web front"))
    with team.owner.uow() as uow:
        grant_login(uow, actor=boss, username=web)
    _pg_exec(f"ALTER ROLE \"{web}\" PASSWORD '{TEAM_PASSWORD}'")
    set_password(team.owner, boss, rex, PASSWORD, home)
    front_store = open_store(team.url("web"), create=False)
    try:
        with serving(front_store, home) as served, served.client() as client:
            yield client, rex
    finally:
        front_store.close()


@pytest.fixture
def logins_dropped_last(team: Team) -> list[str]:
    return team.logins_made


def _our_case(client: httpx.Client, rex: str) -> str:
    number = request_number(submit(client, **{**ANN, "call_type": "concern"}))
    assert _sign_in(client, rex, PASSWORD).status_code == 303
    return number


def _saved(owner: Store, number: str) -> tuple[str, str] | None:
    with owner.uow(readonly=True) as uow:
        case = uow.session.exec(select(Case).where(Case.case_number == number)).one()
        found = uow.session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
        return (found.response, found.outcome) if found is not None else None


def _box(page: httpx.Response, name: str) -> str:
    """The `name` box's opening tag (its attributes) and, for the textarea, its text."""
    found = re.search(rf'<(?:input|textarea) id="{name}"[^>]*>(?:[^<]*</textarea>)?', page.text)
    assert found, page.text
    return found.group(0)


def _post(client: httpx.Client, number: str, **values: str) -> httpx.Response:
    page = client.get(f"/respond/case/{number}")
    return client.post(f"/respond/case/{number}", data={"csrf": _token(page), **values})


def _resolution_is_edited_not_blanked(client: httpx.Client, rex: str, owner: Store) -> None:
    number = _our_case(client, rex)
    first = _post(client, number, response="Met the family; papers re-filed.", outcome="Enrolled on Friday.")
    assert first.status_code == 200 and 'id="saved"' in first.text
    reopened = client.get(f"/respond/case/{number}")  # the saved resolution, to edit
    assert "Met the family; papers re-filed.</textarea>" in _box(reopened, "response")
    assert 'value="Enrolled on Friday."' in _box(reopened, "outcome")
    edited = _post(client, number, response="Met the family; papers re-filed.", outcome="Family informed")
    assert edited.status_code == 200 and _saved(owner, number) == ("Met the family; papers re-filed.",
                                                                   "Family informed")
    blank = _post(client, number, response="", outcome="  ")
    assert blank.status_code == 400 and 'id="saved"' not in blank.text
    assert 'aria-invalid="true" aria-describedby="response-error"' in _box(blank, "response")
    assert re.search(r'id="response-error"><strong>Error:</strong> Write the response or the outcome', blank.text)
    assert _saved(owner, number) == ("Met the family; papers re-filed.", "Family informed")  # nothing blanked


def _form_holds_the_stores_limits(client: httpx.Client, rex: str, owner: Store) -> None:
    number = _our_case(client, rex)
    page = client.get(f"/respond/case/{number}")
    assert f'maxlength="{OUTCOME_LIMIT}"' in _box(page, "outcome")
    assert f'maxlength="{NARRATIVE_LIMIT}"' in _box(page, "response")
    for response in ("r" * (NARRATIVE_LIMIT + 1), "r" * 100_000):
        long = _post(client, number, response=response, outcome="Done")
        assert long.status_code == 400 and f"longer than {NARRATIVE_LIMIT} characters" in long.text
        assert 'aria-invalid="true" aria-describedby="response-error"' in _box(long, "response")
        assert f">{response}</textarea>" in _box(long, "response") and 'value="Done"' in _box(long, "outcome")
    bell = _post(client, number, response="ok\x07bell", outcome="Done")
    assert bell.status_code == 400 and "characters that cannot be stored" in bell.text
    assert 'aria-describedby="response-error"' in _box(bell, "response")
    outcome = "o" * (OUTCOME_LIMIT + 1)
    too_long = _post(client, number, response="Papers re-filed.", outcome=outcome)
    assert too_long.status_code == 400 and f"longer than {OUTCOME_LIMIT} characters" in too_long.text
    assert 'aria-invalid="true" aria-describedby="outcome-error"' in _box(too_long, "outcome")
    assert "aria-describedby" not in _box(too_long, "response")
    assert f'value="{outcome}"' in _box(too_long, "outcome") and "Papers re-filed.</textarea>" in _box(too_long,
                                                                                                      "response")
    extra = _post(client, number, response="Papers re-filed.", outcome="Done", assigned_to="rex")
    assert extra.status_code == 400 and "fields this site does not know" in extra.text
    assert "Papers re-filed.</textarea>" in _box(extra, "response")
    page = client.get(f"/respond/case/{number}")
    as_json = client.post(f"/respond/case/{number}", json={"csrf": _token(page), "response": "Papers re-filed."})
    assert as_json.status_code == 415 and "must be sent with the form on this site" in as_json.text
    assert _saved(owner, number) is None  # nothing of it was saved
    # The longest response in the widest characters fits the body (not "expired"); a longer body says so.
    wide = "ñ" * (NARRATIVE_LIMIT - 1000)
    taken = _post(client, number, response=wide, outcome="李" * OUTCOME_LIMIT)
    assert taken.status_code == 200 and _saved(owner, number) == (wide, "李" * OUTCOME_LIMIT)
    widest = _post(client, number, response="😀" * NARRATIVE_LIMIT, outcome="😀" * OUTCOME_LIMIT)
    assert widest.status_code == 200, widest.text
    huge = _post(client, number, response="😀" * (NARRATIVE_LIMIT * 2), outcome="x")
    assert huge.status_code == 413 and "too long" in huge.text and "expired" not in huge.text
    # Sign-in refuses a field it does not have, as the public form does.
    signin = client.get("/respond/sign-in")
    odd = client.post("/respond/sign-in", data={"csrf": _token(signin), "username": rex, "password": PASSWORD,
                                                "role": "admin"})
    assert odd.status_code == 400 and "fields this site does not know" in odd.text


def _hidden(page: httpx.Response) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="([a-z]+)" value="([^"]*)">', page.text)}


def _typed_after_the_session_ended_is_kept(client: httpx.Client, rex: str, owner: Store, secret: bytes) -> None:
    """A resolution saved after the session ended (signed out in another tab, or 30 minutes passed) is not saved
    and not lost: the sign-in page keeps it, and once signed in again the case's form holds it, to save; one sent
    from a form open past its token's 2 hours comes back with what was typed too."""
    number = _our_case(client, rex)
    page = client.get(f"/respond/case/{number}")
    stale = client.post(f"/respond/case/{number}", data={"csrf": token_signed_ago(secret, client, 3 * 3600),
                                                         "response": "Typed long ago.", "outcome": "Late"})
    assert stale.status_code == 400 and "open too long to be sent" in stale.text and _saved(owner, number) is None
    assert "Typed long ago.</textarea>" in _box(stale, "response") and 'value="Late"' in _box(stale, "outcome")
    listed = client.get("/respond")  # another tab: signs out
    assert client.post("/respond/sign-out", data={"csrf": _token(listed)}).status_code == 303
    typed = {"response": "Met the family.\nPapers re-filed <on> Friday & sent.", "outcome": "Enrolled \"again\""}
    late = client.post(f"/respond/case/{number}", data={"csrf": _token(page), **typed})
    assert late.status_code == 401 and "so the resolution was not saved" in late.text
    assert _hidden(late) == {"csrf": _token(late), "case": number, **typed} and _saved(owner, number) is None
    wrong = client.post("/respond/sign-in", data={**_hidden(late), "username": rex, "password": "not it"})
    assert wrong.status_code == 401 and _hidden(wrong) == {"csrf": _token(wrong), "case": number, **typed}
    again = client.post("/respond/sign-in", data={**_hidden(wrong), "username": rex, "password": PASSWORD})
    assert again.status_code == 200 and 'id="notice"' in again.text and _saved(owner, number) is None
    assert html.unescape(_box(again, "response")).endswith(f">{typed['response']}</textarea>")
    assert html.unescape(_box(again, "outcome")).endswith(f'value="{typed["outcome"]}">')
    assert "<on>" not in late.text + wrong.text + again.text  # kept as typed, shown inert
    saved = client.post(f"/respond/case/{number}", data={"csrf": _token(again), **typed})
    assert saved.status_code == 200 and _saved(owner, number) == (typed["response"], typed["outcome"])
    forged = client.post("/respond/sign-out", data={"csrf": _token(saved)})
    assert forged.status_code == 303  # signed out again: a form not from this site keeps nothing
    stranger = client.post(f"/respond/case/{number}", data={"csrf": "forged", **typed})
    assert stranger.status_code == 303 and stranger.headers["location"] == "/respond/sign-in"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_resolution_sent_after_the_session_ended_is_kept(store: Store, staff: dict[str, Actor],
                                                           tmp_path: Path) -> None:
    with _rex_on_sqlite(store, staff, tmp_path / "web") as (client, rex):
        _typed_after_the_session_ended_is_kept(client, rex, store, web_secret(tmp_path / "web"))


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_resolution_sent_after_the_session_ended_is_kept_as_the_respondents_login(
        logins_dropped_last: list[str], team: Team, tmp_path: Path) -> None:
    with _rex_on_postgres(team, logins_dropped_last, tmp_path / "web") as (client, rex):
        _typed_after_the_session_ended_is_kept(client, rex, team.owner, web_secret(tmp_path / "web"))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_case_page_edits_the_saved_resolution_and_never_blanks_it(store: Store, staff: dict[str, Actor],
                                                                      tmp_path: Path) -> None:
    with _rex_on_sqlite(store, staff, tmp_path / "web") as (client, rex):
        _resolution_is_edited_not_blanked(client, rex, store)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_the_case_page_edits_the_saved_resolution_as_the_respondents_login(logins_dropped_last: list[str],
                                                                           team: Team, tmp_path: Path) -> None:
    with _rex_on_postgres(team, logins_dropped_last, tmp_path / "web") as (client, rex):
        _resolution_is_edited_not_blanked(client, rex, team.owner)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_resolution_form_holds_the_stores_limits(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    with _rex_on_sqlite(store, staff, tmp_path / "web") as (client, rex):
        _form_holds_the_stores_limits(client, rex, store)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_the_resolution_form_holds_the_stores_limits_as_the_respondents_login(
        logins_dropped_last: list[str], team: Team, tmp_path: Path) -> None:
    with _rex_on_postgres(team, logins_dropped_last, tmp_path / "web") as (client, rex):
        _form_holds_the_stores_limits(client, rex, team.owner)
