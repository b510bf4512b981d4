"""Respondents' pages (school and department administrators): sign in as themselves, see the cases about their
schools or departments, document the resolution. Every read and write is done as them: their calldesk user in
the service layer and, on PostgreSQL, their own database login (calldesk.store.services.web_logins), whose grants,
row-level
security and audit trail apply."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from calldesk.errors import CalldeskError, NotFound
from calldesk.models import Case, CasePublic, ResolutionUpdate, utcnow
from calldesk.store.db.users import Actor, actor_for
from calldesk.store.read.one_case import get_case
from calldesk.store.read.queue import QueueFilter, QueueRow, queue_page
from calldesk.store.services.follow_ups_resolution import set_resolution
from calldesk.store.services.typed_fields import build
from calldesk.web.accounts import SESSION_COOKIE, SESSION_SECONDS, Sessions
from calldesk.web.app import WebFront
from calldesk.web.guards import CSRF_COOKIE, BadForm, TooLarge, parse_form, read_body


def _signed_out() -> Response:
    return RedirectResponse("/respond/sign-in", status_code=303)


def routes(front: WebFront) -> list[Route]:
    sessions = Sessions(front.secret)

    def with_csrf(request: Request, name: str, status: int = 200, **values: Any) -> Response:
        cookie, token = front.csrf.issue(request)
        response = front.page(name, status, lang="en", csrf=token, **values)
        response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https")
        return response

    async def form_of(request: Request) -> dict[str, str] | None:
        try:
            values = parse_form(await read_body(request, 16_384))
        except (TooLarge, BadForm):
            front.count("form")
            return None
        if not front.csrf.valid(request, values.get("csrf", "")):
            front.count("csrf")
            return None
        return values

    def signed_in(request: Request) -> str | None:
        return sessions.who(request.cookies.get(SESSION_COOKIE))

    async def sign_in_page(request: Request) -> Response:
        return with_csrf(request, "sign_in.html", page_title="Sign in", problem="")

    async def sign_in(request: Request) -> Response:
        values = await form_of(request)
        if values is None:
            return with_csrf(request, "sign_in.html", 403, page_title="Sign in",
                             problem="The form expired; please sign in again.")
        username, password = values.get("username", "").strip(), values.get("password", "")
        # The store checks and counts (on PostgreSQL the database itself: every web process sees one count).
        found = await front.sign_in(username, password)
        if found == "locked":
            front.count("locked")
            return with_csrf(request, "sign_in.html", 429, page_title="Sign in",
                             problem="Too many failed sign-ins: this account is locked for 15 minutes.")
        if found != "ok" or not await run_in_threadpool(_is_respondent, front, username):
            front.count("sign_in")
            return with_csrf(request, "sign_in.html", 401, page_title="Sign in",
                             problem="That user name and password do not match a respondent's account.")
        response = RedirectResponse("/respond", status_code=303)
        response.set_cookie(SESSION_COOKIE, sessions.issue(username), max_age=SESSION_SECONDS, httponly=True,
                            samesite="strict", path="/respond", secure=request.url.scheme == "https")
        return response

    async def sign_out(request: Request) -> Response:
        await form_of(request)
        response = RedirectResponse("/respond/sign-in", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/respond")
        return response

    async def cases(request: Request) -> Response:
        who = signed_in(request)
        if who is None:
            return _signed_out()
        try:
            actor, rows = await run_in_threadpool(_cases, front, who)
        except CalldeskError:
            return _signed_out()
        return with_csrf(request, "respond_list.html", page_title="Your cases", who=who, rows=rows,
                         places=", ".join(actor.places))

    async def one_case(request: Request) -> Response:
        who = signed_in(request)
        if who is None:
            return _signed_out()
        number = request.path_params["number"]
        problem, saved, typed = "", False, {"response": "", "outcome": ""}
        if request.method == "POST":
            values = await form_of(request)
            if values is None:
                problem = "The form expired; please type it again."
            else:
                typed = {"response": values.get("response", ""), "outcome": values.get("outcome", "")}
                try:
                    await run_in_threadpool(_resolve, front, who, number, typed)
                    saved = True
                except NotFound:
                    return front.page("message.html", 404, lang="en", page_title="Not found", respondent=True,
                                      message="No such case among yours.")
                except CalldeskError as exc:
                    problem = exc.message
        try:
            case = await run_in_threadpool(_case, front, who, number)
        except CalldeskError:
            return front.page("message.html", 404, lang="en", page_title="Not found", respondent=True,
                              message="No such case among yours.")
        return with_csrf(request, "respond_case.html", 400 if problem else 200, page_title=f"Case {number}",
                         case=case, problem=problem, saved=saved, **typed)

    return [Route("/respond/sign-in", sign_in_page, methods=["GET"]),
            Route("/respond/sign-in", sign_in, methods=["POST"]),
            Route("/respond/sign-out", sign_out, methods=["POST"]), Route("/respond", cases),
            Route("/respond/case/{number}", one_case, methods=["GET", "POST"])]


def _is_respondent(front: WebFront, username: str) -> bool:
    try:
        with front.store.uow(readonly=True) as uow:
            return actor_for(uow.session, username).role == "respondent"
    except CalldeskError:
        return False


def _me(uow: Any, who: str) -> Actor:
    actor = actor_for(uow.session, who)
    if actor.role != "respondent":
        raise NotFound("Not a respondent.")
    return actor


def _cases(front: WebFront, who: str) -> tuple[Actor, list[QueueRow]]:
    with front.store_of(who).uow() as uow:
        actor = _me(uow, who)
        page = queue_page(uow.session, actor=actor, now=utcnow(), filters=QueueFilter(status="open"), limit=200)
        return actor, page.rows


def _case(front: WebFront, who: str, number: str) -> CasePublic:
    if len(number) > 20:
        raise NotFound("No such case.")
    with front.store_of(who).uow() as uow:
        found: Case = get_case(uow.session, number, viewer=_me(uow, who))
        return CasePublic.model_validate(found)


def _resolve(front: WebFront, who: str, number: str, typed: dict[str, str]) -> None:
    if len(number) > 20:
        raise NotFound("No such case.")
    with front.store_of(who).uow() as uow:
        set_resolution(uow, actor=_me(uow, who), case_number=number, data=build(ResolutionUpdate, **typed))
