"""Hostile requests against the running web front (real HTTP, both backends): each refused, counted, and nothing
stored beyond its limits; markup stays inert; no trace of the server's code in any answer."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlmodel import func, select

from calldesk.models import Case
from calldesk.rules.web_form import BODY_LIMIT
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.web.server import csrf_of, request_number, serving, submit
from tests.web.test_web_form import ANN


def _cases(store: Store) -> int:
    with store.uow(readonly=True) as uow:
        return uow.session.exec(select(func.count()).select_from(Case)).one()


def test_hostile_forms_are_refused_and_counted(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    before = _cases(store)
    with serving(store, tmp_path / "web") as served, served.client() as client:
        token = csrf_of(client)
        answers = {
            "csrf": client.post("/request", data={**ANN, "csrf": "forged"}),
            "honeypot": client.post("/request", data={**ANN, "csrf": token, "website": "http://spam.example"}),
            "size": client.post("/request", data={**ANN, "csrf": token, "claim": "x" * BODY_LIMIT}),
            "fields": client.post("/request", data={**ANN, "csrf": token, "is_admin": "1"}),
            "type": client.post("/request", content=b'{"claim": "x"}', headers={"content-type": "application/json"}),
            "form": client.post("/request", content=b"claim=%ff%fe", headers={
                "content-type": "application/x-www-form-urlencoded"}),
        }
        nul = client.post("/request", data={**ANN, "csrf": token, "caller_name": "Ann\x00Lee"})
        markup = client.post("/request", data={**ANN, "csrf": token, "caller_name": "<script>alert(1)</script>",
                                               "claim": ""})
        address = client.post("/request", data={**ANN, "csrf": token, "email": 'a@b.cc"><script>alert(1)</script>'})
        with served.client() as stranger:  # no cookie at all: the token alone is not enough
            answers["no cookie"] = stranger.post("/request", data={**ANN, "csrf": token})
        refused = dict(served.front.refused)
    assert {why: a.status_code for why, a in answers.items()} == {
        "csrf": 403, "honeypot": 400, "size": 413, "fields": 400, "type": 415, "form": 400, "no cookie": 403}
    # Both CSRF failures counted under csrf; the NUL and the empty claim re-show the form with the field's error.
    assert refused == {"csrf": 2, "honeypot": 1, "size": 1, "fields": 1, "type": 1, "form": 1, "invalid": 3}
    assert nul.status_code == 400 and 'aria-describedby="caller_name-error"' in nul.text
    assert "This contains characters that cannot be stored." in nul.text
    assert markup.status_code == 400 and "<script>alert(1)</script>" not in markup.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in markup.text  # kept for the person, inert
    assert 'aria-describedby="claim-error"' in markup.text and 'href="#claim"' in markup.text
    assert address.status_code == 400 and 'aria-describedby="email-error"' in address.text  # markup is no address
    assert "This is not an email address." in address.text and "<script>alert(1)" not in address.text
    for answer in [*answers.values(), nul, markup, address]:
        assert "Traceback" not in answer.text and "calldesk/" not in answer.text
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert _cases(store) == before


def test_markup_is_stored_as_typed_and_shown_inert(store: Store, tmp_path: Path) -> None:
    with serving(store, tmp_path / "web") as served, served.client() as client:
        sent = submit(client, **{**ANN, "caller_name": "<b onmouseover=alert(1)>Ann</b>"})
    assert sent.status_code == 200 and "<b onmouseover" not in sent.text
    with store.uow(readonly=True) as uow:
        assert uow.session.exec(select(Case.caller_name)).one() == "<b onmouseover=alert(1)>Ann</b>"


def test_one_address_is_limited_per_minute(store: Store, tmp_path: Path) -> None:
    with serving(store, tmp_path / "web", rate=3) as served, served.client() as client:
        codes = [submit(client, **{**ANN, "claim": f"try {n}"}).status_code for n in range(5)]
        refused = dict(served.front.refused)
    assert codes == [200, 200, 200, 429, 429] and refused == {"rate": 2}
    assert _cases(store) == 3


def test_a_failure_inside_shows_no_trace(store: Store, tmp_path: Path) -> None:
    with serving(store, tmp_path / "web") as served, served.client() as client:
        token = csrf_of(client)
        store.engine.dispose()
        served.front.store.engine.pool.dispose()
        served.front.profile = None  # type: ignore[assignment]  # the next request fails inside the app
        broken = client.post("/request", data={**ANN, "csrf": token})
    assert broken.status_code == 500 and "Traceback" not in broken.text and "profile" not in broken.text
    assert broken.headers["cache-control"] == "no-store"


def test_a_status_link_of_any_characters_is_not_found(store: Store, tmp_path: Path) -> None:
    """A status link whose number or token holds characters a token never has is "not found" (it failed: 500)."""
    with serving(store, tmp_path / "web") as served, served.client() as client:
        number = request_number(submit(client, **ANN))
        answers = [client.get(f"/status/{number}/{token}?lang=es")
                   for token in ("ü" * 32, "%C3%BC", "0" * 31 + "é", "%E2%80%AE" * 8)]
        odd_number = client.get("/status/ñ/ü")
        after = client.get("/request")  # the same connection still serves
    for answer in answers:
        assert answer.status_code == 404 and "No hay ninguna página en esta dirección." in answer.text
    assert odd_number.status_code == 404 and after.status_code == 200


def test_a_forms_media_type_is_read_in_any_case(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    """A media type is case-insensitive (RFC 9110): a form sent as Application/X-WWW-Form-Urlencoded is a form."""
    with serving(store, tmp_path / "web") as served, served.client() as client:
        token = csrf_of(client)
        sent = client.post("/request", content=str(httpx.QueryParams({**ANN, "csrf": token})).encode(),
                           headers={"content-type": "Application/X-WWW-Form-Urlencoded; Charset=UTF-8"})
    assert sent.status_code == 200 and 'id="request-number"' in sent.text and _cases(store) == 1
