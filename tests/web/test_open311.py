"""Open311 GeoReport v2 over real HTTP on both backends: services, requests posted with a client's API key and
read back without any caller data; fields outside the GeoReport v2 list refused."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlmodel import func, select

from calldesk.models import Case
from calldesk.rules.web_form import LIMITS
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.web_accounts import add_web_key, revoke_web_key
from tests.web.server import serving

V2 = "/open311/v2"
POST = {"service_code": "transportation", "address_string": "Roosevelt High", "first_name": "Ann",
        "last_name": "Lee", "phone": "213-555-0142", "email": "ann@example.org",
        "description": "The bus did not come on Monday."}


def test_services_and_requests(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    with store.uow() as uow:  # what `calldesk serve key add city311` does (an admin)
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    with serving(store, tmp_path / "web") as served, served.client() as client:
        listed = client.get(f"{V2}/services.json").json()
        one = client.get(f"{V2}/services/transportation.json")
        missing = client.get(f"{V2}/services/nothing.json")
        keyless = client.post(f"{V2}/requests.json", data=POST)
        wrong_key = client.post(f"{V2}/requests.json", data={**POST, "api_key": "guess"})
        unknown = client.post(f"{V2}/requests.json", data={**POST, "api_key": key, "caller_ssn": "1"})
        no_place = client.post(f"{V2}/requests.json", data={**{k: v for k, v in POST.items()
                                                                if k != "address_string"}, "api_key": key})
        bad_code = client.post(f"{V2}/requests.json", data={**POST, "api_key": key, "service_code": "x"})
        half = client.post(f"{V2}/requests.json", data={**POST, "api_key": key, "lat": "34.05"})
        made = client.post(f"{V2}/requests.json", data={**POST, "api_key": key})
        assert made.status_code == 201, made.text
        number = made.json()[0]["service_request_id"]
        many = client.get(f"{V2}/requests.json", params={"api_key": key})
        read = client.get(f"{V2}/requests/{number}.json", params={"api_key": key})
        read_keyless = client.get(f"{V2}/requests/{number}.json")
        bad_arg = client.get(f"{V2}/requests.json", params={"api_key": key, "phone": "213"})
        before = client.get(f"{V2}/requests.json", params={"api_key": key, "end_date": "2020-01-01T00:00:00Z"})
        bad_date = client.get(f"{V2}/requests.json", params={"api_key": key, "start_date": "yesterday"})
        closed = client.get(f"{V2}/requests.json", params={"api_key": key, "status": "closed"})
        refused = dict(served.front.refused)
    # One service per category of the Area Offices taxonomy (17), the code its name in lower case.
    assert len(listed) == 17 and listed[0]["service_code"] == "transportation"
    assert set(listed[0]) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert one.json() == {"service_code": "transportation", "attributes": []} and missing.status_code == 404
    assert [r.status_code for r in (keyless, wrong_key, unknown, no_place, bad_code, half)] == [403, 403, 400, 400,
                                                                                                400, 400]
    assert "caller_ssn" in unknown.json()[0]["description"]
    assert made.status_code == 201 and refused == {"api_key": 3, "invalid": 5}
    assert read_keyless.status_code == 403 and bad_arg.status_code == 400
    found = read.json()[0]
    assert found["service_request_id"] == number and found["status"] == "open"
    assert found["service_name"] == "Transportation"
    assert set(found) == {"service_request_id", "status", "status_notes", "service_name", "service_code",
                          "agency_responsible", "requested_datetime", "updated_datetime", "expected_datetime"}
    assert [r["service_request_id"] for r in many.json()] == [number]
    assert before.json() == [] and closed.json() == [] and bad_date.status_code == 400
    # The caller's name, contact, words and where they asked about stay private (tests/web/test_open311_location.py).
    for private in ("Ann", "Lee", "213", "ann@example.org", "bus did not come", "Roosevelt"):
        assert private not in many.text and private not in read.text
    with store.uow(readonly=True) as uow:
        case = uow.session.exec(select(Case).where(Case.case_number == number)).one()
        # address_string is the case's address (it was kept as the school, and so left in redacted exports).
        assert (case.channel, case.category, case.caller_name, case.school, case.address) == (
            "web_form", "Transportation", "Ann Lee", None, "Roosevelt High")
        assert uow.session.exec(select(func.count()).select_from(Case)).one() == 1


def test_a_revoked_key_is_refused(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="county")
    with serving(store, tmp_path / "web") as served, served.client() as client:
        before = client.get(f"{V2}/requests.json", params={"api_key": key})
        with store.uow() as uow:  # `calldesk serve key revoke county`: every web process sees it at once
            revoke_web_key(uow, actor=staff["admin"], name="county")
        after = client.get(f"{V2}/requests.json", params={"api_key": key})
    assert before.status_code == 200 and after.status_code == 403


def test_dates_past_the_calendars_ends_are_refused_not_failed(store: Store, staff: dict[str, Actor],
                                                              tmp_path: Path) -> None:
    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    with serving(store, tmp_path / "web") as served, served.client() as client:
        answers = [client.get(f"{V2}/requests.json", params={"api_key": key, name: value})
                   for name, value in (("start_date", "9999-12-31T23:59:59-14:00"),
                                       ("end_date", "0001-01-01T00:00:00+14:00"),
                                       ("start_date", "9999-12-31T23:59:59Z"))]
        fine = client.get(f"{V2}/requests.json", params={"api_key": key, "start_date": "2026-01-01T00:00:00-08:00",
                                                          "end_date": "2999-12-31T23:59:59+14:00"})
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert "out of range for start_date" in answers[0].json()[0]["description"]
    assert "out of range for end_date" in answers[1].json()[0]["description"]
    assert fine.status_code == 200 and fine.json() == []


def test_a_body_that_is_not_a_urlencoded_form_is_refused(store: Store, staff: dict[str, Actor],
                                                         tmp_path: Path) -> None:
    """GeoReport v2 posts a urlencoded form: any other body is 415, whatever it holds (a text/plain body or one
    without a type was taken as a form, a multipart or JSON one answered as unreadable, 400); the media type's case
    does not matter."""
    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    form = httpx.QueryParams({**POST, "api_key": key})
    with serving(store, tmp_path / "web") as served, served.client() as client:
        refused = [client.post(f"{V2}/requests.json", content=str(form).encode(), headers={"content-type": kind})
                   for kind in ("text/plain", "")]
        refused += [client.post(f"{V2}/requests.json", data={**POST, "api_key": key},
                                files={"media": ("photo.jpg", b"\xff\xd8")}),
                    client.post(f"{V2}/requests.json", json={**POST, "api_key": key})]
        stored = _count(store)
        capitals = client.post(f"{V2}/requests.json", content=str(form).encode(),
                               headers={"content-type": "Application/X-WWW-Form-Urlencoded; charset=UTF-8"})
        counted = dict(served.front.refused)
    assert [r.status_code for r in refused] == [415, 415, 415, 415] and stored == 0
    assert all("x-www-form-urlencoded" in r.json()[0]["description"] for r in refused)
    assert capitals.status_code == 201 and _count(store) == 1 and counted == {"type": 4}


def _count(store: Store) -> int:
    with store.uow(readonly=True) as uow:
        return uow.session.exec(select(func.count()).select_from(Case)).one()


def test_a_refused_post_names_the_georeport_argument_sent(store: Store, staff: dict[str, Actor],
                                                          tmp_path: Path) -> None:
    """A value the form's check refuses is named by the GeoReport v2 argument the client sent (it was named by the
    form's own field: "claim" for a description, "caller_name" for the names)."""
    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    sent = {"description": "d" * (LIMITS["claim"] + 1), "first_name": "f" * 200, "address_string": "a" * 201}
    with serving(store, tmp_path / "web") as served, served.client() as client:
        said = {name: client.post(f"{V2}/requests.json", data={**POST, "api_key": key, name: value}).json()
                for name, value in sent.items()}
        nul = client.post(f"{V2}/requests.json", data={**POST, "api_key": key, "description": "bus\x00late"}).json()
        no_way = client.post(f"{V2}/requests.json", data={**POST, "api_key": key, "phone": "", "email": ""}).json()
    longer = f"description: This is longer than {LIMITS['claim']} characters."
    assert said == {"description": [{"code": 400, "description": longer}],
                    "first_name": [{"code": 400, "description": "first_name and last_name: This is longer than 200 "
                                                                "characters."}],
                    "address_string": [{"code": 400, "description": "address_string is longer than 200 "
                                                                    "characters."}]}
    assert nul[0]["description"] == "description: This contains characters that cannot be stored."
    assert no_way[0]["description"] == "phone: Give a phone number or an email address."
    assert _count(store) == 0


def test_requests_are_searched_by_lists_of_services_and_statuses(store: Store, staff: dict[str, Actor],
                                                                 tmp_path: Path) -> None:
    """GET requests.json: service_code and status may each be "declared multiple times, comma delimited"
    (GeoReport v2), and the services are searched in the store, not among the newest requests read; the request
    ids named override every other argument."""
    from calldesk.store.services.web_requests import public_requests

    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    with serving(store, tmp_path / "web") as served, served.client() as client:
        made = {code: client.post(f"{V2}/requests.json", data={**POST, "api_key": key, "service_code": code,
                                                               "phone": phone}).json()[0]["service_request_id"]
                for code, phone in (("enrollment", "213-555-0101"), ("transportation", "213-555-0102"))}

        def found(**args: str) -> list[str] | int:
            answer = client.get(f"{V2}/requests.json", params={"api_key": key, **args})
            return sorted(r["service_request_id"] for r in answer.json()) if answer.status_code == 200 else \
                answer.status_code

        both = found(service_code="transportation,enrollment")
        one = found(service_code="enrollment")
        spaced = found(service_code=" enrollment , transportation ", status="open, closed")
        any_status = found(status="open,closed")
        unknown = found(service_code="enrollment,nothing")
        bad_status = found(status="open,pending")
        overriding = found(service_request_id=made["enrollment"], status="closed", service_code="attendance")
    assert both == spaced == any_status == sorted(made.values()) and one == [made["enrollment"]]
    assert unknown == 400 and bad_status == 400 and overriding == [made["enrollment"]]
    with store.uow(readonly=True) as uow:  # the older request of its service, past a limit the newer one fills
        older = public_requests(uow.session, viewer=staff["admin"], categories=["Enrollment"], limit=1)
    assert [r.case_number for r in older] == [made["enrollment"]]


def test_many_posts_from_one_address_are_held_back(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    """A client posting more than the rate from one address gets 429 with Retry-After (as the form's visitors
    do), and nothing more is stored."""
    with store.uow() as uow:
        key = add_web_key(uow, actor=staff["admin"], name="city311")
    with serving(store, tmp_path / "web", rate=2) as served, served.client() as client:
        answers = [client.post(f"{V2}/requests.json", data={**POST, "api_key": key, "phone": f"213-555-010{n}"})
                   for n in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 429, 429] and _count(store) == 2
    assert answers[2].headers["retry-after"] == "60" and answers[2].json()[0]["code"] == 429
