"""`calldesk phone listen`: Zammad's generic CTI endpoint, POST /api/v1/cti/{token}, on a small ASGI app.

Asterisk and 3CX already have bridges that post these events to Zammad; pointed at this URL they feed calldesk.
JSON or form data; the answer is `{}` (Zammad's), `{"action": "reject", "reason": "busy"}` to a ring from a
blocked number (`calldesk phone block`), an error `{"error": "..."}` in one line. The store work runs in
a thread (one event, one transaction), never on the event loop.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from calldesk.errors import CalldeskError, PermissionDenied, UnknownUser
from calldesk.models import utcnow
from calldesk.rules.phone import REJECT, CallEvent, parse_event
from calldesk.rules.profile import Profile
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.phone import Recorded, record_event

PATH = "/api/v1/cti/{token}"
MAX_BODY = 64 * 1024  # an event is a few hundred bytes


@dataclass
class Listener:
    """What the endpoint needs: the store, who receives the events, the protocol, the token; `heard` is told of
    every event kept (the benchmark and a desk in the same process)."""

    store: Store
    actor: Actor
    profile: Profile
    token: str
    heard: Callable[[CallEvent, Recorded], None] | None = None
    clock: Callable[[], datetime] = utcnow  # when an event came (the phone systems send no time of their own)

    def keep(self, event: CallEvent) -> Recorded:
        with self.store.uow() as uow:
            recorded = record_event(uow, actor=self.actor, profile=self.profile, event=event, at=self.clock())
        if self.heard is not None:
            self.heard(event, recorded)
        return recorded


async def _fields(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ValueError("The event is too large.")
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/json":
        import orjson

        try:
            data = orjson.loads(body or b"{}")
        except orjson.JSONDecodeError:
            raise ValueError("The event is not valid JSON.") from None
        if not isinstance(data, dict):
            raise ValueError("The event must be a JSON object.")
        return data
    form = await request.form()
    fields: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        fields[key] = values if key.endswith("[]") or len(values) > 1 else (values[0] if values else "")
    return fields


def make_app(listener: Listener) -> Starlette:
    """The ASGI app: one route, Zammad's path."""

    async def cti(request: Request) -> JSONResponse:
        if not hmac.compare_digest(str(request.path_params["token"]).encode(), listener.token.encode()):
            return JSONResponse({"error": "Unknown token: use the URL `calldesk phone token` prints."},
                                status_code=401)
        try:
            event = parse_event(await _fields(request))
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        try:
            recorded = await run_in_threadpool(listener.keep, event)
        except (PermissionDenied, UnknownUser) as exc:
            return JSONResponse({"error": str(exc)}, status_code=403)
        except CalldeskError as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        # A blocked number's ring: Zammad's reject, so the phone system hangs up (the caller hears busy).
        return JSONResponse(REJECT if recorded.blocked and event.event == "newCall" else {})

    return Starlette(routes=[Route(PATH, cti, methods=["POST"])])


def server(listener: Listener) -> Any:
    """A uvicorn server for the app: `server.run(sockets=[calldesk.listening.bound_socket(...)])` serves until
    `should_exit`."""
    import uvicorn

    config = uvicorn.Config(make_app(listener), log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)
