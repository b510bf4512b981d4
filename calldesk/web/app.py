"""The web front's ASGI app (Starlette): its pages, Open311 and the guards around them, over one open store."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Match, Route

from calldesk.errors import PermissionDenied
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import Profile
from calldesk.rules.public_address import PublicAddress
from calldesk.rules.web_form import WORDS, WebForm, WebRequest, form_of, visitor_language
from calldesk.store.db.store import Store, open_store
from calldesk.store.db.users import Actor
from calldesk.store.services.web_accounts import SignIn, web_client, web_session, web_sign_in, web_sign_out
from calldesk.store.services.web_requests import PublicStatus, Submitted, public_requests, public_status, submit_request
from calldesk.web.accounts import login_password
from calldesk.web.georeport import error, format_of
from calldesk.web.guards import Csrf, RateLimit, SecurityHeaders, TrustedHost
from calldesk.web.keys import web_secret

TEMPLATES = Path(__file__).parent / "templates"
SERVE_ENV = "CALLDESK_WEB_SERVE"  # a worker's settings, from `calldesk serve --workers N`
LANG_COOKIE = "calldesk_lang"  # the language the visitor chose on the form, for the pages that follow
LOG = logging.getLogger("calldesk.web")


@dataclass
class WebFront:
    """What every page needs: the store, the protocol, the public address (links, the hosts served), the process's
    own calldesk user, the secrets and guards."""

    store: Store
    profile: Profile
    home: Path
    public: PublicAddress
    rate_per_minute: int = 10
    secret: bytes = b""
    actor: Actor | None = None
    csrf: Csrf = field(init=False)
    rate: RateLimit = field(init=False)
    templates: Environment = field(init=False)
    agency: str = field(init=False)
    form: WebForm = field(init=False)  # the profile's form, made once (not per request)
    refused: dict[str, int] = field(default_factory=dict)  # why requests were refused, counted (tests, logs)
    _stores: dict[str, Store] = field(default_factory=dict)  # respondents' own connections (PostgreSQL)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.secret = self.secret or web_secret(self.home)
        self.csrf = Csrf(self.secret)
        self.rate = RateLimit(self.rate_per_minute)
        # The templates are part of the installed code: compiled once, never looked up on disk again per page.
        self.templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                                     auto_reload=False)
        self.actor = self.actor or self.store.actor()
        self.agency = self.profile.title  # kept: an error page must not depend on anything that can fail
        self.form = form_of(self.profile)

    def store_of(self, username: str) -> Store:
        """The store as respondent `username` uses it: on PostgreSQL their own login (its password kept by
        `calldesk serve respondent add`); on SQLite, whose file has one owner, the web front's own store."""
        if self.store.backend != "postgresql":
            return self.store
        with self._lock:
            found = self._stores.get(username)
        if found is not None:
            return found
        password = login_password(self.home, username)
        if password is None:
            raise PermissionDenied(f"{username} has no web login yet: an admin runs `calldesk serve respondent add`.")
        url = make_url(self.store.url).set(username=username, password=password).render_as_string(hide_password=False)
        opened = open_store(url, create=False, migrate=False, protocol=self.store.protocol)
        with self._lock:
            found = self._stores.setdefault(username, opened)
        if found is not opened:
            opened.close()
        return found

    def close(self) -> None:
        with self._lock:
            for opened in self._stores.values():
                opened.close()
            self._stores.clear()

    def count(self, why: str) -> None:
        self.refused[why] = self.refused.get(why, 0) + 1

    def day(self, moment: datetime) -> str:
        return calendar_for(self.profile).local(moment).strftime("%Y-%m-%d")

    def page(self, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        lang = values.setdefault("lang", "en")
        values.setdefault("w", WORDS[lang])
        html = self.templates.get_template(name).render(agency=self.agency, day=self.day, **values)
        return HTMLResponse(html, status_code=status)

    def refusal(self, lang: str, status: int, title: str, sentence: str, *, why: str | None = None,
                form: str = "/request") -> HTMLResponse:
        """A refusal page in the visitor's language: the words `title` and `sentence` of the word table; `form`:
        where its link to the form goes."""
        if why is not None:
            self.count(why)
        words = WORDS[lang]
        page = self.page("message.html", status, lang=lang, page_title=words[title], message=words[sentence],
                         form=form)
        if status == 429:
            page.headers["Retry-After"] = "60"  # the rate limit's window, in seconds
        return page

    async def submit(self, checked: WebRequest, client_id: str | None = None) -> Submitted:
        """Open the checked request's case (in a worker thread: the store is synchronous); `client_id` names the
        filled-in form (rules.web_form.form_client_id): sent again, it is the same request."""
        return await run_in_threadpool(self._submit, checked, client_id)

    async def status(self, number: str) -> PublicStatus:
        return await run_in_threadpool(self._status, number)

    async def requests(self, since: datetime | None, until: datetime | None, status: str | None,
                       numbers: list[str], categories: list[str]) -> list[PublicStatus]:
        return await run_in_threadpool(self._requests, since, until, status, numbers, categories)

    async def sign_in(self, username: str, password: str) -> SignIn:
        """A respondent's sign-in checked, and counted, by the store (argon2 work: in a worker thread)."""
        return await run_in_threadpool(self._sign_in, username, password)

    async def session_epoch(self, username: str) -> int | None:
        """Respondent `username`'s session count in the store (None: no web account)."""
        return await run_in_threadpool(self._session_epoch, username)

    async def sign_out(self, username: str) -> None:
        """End every web session of `username`."""
        await run_in_threadpool(self._sign_out, username)

    async def client(self, key: str) -> str | None:
        """The Open311 client whose API key `key` is, or None."""
        return await run_in_threadpool(self._client, key)

    def _sign_in(self, username: str, password: str) -> SignIn:
        assert self.actor is not None
        with self.store.uow() as uow:
            return web_sign_in(uow, actor=self.actor, username=username, password=password)

    def _session_epoch(self, username: str) -> int | None:
        assert self.actor is not None
        with self.store.uow(readonly=True) as uow:
            return web_session(uow.session, viewer=self.actor, username=username)

    def _sign_out(self, username: str) -> None:
        assert self.actor is not None
        with self.store.uow() as uow:
            web_sign_out(uow, actor=self.actor, username=username)

    def _client(self, key: str) -> str | None:
        assert self.actor is not None
        with self.store.uow(readonly=True) as uow:
            return web_client(uow.session, viewer=self.actor, key=key)

    def _submit(self, checked: WebRequest, client_id: str | None) -> Submitted:
        assert self.actor is not None
        with self.store.uow() as uow:
            return submit_request(uow, actor=self.actor, profile=self.profile, request=checked, client_id=client_id)

    def _status(self, number: str) -> PublicStatus:
        assert self.actor is not None
        with self.store.uow(readonly=True) as uow:
            return public_status(uow.session, viewer=self.actor, case_number=number)

    def _requests(self, since: datetime | None, until: datetime | None, status: str | None,
                  numbers: list[str], categories: list[str]) -> list[PublicStatus]:
        assert self.actor is not None
        with self.store.uow(readonly=True) as uow:
            return public_requests(uow.session, viewer=self.actor, since=since, until=until, status=status,
                                   numbers=numbers, categories=categories)


def _css(request: Request) -> Response:
    return Response((TEMPLATES / "form.css").read_text(encoding="utf-8"), media_type="text/css")


def language_asked(request: Request, form_value: str | None = None) -> str:
    """The visitor's language: a form's `lang` field, the address's `?lang=`, or the cookie the form set."""
    return visitor_language(form_value, request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def _plain(lang: str, status: int, title: str, sentence: str) -> HTMLResponse:
    """The last resort when even the template fails: the same words, no template."""
    words = WORDS[lang]
    return HTMLResponse(f'<!doctype html><html lang="{lang}"><title>{words[title]}</title><h1>{words[title]}</h1>'
                        f"<p>{words[sentence]}</p></html>", status_code=status)


def _handlers(front: WebFront) -> dict[Any, Any]:
    """The not-found, wrong-method and failure pages, in the visitor's language (under /open311/, GeoReport v2
    errors in JSON or XML)."""

    async def not_found(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/open311/"):
            return error(format_of(request), 404, "Not found.")
        return front.refusal(language_asked(request), 404, "not_found_title", "not_found")

    async def failed(request: Request, exc: Exception) -> Response:
        # Never a trace: the reason stays in the server's log (uvicorn logs the exception).
        if request.url.path.startswith("/open311/"):
            return error(format_of(request), 500, "The server could not do that.")
        lang = language_asked(request)
        try:
            return front.refusal(lang, 500, "failed_title", "failed")
        except Exception:
            return _plain(lang, 500, "failed_title", "failed")

    async def not_allowed(request: Request, exc: Exception) -> Response:
        # Allow: the methods of every route at this path (Starlette's names only the first route's).
        allow = {"Allow": ", ".join(sorted({method for route in request.app.routes
                                            if route.matches(request.scope)[0] is not Match.NONE
                                            for method in getattr(route, "methods", None) or ()}))}
        if request.url.path.startswith("/open311/"):
            return error(format_of(request), 405, f"{request.method[:20]} is not taken here; {allow['Allow']} are.",
                         allow)
        page = front.refusal(language_asked(request), 405, "refused", "not_allowed")
        page.headers.update(allow)
        return page

    return {404: not_found, 405: not_allowed, Exception: failed}


def _wrong_host(front: WebFront) -> Any:
    """The answer to a request naming a host the web front does not serve: refused (400), in the visitor's language
    or JSON under /open311/, with a link to the form at the public address; the first is logged, to show a proxy
    whose name is not `calldesk serve --public-url`'s."""

    def refuse(request: Request) -> Response:
        if "host" not in front.refused:
            LOG.warning("Refused a request naming host %r: this web front serves %s (calldesk serve --public-url).",
                        request.headers.get("host", "")[:100], front.public.origin)
        front.count("host")
        if request.url.path.startswith("/open311/"):
            return error(format_of(request), 400, f"This site is {front.public.origin}.")
        return front.refusal(language_asked(request), 400, "refused", "wrong_host",
                             form=front.public.link("/request"))

    return refuse


def create_app(front: WebFront, *, threads: int = 10) -> Any:
    """The ASGI app serving `front`, doing store work in at most `threads` threads at once."""
    from calldesk.web import open311, pages, respond

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield
        front.close()

    routes = [Route("/static/form.css", _css), *pages.routes(front), *open311.routes(front),
              *respond.routes(front)]
    app = Starlette(routes=routes, exception_handlers=_handlers(front), lifespan=lifespan)
    return SecurityHeaders(TrustedHost(app, front.public.answers, _wrong_host(front)))


def from_environment() -> Any:
    """The app of one worker process of `calldesk serve --workers N`: its own store connections, the settings
    handed down by the parent in SERVE_ENV (the store, protocol, web folder, public address, rate and threads)."""
    from calldesk.profiles import load_profile

    settings = json.loads(os.environ[SERVE_ENV])
    store = open_store(settings["url"], create=False, migrate=False, protocol=settings["protocol"])
    public = PublicAddress(settings["origin"], frozenset(settings["hosts"]))
    front = WebFront(store=store, profile=load_profile(settings["protocol"]), home=Path(settings["home"]),
                     public=public, rate_per_minute=settings["rate"])
    return create_app(front, threads=settings["threads"])
