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

from calldesk.errors import CalldeskError, InvalidInput, NotFound
from calldesk.models import Case, CasePublic, ResolutionPublic, ResolutionUpdate, User, max_length, utcnow
from calldesk.rules.free_text import narrative_limit
from calldesk.rules.web_accounts import FAILURES_BEFORE_LOCK, LOCK_SECONDS, PASSWORD_LENGTH
from calldesk.rules.web_form import LIMITS, WORDS, body_limit, text_errors
from calldesk.store.db.users import Actor, actor_for
from calldesk.store.read.one_case import case_resolution, get_case
from calldesk.store.read.queue import QueueFilter, QueueRow, queue_page
from calldesk.store.services.follow_ups_resolution import set_resolution
from calldesk.store.services.typed_fields import build
from calldesk.web.accounts import SESSION_COOKIE, SESSION_SECONDS, Sessions
from calldesk.web.app import WebFront
from calldesk.web.guards import BadForm, NotForm, TooLarge, client_address, read_form

# Each form's fields and their most characters: the store's own limits (the models' max_length, the password rule,
# the narratives' limits in calldesk.rules.free_text); a field outside them is refused, as the public form refuses one.
SIGN_IN = {"csrf": LIMITS["csrf"], "username": max_length(User, "username"), "password": PASSWORD_LENGTH[1]}
RESOLUTION = {"csrf": LIMITS["csrf"], "response": narrative_limit("resolution", "response"),
              "outcome": max_length(ResolutionUpdate, "outcome")}
TYPED = ("response", "outcome")  # what the resolution form keeps when it is refused
# A resolution sent after the session ended rides through the sign-in form (hidden), to the case page once signed in.
SIGN_IN_KEEPING = {**SIGN_IN, "case": 20, **{name: RESOLUTION[name] for name in TYPED}}
SHOWN_LIMITS = {**SIGN_IN, **RESOLUTION}  # each box's maxlength in the pages
SIGNED_OUT = ("You were signed out (30 minutes passed, or you signed out in another tab), so the resolution was not "
              "saved. Sign in again: what you typed is kept and shown on the case, to save.")
SIGNED_IN_AGAIN = "You are signed in again. What you typed is in the form below, not saved yet: save it."
EN = WORDS["en"]
NO_MATCH = (f"That user name and password do not match a respondent's account. After {FAILURES_BEFORE_LOCK} failed "
            f"sign-ins in a row an account is locked for {LOCK_SECONDS // 60} minutes.")


class Refused(Exception):
    """A form not taken as sent: the status, the sentence to show, why (counted), and what of it may be shown again
    (nothing when it was not read or not from this site)."""

    def __init__(self, status: int, sentence: str, why: str, values: dict[str, str] | None = None) -> None:
        super().__init__(sentence)
        self.status, self.sentence, self.why, self.values = status, sentence, why, values or {}


def _signed_out() -> Response:
    return RedirectResponse("/respond/sign-in", status_code=303)


def routes(front: WebFront) -> list[Route]:
    sessions = Sessions(front.secret)

    def with_csrf(request: Request, name: str, status: int = 200, **values: Any) -> Response:
        cookie, token = front.csrf.issue(request)
        response = front.page(name, status, lang="en", csrf=token, limits=SHOWN_LIMITS, **values)
        front.csrf.give(response, cookie, secure=request.url.scheme == "https")
        return response

    async def form_of(request: Request, fields: dict[str, int]) -> dict[str, str]:
        """The form's values; Refused when the body is longer than `fields` full can be, unreadable, not from
        this site, or carries a field the form does not have."""
        try:
            values = await read_form(request, body_limit(fields))
        except NotForm:
            raise Refused(415, EN["not_form"], "type") from None
        except TooLarge:
            raise Refused(413, EN["too_large"], "size") from None
        except BadForm:
            raise Refused(400, EN["unreadable"], "form") from None
        csrf = front.csrf.check(request, values.get("csrf", ""))
        if csrf == "expired":  # this site's form, open too long: what it holds may be shown again, to send anew
            raise Refused(400, "The form was open too long to be sent. What you typed is below: send it again.",
                          "csrf", values if not set(values) - set(fields) else None)
        if csrf != "ok":
            raise Refused(400, "The form expired; please type it again.", "csrf")
        if set(values) - set(fields):
            raise Refused(400, EN["unknown_fields"], "fields", values)
        return values

    async def signed_in(request: Request) -> str | None:
        """The respondent whose session this is, while it is in force (not expired, not signed out)."""
        found = sessions.who(request.cookies.get(SESSION_COOKIE))
        if found is None:
            return None
        who, epoch = found
        return who if await front.session_epoch(who) == epoch else None

    async def sign_in_page(request: Request) -> Response:
        return with_csrf(request, "sign_in.html", page_title="Sign in", problem="")

    async def sign_in(request: Request) -> Response:
        if not front.rate.allow(client_address(request)):  # many names tried from one place
            front.count("rate")
            held = with_csrf(request, "sign_in.html", 429, page_title="Sign in",
                             problem="Too many sign-ins from this address: wait a minute, then try again.")
            held.headers["Retry-After"] = "60"
            return held
        try:
            values = await form_of(request, SIGN_IN_KEEPING)
        except Refused as refused:
            front.count(refused.why)
            expired = refused.why == "csrf"
            return with_csrf(request, "sign_in.html", 403 if expired else refused.status, page_title="Sign in",
                             problem="The form expired; please sign in again." if expired else refused.sentence)
        username, password = values.get("username", "").strip(), values.get("password", "")
        kept = {name: values.get(name, "") for name in ("case", *TYPED)} if values.get("case") else {}
        # The store checks and counts (on PostgreSQL the database itself: every web process sees one count).
        found = await front.sign_in(username, password)
        if found != "ok" or not await run_in_threadpool(_is_respondent, front, username):
            # One answer whether the name is an account, the password wrong or the account locked: the page
            # never says which names are accounts.
            front.count("locked" if found == "locked" else "sign_in")
            return with_csrf(request, "sign_in.html", 401, page_title="Sign in", problem=NO_MATCH, username=username,
                             kept=kept)
        epoch = await front.session_epoch(username)
        response: Response = RedirectResponse("/respond", status_code=303)
        if kept:  # the resolution typed before the session ended, on its case's form (not saved: the person saves)
            response = await case_page(request, username, kept["case"], typed={name: kept[name] for name in TYPED},
                                       notice=SIGNED_IN_AGAIN)
        response.set_cookie(SESSION_COOKIE, sessions.issue(username, epoch or 0), max_age=SESSION_SECONDS,
                            httponly=True, samesite="strict", path="/respond", secure=request.url.scheme == "https")
        return response

    async def sign_out(request: Request) -> Response:
        try:
            await form_of(request, {"csrf": LIMITS["csrf"]})
        except Refused as refused:  # signed out all the same: a form from elsewhere ends no session
            front.count(refused.why)
        else:
            who = await signed_in(request)
            if who is not None:  # the session ends in the store: its cookie, kept or copied, opens nothing
                await front.sign_out(who)
        response = RedirectResponse("/respond/sign-in", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/respond")
        return response

    async def cases(request: Request) -> Response:
        who = await signed_in(request)
        if who is None:
            return _signed_out()
        try:
            actor, rows = await run_in_threadpool(_cases, front, who)
        except CalldeskError:
            return _signed_out()
        return with_csrf(request, "respond_list.html", page_title="Your cases", who=who, rows=rows,
                         places=", ".join(actor.places))

    def not_found() -> Response:
        return front.page("message.html", 404, lang="en", page_title="Not found", respondent=True,
                          message="No such case among yours.")

    async def kept_to_sign_in(request: Request, number: str) -> Response:
        """A resolution sent after the session ended: not saved; the sign-in page keeps it (when the form came from
        this site, with what it may hold) to show on the case once signed in again."""
        try:
            values = await form_of(request, RESOLUTION)
        except Refused as refused:
            front.count(refused.why)
            if not refused.values:  # not this site's form, or not one it can keep
                return _signed_out()
            values = refused.values
        if len(number) > SIGN_IN_KEEPING["case"]:
            return _signed_out()
        front.count("signed_out")
        return with_csrf(request, "sign_in.html", 401, page_title="Sign in", problem=SIGNED_OUT,
                         kept={"case": number, **{name: values.get(name, "") for name in TYPED}})

    async def one_case(request: Request) -> Response:
        who = await signed_in(request)
        if who is None:
            return await kept_to_sign_in(request, request.path_params["number"]) if request.method == "POST" \
                else _signed_out()
        number = request.path_params["number"]
        status, problem = 200, ""
        errors: dict[str, str] = {}
        typed: dict[str, str] | None = None
        if request.method == "POST":
            try:
                values = await form_of(request, RESOLUTION)
                typed = {name: values.get(name, "") for name in TYPED}
                errors = text_errors(typed, RESOLUTION)
                if not errors:
                    await run_in_threadpool(_resolve, front, who, number, typed)
            except Refused as refused:
                front.count(refused.why)
                status, problem = refused.status, refused.sentence
                typed = {name: refused.values.get(name, "") for name in TYPED} if refused.values else None
            except NotFound:
                return not_found()
            except InvalidInput as exc:  # the service's refusal, under its field when the form has that field
                if exc.field in TYPED:
                    errors = {exc.field: exc.message}
                else:
                    problem = exc.message
            except CalldeskError as exc:
                problem = exc.message
            if errors:
                front.count("invalid")
            if (errors or problem) and status == 200:
                status = 400
        return await case_page(request, who, number, status, problem=problem, errors=errors, typed=typed,
                               saved=request.method == "POST" and status == 200)

    async def case_page(request: Request, who: str, number: str, status: int = 200, *, problem: str = "",
                        errors: dict[str, str] | None = None, typed: dict[str, str] | None = None,
                        saved: bool = False, notice: str = "") -> Response:
        """Case `number` as respondent `who` sees it, its form holding `typed` (by default the saved resolution)."""
        try:
            case, saved_resolution = await run_in_threadpool(_case, front, who, number)
        except CalldeskError:
            return not_found()
        if typed is None:  # the form shows what is saved, to edit it (a save replaces the resolution)
            typed = {name: getattr(saved_resolution, name) if saved_resolution else "" for name in TYPED}
        return with_csrf(request, "respond_case.html", status, page_title=f"Case {number}", case=case,
                         problem=problem, errors=errors or {}, saved=saved, notice=notice, **typed)

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


def _case(front: WebFront, who: str, number: str) -> tuple[CasePublic, ResolutionPublic | None]:
    if len(number) > 20:
        raise NotFound("No such case.")
    with front.store_of(who).uow() as uow:
        found: Case = get_case(uow.session, number, viewer=_me(uow, who))
        return CasePublic.model_validate(found), case_resolution(uow.session, found)


def _resolve(front: WebFront, who: str, number: str, typed: dict[str, str]) -> None:
    if len(number) > 20:
        raise NotFound("No such case.")
    with front.store_of(who).uow() as uow:
        set_resolution(uow, actor=_me(uow, who), case_number=number, data=build(ResolutionUpdate, **typed))
