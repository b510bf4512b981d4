"""The public pages: the Service Request form (English and Spanish) and a request's private status link."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from calldesk.errors import CalldeskError, InvalidInput, NotFound
from calldesk.rules.web_form import BODY_LIMIT, CALL_TYPES, FIELDS, HONEYPOT, WORDS, check_request, form_client_id
from calldesk.web.app import LANG_COOKIE, WebFront, language_asked
from calldesk.web.guards import BadForm, NotForm, TooLarge, client_address, read_form
from calldesk.web.keys import status_token, status_token_ok

LABELS = ("caller_name", "phone", "email", "preferred_contact", "school", "tried_school", "tried_school_with",
          "category", "call_type", "claim", "evidence")  # the form's fields, in the order it shows them


def routes(front: WebFront) -> list[Route]:
    def form_page(request: Request, lang: str, values: dict[str, str], errors: dict[str, str],
                  status: int = 200, notice: str = "") -> Response:
        words = WORDS[lang]
        cookie, token = front.csrf.issue(request)
        # The summary lists the errors as the form shows their fields, top to bottom.
        errors = dict(sorted(errors.items(), key=lambda error: LABELS.index(error[0]) if error[0] in LABELS else 99))
        response = front.page("request.html", status, lang=lang, other="es" if lang == "en" else "en", w=words,
                              page_title=words["title"], form=front.form, values=values, errors=errors,
                              labels={name: words[name] for name in LABELS}, csrf=token, call_types=CALL_TYPES,
                              notice=notice)
        secure = request.url.scheme == "https"
        front.csrf.give(response, cookie, secure=secure)
        # The language chosen, for the pages after the form (its refusals too) when a link drops `?lang=`.
        response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="lax", path="/", secure=secure)
        return response

    async def show_form(request: Request) -> Response:
        return form_page(request, language_asked(request), {}, {})

    async def send_form(request: Request) -> Response:
        lang = language_asked(request)
        if not front.rate.allow(client_address(request)):
            return front.refusal(lang, 429, "refused", "too_many", why="rate")
        try:
            values = await read_form(request, BODY_LIMIT)
        except NotForm:
            return front.refusal(lang, 415, "refused", "not_form", why="type")
        except TooLarge:
            return front.refusal(lang, 413, "refused", "too_large", why="size")
        except BadForm:
            return front.refusal(lang, 400, "refused", "unreadable", why="form")
        lang = language_asked(request, values.get("lang"))
        csrf = front.csrf.check(request, values.get("csrf", ""))
        if csrf == "bad":
            return front.refusal(lang, 403, "refused", "expired", why="csrf")
        if values.get(HONEYPOT):
            return front.refusal(lang, 400, "refused", "not_accepted", why="honeypot")
        if set(values) - set(FIELDS):
            return front.refusal(lang, 400, "refused", "unknown_fields", why="fields")
        kept = {name: values.get(name, "") for name in FIELDS if name not in ("csrf", HONEYPOT)}
        if csrf == "expired":  # this visitor's form, open too long: what they typed, to send again
            front.count("csrf")
            return form_page(request, lang, kept, {}, 403, notice=WORDS[lang]["expired_kept"])
        checked = check_request(front.profile, values, lang, form=front.form)
        if checked.errors:
            front.count("invalid")
            return form_page(request, lang, kept, checked.errors, 400)
        try:
            submitted = await front.submit(checked, form_client_id(values["csrf"], kept))
        except InvalidInput as exc:  # what only the store can judge (a phone that is not dialable)
            front.count("invalid")
            field = exc.field if exc.field in FIELDS else "claim"
            # The store's sentences are English: a Spanish visitor gets the word table's.
            sentence = WORDS[lang]["err_phone"] if field == "phone" else \
                exc.message if lang == "en" else WORDS[lang]["err_invalid"]
            return form_page(request, lang, kept, {field: sentence}, 400)
        except CalldeskError:
            return front.refusal(lang, 400, "refused", "not_accepted", why="refused")
        # From the configured public address, never the request's Host header (a forged one would name its site).
        token = status_token(front.secret, submitted.case_number)
        link = front.public.link(f"/status/{submitted.case_number}/{token}")
        return front.page("received.html", 200, lang=lang, w=WORDS[lang], page_title=WORDS[lang]["thanks"],
                          number=submitted.case_number, link=f"{link}?lang={lang}", abuse=submitted.abuse_suspected)

    async def show_status(request: Request) -> Response:
        number, token = request.path_params["number"], request.path_params["token"]
        lang = language_asked(request)
        if len(number) > 20 or not status_token_ok(front.secret, number, token):
            return front.refusal(lang, 404, "not_found_title", "not_found", why="status")
        try:
            found = await front.status(number)
        except NotFound:
            return front.refusal(lang, 404, "not_found_title", "not_found")
        return front.page("status.html", lang=lang, w=WORDS[lang], page_title=WORDS[lang]["status"], found=found,
                          form=front.form)

    async def home(request: Request) -> Response:
        return RedirectResponse("/request", status_code=303)

    return [Route("/", home), Route("/request", show_form, methods=["GET"]),
            Route("/request", send_form, methods=["POST"]),
            Route("/status/{number}/{token}", show_status, methods=["GET"])]

