"""What guards every request of the web front: security headers, the host names it answers to, a size limit on
bodies, a per-address rate limit on submissions, CSRF tokens on forms, and errors shown without a trace."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import parse_qs

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                 b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),  # a status link must never leak in a Referer
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"strict-transport-security", b"max-age=31536000"),  # ignored over plain HTTP; the TLS proxy serves it
    (b"cache-control", b"no-store"),
]
CSRF_COOKIE = "calldesk_csrf"
CSRF_MAX_AGE = 2 * 3600


class TooLarge(Exception):
    """A request body over the limit."""


class BadForm(Exception):
    """A body that is not a urlencoded form in UTF-8."""


class NotForm(Exception):
    """A body whose Content-Type is not a urlencoded form's."""


FORM_TYPE = "application/x-www-form-urlencoded"


class SecurityHeaders:
    """Adds the security headers to every response (pure ASGI: streaming and errors included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, with_headers)


class TrustedHost:
    """Answers a request whose Host header names a host `answers` does not take with `refusal`'s response: the
    web front serves its public address only (a forged Host is refused, never echoed in a link)."""

    def __init__(self, app: ASGIApp, answers: Callable[[str | None], bool],
                 refusal: Callable[[Request], Response]) -> None:
        self.app, self.answers, self.refusal = app, answers, refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.answers(Headers(scope=scope).get("host")):
            await self.refusal(Request(scope))(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (TooLarge) as soon as it passes `limit` bytes, whatever Content-Length said."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise TooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge()
    return bytes(body)


def parse_form(body: bytes) -> dict[str, str]:
    """A urlencoded body as field -> value (the first of each), each line break a newline (a browser sends a
    textarea's as CR LF: kept, the desk would show a stray CR on every line, and a full box would count more
    characters than its maxlength let the person type); BadForm if it is not UTF-8 or repeats fields oddly."""
    try:
        text = body.decode("utf-8")
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=60,
                          errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise BadForm() from None
    return {key: values[0].replace("\r\n", "\n").replace("\r", "\n") for key, values in parsed.items()}


async def read_form(request: Request, limit: int) -> dict[str, str]:
    """A submitted form's fields (parse_form): NotForm if its Content-Type (a media type: any case) is not a
    urlencoded form's, TooLarge past `limit` bytes, BadForm if it is not one in UTF-8."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
        raise NotForm()
    return parse_form(await read_body(request, limit))


def client_address(request: Request) -> str:
    """The address a request came from (the proxy's, behind one that does not pass it on)."""
    return request.client.host if request.client else "unknown"


class RateLimit:
    """At most `per_minute` submissions (forms, sign-ins) per client address in any 60 seconds (one process's
    memory)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 100_000:  # a flood of addresses: forget the idle ones
                self._seen = {a: q for a, q in self._seen.items() if q and q[-1] > now - 60}
            seen = self._seen.setdefault(address, deque())
            while seen and seen[0] <= now - 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return False
            seen.append(now)
            return True


class Csrf:
    """Double-submit CSRF tokens: a random value in a cookie, and that value signed (expiring) in the form."""

    def __init__(self, secret: bytes) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="calldesk-csrf")

    def issue(self, request: Request) -> tuple[str, str]:
        """(cookie value, form token) for a page with a form: the visitor's cookie is kept when it has one."""
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        if not (16 <= len(cookie) <= 64 and cookie.isalnum()):
            cookie = secrets.token_hex(16)
        return cookie, str(self._signer.dumps(cookie))

    @staticmethod
    def give(response: Response, cookie: str, *, secure: bool) -> None:
        """Set the visitor's CSRF cookie. SameSite=Lax, not Strict: a page of the form opened from another site
        (the district's link) must carry the cookie the visitor has, or it is given a new one and every form they
        already have open is refused; a cross-site POST still carries none."""
        response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="lax", path="/", secure=secure)

    def valid(self, request: Request, token: str) -> bool:
        return self.check(request, token) == "ok"

    def check(self, request: Request, token: str) -> str:
        """"ok"; "expired": this site's form for this visitor, open longer than CSRF_MAX_AGE (what it holds may be
        shown to them again, to send anew); "bad": not this site's form for this visitor."""
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        if not cookie or not token:
            return "bad"
        try:
            return "ok" if self._signer.loads(token, max_age=CSRF_MAX_AGE) == cookie else "bad"
        except SignatureExpired as expired:  # signed by this site: its value is the visitor's or not
            return "expired" if expired.payload is not None and self._signer.load_payload(expired.payload) == cookie \
                else "bad"
        except BadSignature:
            return "bad"
