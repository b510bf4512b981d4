"""Open311 GeoReport v2 in XML, its default format, over real HTTP on both backends: every address with .xml answers
the same data as with .json, as the standard's XML documents, errors included, always well-formed."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import httpx

from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.web_accounts import add_web_key
from tests.web.server import serving
from tests.web.test_open311 import POST, V2


def _xml(answer: httpx.Response) -> ElementTree.Element:
    assert answer.headers["content-type"] == "text/xml; charset=utf-8", answer.text
    return ElementTree.fromstring(answer.content)


def _error_of(answer: httpx.Response) -> tuple[int, str, str]:
    root = _xml(answer)
    assert root.tag == "errors" and [e.tag for e in root] == ["error"]
    return answer.status_code, root.findtext("error/code") or "", root.findtext("error/description") or ""


def test_every_address_answers_in_xml(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    with serving(store, tmp_path / "web") as served, served.client() as client:
        listed = client.get(f"{V2}/services.xml")
        one = client.get(f"{V2}/services/transportation.xml")
        made = client.post(f"{V2}/requests.xml", data={**POST, "api_key": key})
        number = _xml(made).findtext("request/service_request_id")
        many = client.get(f"{V2}/requests.xml", params={"api_key": key})
        read = client.get(f"{V2}/requests/{number}.xml", params={"api_key": key})
        as_json = client.get(f"{V2}/requests/{number}.json", params={"api_key": key}).json()[0]
        errors = {"keyless": client.post(f"{V2}/requests.xml", data=POST),
                  "no service": client.get(f"{V2}/services/nothing.xml"),
                  "no page": client.get(f"{V2}/nothing.xml"),
                  "method": client.delete(f"{V2}/requests.xml"),
                  "odd field": client.post(f"{V2}/requests.xml", data={**POST, "api_key": key, "x\x01<y>": "1"})}
        other = client.get(f"{V2}/services.csv")
    services = _xml(listed)
    assert services.tag == "services" and len(services) == 17 and {s.tag for s in services} == {"service"}
    assert services.findtext("service/service_code") == "transportation"
    assert services.findtext("service/metadata") == "false"
    definition = _xml(one)
    assert definition.tag == "service_definition" and definition.findtext("service_code") == "transportation"
    assert made.status_code == 201 and _xml(made).tag == "service_requests" and number
    assert [r.findtext("service_request_id") for r in _xml(many)] == [number]
    request = _xml(read).find("request")
    assert request is not None and {e.tag: e.text or None for e in request} == as_json
    for private in ("Ann", "Lee", "213", "ann@example.org", "bus did not come", "Roosevelt"):
        assert private not in many.text and private not in read.text
    assert _error_of(errors["keyless"]) == (403, "403", "A valid api_key is required.")
    assert _error_of(errors["no service"])[:2] == (404, "404")
    assert _error_of(errors["no page"]) == (404, "404", "Not found.")
    assert _error_of(errors["method"])[:2] == (405, "405") and errors["method"].headers["allow"] == "GET, HEAD, POST"
    status, code, description = _error_of(errors["odd field"])  # well-formed, whatever the client sent
    assert (status, code) == (400, "400") and "x\ufffd<y>" in description
    assert other.status_code == 404 and other.json() == [{"code": 404, "description": "Not found."}]
