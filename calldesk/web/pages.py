"""The public pages: the Service Request form (English and Spanish) and a request's private status link."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from calldesk.errors import CalldeskError, InvalidInput, NotFound
from calldesk.rules.web_form import BODY_LIMIT, CALL_TYPES, FIELDS, HONEYPOT, WORDS, check_request, form_of, language_of
from calldesk.web.app import WebFront
from calldesk.web.guards import CSRF_COOKIE, BadForm, TooLarge, parse_form, read_body
from calldesk.web.keys import status_token, status_token_ok

LABELS = ("caller_name", "phone", "email", "preferred_contact", "school", "tried_school", "tried_school_with",
          "category", "call_type", "claim", "evidence")


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def routes(front: WebFront) -> list[Route]:
    def form_page(request: Request, lang: str, values: dict[str, str], errors: dict[str, str],
                  status: int = 200) -> Response:
        words = WORDS[lang]
        cookie, token = front.csrf.issue(request)
        response = front.page("request.html", status, lang=lang, other="es" if lang == "en" else "en", w=words,
                              page_title=words["title"], form=form_of(front.profile), values=values, errors=errors,
                              labels={name: words[name] for name in LABELS}, csrf=token, call_types=CALL_TYPES)
        response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https")
        return response

    def refused(why: str, status: int, message: str) -> Response:
        front.count(why)
        return front.page("message.html", status, lang="en", page_title="Not accepted", message=message)

    async def show_form(request: Request) -> Response:
        return form_page(request, language_of(request.query_params.get("lang")), {}, {})

    async def send_form(request: Request) -> Response:
        lang = language_of(request.query_params.get("lang"))
        if not front.rate.allow(_address(request)):
            return refused("rate", 429, "Too many requests from your address; please try again in a minute.")
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            return refused("type", 415, "The form must be sent as a web form.")
        try:
            values = parse_form(await read_body(request, BODY_LIMIT))
        except TooLarge:
            return refused("size", 413, "The form is too large.")
        except BadForm:
            return refused("form", 400, "The form could not be read.")
        if not front.csrf.valid(request, values.get("csrf", "")):
            return refused("csrf", 403, "The form expired or did not come from this site; please fill it in again.")
        if values.get(HONEYPOT):
            return refused("honeypot", 400, "The form could not be accepted.")
        if set(values) - set(FIELDS):
            return refused("fields", 400, "The form has fields this site does not know.")
        lang = language_of(values.get("lang") or lang)
        checked = check_request(front.profile, values, lang)
        kept = {name: values.get(name, "") for name in FIELDS if name not in ("csrf", HONEYPOT)}
        if checked.errors:
            front.count("invalid")
            return form_page(request, lang, kept, checked.errors, 400)
        try:
            submitted = await front.submit(checked)
        except InvalidInput as exc:  # what only the store can judge (a phone that is not dialable)
            front.count("invalid")
            field = exc.field if exc.field in FIELDS else "claim"
            sentence = WORDS[lang]["err_phone"] if field == "phone" else exc.message
            return form_page(request, lang, kept, {field: sentence}, 400)
        except CalldeskError as exc:
            front.count("refused")
            return front.page("message.html", 400, lang=lang, page_title=WORDS[lang]["title"], message=exc.message)
        link = f"{request.base_url}status/{submitted.case_number}/{status_token(front.secret, submitted.case_number)}"
        return front.page("received.html", 200, lang=lang, w=WORDS[lang], page_title=WORDS[lang]["thanks"],
                          number=submitted.case_number, link=f"{link}?lang={lang}", abuse=submitted.abuse_suspected)

    async def show_status(request: Request) -> Response:
        number, token = request.path_params["number"], request.path_params["token"]
        lang = language_of(request.query_params.get("lang"))
        if len(number) > 20 or not status_token_ok(front.secret, number, token):
            front.count("status")
            return HTMLResponse("<!doctype html><title>Not found</title><h1>Not found</h1>", status_code=404)
        try:
            found = await front.status(number)
        except NotFound:
            return HTMLResponse("<!doctype html><title>Not found</title><h1>Not found</h1>", status_code=404)
        return front.page("status.html", lang=lang, w=WORDS[lang], page_title=WORDS[lang]["status"], found=found)

    async def home(request: Request) -> Response:
        return RedirectResponse("/request", status_code=303)

    return [Route("/", home), Route("/request", show_form, methods=["GET"]),
            Route("/request", send_form, methods=["POST"]),
            Route("/status/{number}/{token}", show_status, methods=["GET"])]

