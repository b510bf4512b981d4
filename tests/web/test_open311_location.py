"""Open311 GeoReport v2: the location and media a client posts (lat, long, address_string, address_id, media_url)
are checked, kept on the case, shown by `calldesk case show` and the desk, and treated as the caller's personal data
(never in GET requests' answers, redacted exports, erasure); on both backends, against the running web front."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select

from calldesk.models import Case
from calldesk.rules.open311 import location_words
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.web_accounts import add_web_key
from tests.cli.test_cli import run
from tests.web.server import serving
from tests.web.test_open311 import POST, V2

PLACE = {"lat": "34.0522", "long": "-118.2437", "address_string": "1200 Main St, Los Angeles",
         "address_id": "LA-77031", "media_url": "https://photos.example.org/bus-stop.jpg"}


def test_a_requests_location_is_kept_read_back_and_shown(store: Store, staff: dict[str, Actor],
                                                          tmp_path: Path) -> None:
    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    with serving(store, tmp_path / "web") as served, served.client() as client:
        made = client.post(f"{V2}/requests.json", data={**POST, **PLACE, "api_key": key})
        assert made.status_code == 201, made.text
        number = made.json()[0]["service_request_id"]
        one = client.get(f"{V2}/requests/{number}.json", params={"api_key": key}).json()[0]
        listed = client.get(f"{V2}/requests.json", params={"api_key": key}).json()
        as_xml = client.get(f"{V2}/requests/{number}.xml", params={"api_key": key}).text
    for answer in (json.dumps(one), json.dumps(listed), as_xml):  # a 311 app's key reads no caller data
        assert "1200 Main St" not in answer and "LA-77031" not in answer and "34.0522" not in answer
        assert "bus-stop.jpg" not in answer
    assert one["service_request_id"] == number and [r["service_request_id"] for r in listed] == [number]
    with store.uow(readonly=True) as uow:
        case = uow.session.exec(select(Case).where(Case.case_number == number)).one()
        assert (case.address, case.address_id, case.latitude, case.longitude, case.media_url) == (
            PLACE["address_string"], "LA-77031", 34.0522, -118.2437, PLACE["media_url"])
    code, out, err = run(store.url, "case", "show", number, "--json")
    assert code == 0 and json.loads(out)["address"] == PLACE["address_string"], err
    code, out, err = run(store.url, "case", "show", number)
    assert code == 0 and "1200 Main St" in out and "LA-77031" in out, err
    assert location_words(case.address, case.address_id, case.latitude, case.longitude, case.media_url) == (
        "Where: 1200 Main St, Los Angeles (id LA-77031; 34.0522, -118.2437) · media: "
        "https://photos.example.org/bus-stop.jpg")


def test_a_location_that_cannot_be_kept_is_refused_naming_the_argument(store: Store, staff: dict[str, Actor],
                                                                       tmp_path: Path) -> None:
    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    bad = {"media javascript": {"media_url": "javascript:alert(1)"},
           "media file": {"media_url": "file:///etc/passwd"},
           "media markup": {"media_url": 'https://x.example/"><script>alert(1)</script>'},
           "media escape": {"media_url": "https://x.example/\x1b[2J"},
           "media long": {"media_url": "https://x.example/" + "a" * 500},
           "address id long": {"address_id": "9" * 101},
           "lat range": {"lat": "91", "long": "0"}, "long range": {"lat": "0", "long": "-180.5"},
           "lat alone": {"lat": "34.05"}, "lat huge": {"lat": "9223372036854775808", "long": "0"},
           "lat words": {"lat": "nan", "long": "inf"}}
    with serving(store, tmp_path / "web") as served, served.client() as client:
        said = {why: client.post(f"{V2}/requests.json", data={**POST, **sent, "api_key": key})
                for why, sent in bad.items()}
    assert {why: answer.status_code for why, answer in said.items()} == {why: 400 for why in bad}
    assert "media_url must be an http or https address." in said["media javascript"].text
    assert "media_url is longer than 500 characters." in said["media long"].text
    assert "address_id is longer than 100 characters." in said["address id long"].text
    with store.uow(readonly=True) as uow:
        assert uow.session.exec(select(Case)).all() == []


def test_an_address_is_personal_data_in_exports_and_erasure(store: Store, staff: dict[str, Actor],
                                                            tmp_path: Path) -> None:
    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    with serving(store, tmp_path / "web") as served, served.client() as client:
        sent = {**POST, **PLACE, "api_key": key,
                "description": "The bus stop at 1200 Main St, Los Angeles has no shelter."}
        assert client.post(f"{V2}/requests.json", data=sent).status_code == 201
    redacted = tmp_path / "redacted.json"
    code, _, err = run(store.url, "--protocol", "area_offices", "export", "cases", "--since", "2020-01-01", "--out",
                       str(redacted))
    assert code == 0, err
    text = redacted.read_text()
    assert "1200 Main St" not in text and "LA-77031" not in text and "bus-stop.jpg" not in text
    code, _, err = run(store.url, "--protocol", "area_offices", "caller", "erase", "ann@example.org")
    assert code == 0, err
    with store.uow(readonly=True) as uow:
        case = uow.session.exec(select(Case)).one()
        assert (case.address, case.address_id, case.latitude, case.longitude, case.media_url) == (
            None, None, None, None, None)
        assert "1200 Main St" not in case.claim
