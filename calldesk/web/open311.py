"""Open311 GeoReport v2 under /open311/v2/: services, and requests posted and read by clients holding an API key,
in JSON or XML (each address's extension). A request is checked as the Service Request form checks it; what is
read back is its public status, never caller data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from calldesk.errors import CalldeskError, InvalidInput, NotFound
from calldesk.rules.open311 import (
    GET_FIELDS,
    SENT_AS,
    category_of,
    check_post,
    get_filters,
    listed,
    location_of,
    service_code,
    services,
)
from calldesk.rules.typed_dates import check_year
from calldesk.rules.web_form import BODY_LIMIT, check_request
from calldesk.store.services.web_requests import PublicStatus
from calldesk.web.app import WebFront
from calldesk.web.georeport import FORMATS, answer, error
from calldesk.web.guards import BadForm, NotForm, TooLarge, read_form

PREFIX = "/open311/v2"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def _request_json(found: PublicStatus, agency: str) -> dict[str, Any]:
    # GeoReport v2 service request, without description, address, location or media: the caller's words and
    # where they asked about (a home, a photo) are personal data, kept on the case and never given back.
    return {"service_request_id": found.case_number, "status": found.status,
            "status_notes": None, "service_name": found.category,
            "service_code": service_code(found.category) if found.category else None,
            "agency_responsible": agency, "requested_datetime": _iso(found.opened_at),
            "updated_datetime": _iso(found.updated_at), "expected_datetime": _iso(found.resolve_by)}


def _moment(text: str, name: str) -> datetime:
    """A W3C date-time with its zone, as UTC: ValueError if it is not one, InvalidInput (check_year) outside the
    years calldesk counts in (9999-12-31T23:59:59-14:00 is past the last moment a datetime holds in UTC)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("no zone")
    check_year(value.year, text, name)
    return value.astimezone(UTC)


def routes(front: WebFront) -> list[Route]:
    async def keyed(values: dict[str, str]) -> str | None:
        client = await front.client(values.get("api_key", ""))
        if client is None:
            front.count("api_key")
        return client

    async def list_services(request: Request, fmt: str) -> Response:
        return answer(fmt, "services", services(front.profile))

    async def one_service(request: Request, fmt: str) -> Response:
        code = request.path_params["code"]
        if category_of(front.profile, code) is None:
            return error(fmt, 404, "No such service.")
        return answer(fmt, "service_definition", {"service_code": code, "attributes": []})

    async def post_request(request: Request, fmt: str) -> Response:
        if not front.rate.allow(request.client.host if request.client else "unknown"):
            front.count("rate")
            return error(fmt, 429, "Too many requests; try again in a minute.", {"Retry-After": "60"})
        try:
            values = await read_form(request, BODY_LIMIT)
        except NotForm:
            front.count("type")
            return error(fmt, 415, "The body must be application/x-www-form-urlencoded UTF-8 (GeoReport v2 POST).")
        except TooLarge:
            front.count("size")
            return error(fmt, 413, "The request is too large.")
        except BadForm:
            front.count("form")
            return error(fmt, 400, "The body must be application/x-www-form-urlencoded UTF-8.")
        if await keyed(values) is None:
            return error(fmt, 403, "A valid api_key is required.")
        form, problem = check_post(front.profile, values)
        if problem is not None:
            front.count("invalid")
            return error(fmt, 400, problem)
        checked = check_request(front.profile, form, "en", required=("category", "claim"), form=front.form)
        if checked.errors:
            front.count("invalid")
            name, sentence = next(iter(checked.errors.items()))
            return error(fmt, 400, f"{SENT_AS.get(name, name)}: {sentence}")
        location, problem = location_of(values)
        if problem is not None:
            front.count("invalid")
            return error(fmt, 400, problem)
        checked.fields.update(location)
        try:
            submitted = await front.submit(checked)
        except CalldeskError as exc:
            front.count("invalid")
            return error(fmt, 400, exc.message)
        return answer(fmt, "service_requests", [{
            "service_request_id": submitted.case_number, "account_id": None,
            "service_notice": "A person will call the reporter." if submitted.abuse_suspected else ""}], 201)

    async def get_requests(request: Request, fmt: str) -> Response:
        values = dict(request.query_params)
        if set(values) - GET_FIELDS:
            front.count("invalid")
            return error(fmt, 400, "Not a GeoReport v2 argument: " + ", ".join(sorted(set(values) - GET_FIELDS))[:200])
        if await keyed(values) is None:
            return error(fmt, 403, "A valid api_key is required.")
        categories, status, problem = get_filters(front.profile, values)
        if problem is not None:
            front.count("invalid")
            return error(fmt, 400, problem)
        try:
            since = _moment(values["start_date"], "start_date") if values.get("start_date") else None
            until = _moment(values["end_date"], "end_date") if values.get("end_date") else None
        except ValueError:
            return error(fmt, 400, "start_date and end_date are W3C date-times with their zone.")
        except InvalidInput as exc:
            return error(fmt, 400, exc.message)
        numbers = listed(values.get("service_request_id", ""))[:200]
        if any(len(n) > 20 for n in numbers):
            return error(fmt, 400, "service_request_id is a list of request numbers.")
        if numbers:  # GeoReport v2: the requests named override every other argument
            since, until, status, categories = None, None, None, []
        found = await front.requests(since, until, status, numbers, categories)
        return answer(fmt, "service_requests", [_request_json(f, front.profile.title) for f in found])

    async def get_request(request: Request, fmt: str) -> Response:
        values = dict(request.query_params)
        if await keyed(values) is None:
            return error(fmt, 403, "A valid api_key is required.")
        number = request.path_params["number"]
        if len(number) > 20:
            return error(fmt, 404, "No such request.")
        try:
            found = await front.status(number)
        except NotFound:
            return error(fmt, 404, "No such request.")
        return answer(fmt, "service_requests", [_request_json(found, front.profile.title)])

    def in_format(handler: Callable[[Request, str], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        """The handler answering in the format the address's extension names (an address of another is not found)."""

        async def handle(request: Request) -> Response:
            fmt = request.path_params["format"]
            if fmt not in FORMATS:
                raise HTTPException(404)
            return await handler(request, fmt)

        return handle

    return [Route(f"{PREFIX}/services.{{format}}", in_format(list_services)),
            Route(f"{PREFIX}/services/{{code}}.{{format}}", in_format(one_service)),
            Route(f"{PREFIX}/requests.{{format}}", in_format(post_request), methods=["POST"]),
            Route(f"{PREFIX}/requests.{{format}}", in_format(get_requests), methods=["GET"]),
            Route(f"{PREFIX}/requests/{{number}}.{{format}}", in_format(get_request), methods=["GET"])]

