"""The web front's public address over real HTTP on both backends: a status link is made from the configured address
(`calldesk serve --public-url`, else the address listened on), never from a request's Host header, and a request
naming another host is refused in the visitor's language (JSON under /open311/) with nothing stored."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from calldesk.models import Case
from calldesk.rules.web_form import WORDS
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.web.server import csrf_of, request_number, serving, status_link
from tests.web.test_serve import CALLDESK, _env
from tests.web.test_web_form import ANN

PUBLIC = "https://requests.example.org"


def _cases(store: Store) -> int:
    with store.uow(readonly=True) as uow:
        return uow.session.exec(select(func.count()).select_from(Case)).one()


def _sent(client: httpx.Client, host: str, lang: str = "en") -> httpx.Response:
    token = csrf_of(client, lang)
    return client.post(f"/request?lang={lang}", data={**ANN, "csrf": token, "lang": lang}, headers={"host": host})


def test_the_status_link_names_the_public_address_whatever_the_host(store: Store, staff: dict[str, Actor],
                                                                     tmp_path: Path) -> None:
    with serving(store, tmp_path / "web", public_url=f"{PUBLIC}/") as served, served.client() as client:
        proxied = _sent(client, "requests.example.org")  # through the agency's proxy (nginx: Host $host)
        with_port = _sent(client, "Requests.Example.org:443", "es")
        before = _cases(store)
        forged = _sent(client, "evil.example")
        forged_es = _sent(client, "evil.example:8311", "es")
        page = client.get("/request", headers={"host": "evil.example"})
        open311 = client.get("/open311/v2/services.json", headers={"host": "evil.example"})
        direct = client.get("/request")  # straight to the address listened on (127.0.0.1): a check by the admin
        refused = dict(served.front.refused)
    number = request_number(proxied)
    assert status_link(proxied).startswith(f"{PUBLIC}/status/{number}/") and "127.0.0.1" not in proxied.text
    assert status_link(with_port).startswith(f"{PUBLIC}/status/{request_number(with_port)}/")
    assert [forged.status_code, forged_es.status_code, page.status_code] == [400, 400, 400]
    assert WORDS["en"]["wrong_host"] in forged.text and WORDS["es"]["wrong_host"] in forged_es.text
    assert f'href="{PUBLIC}/request?lang=es"' in forged_es.text  # the way to the real site
    assert "evil.example" not in forged.text + forged_es.text + page.text
    assert open311.status_code == 400 and open311.json()[0]["code"] == 400
    assert direct.status_code == 200
    assert _cases(store) == before and refused.get("host") == 4


def test_without_a_public_address_links_name_the_address_listened_on(store: Store, staff: dict[str, Actor],
                                                                      tmp_path: Path) -> None:
    with serving(store, tmp_path / "web") as served, served.client() as client:
        forged = _sent(client, "evil.example")
        local = _sent(client, f"localhost:{served.url.rsplit(':', 1)[1]}")
        sent = _sent(client, served.url.removeprefix("http://"))
    assert forged.status_code == 400 and "evil.example" not in forged.text
    assert local.status_code == 200 and status_link(local).startswith(f"{served.url}/status/")
    assert status_link(sent).startswith(f"{served.url}/status/{request_number(sent)}/")


@pytest.mark.timeout(180)
def test_calldesk_serve_public_url(db_url: str, store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    base = [*CALLDESK, "--db", db_url, "--protocol", "area_offices", "serve"]
    everywhere = subprocess.run([*base, "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True,
                                env=_env(tmp_path), timeout=90)
    not_a_site = subprocess.run([*base, "--port", "0", "--public-url", "ftp://requests.example.org/form"],
                                capture_output=True, text=True, env=_env(tmp_path), timeout=90)
    for done in (everywhere, not_a_site):
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "--public-url" in done.stderr
    server = subprocess.Popen([*base, "--port", "0", "--public-url", f"{PUBLIC}/"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert f"for {PUBLIC}/" in line, server.stderr.read() if server.poll() else line
        with httpx.Client(base_url=line.split(" on ")[1].split()[0], timeout=30) as client:
            proxied = _sent(client, "requests.example.org")
            forged = _sent(client, "evil.example")
    finally:
        server.terminate()
        server.wait(20)
    assert status_link(proxied).startswith(f"{PUBLIC}/status/") and forged.status_code == 400
    assert server.stderr is not None and "Refused a request naming host 'evil.example'" in server.stderr.read()
