"""A real web front for a test: uvicorn serving the app on a free port of 127.0.0.1, in a thread."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from calldesk.listening import bound_socket
from calldesk.profiles import load_profile
from calldesk.rules.public_address import public_address
from calldesk.store.db.store import Store
from calldesk.web.app import WebFront, create_app
from calldesk.web.guards import CSRF_COOKIE


@dataclass
class Served:
    front: WebFront
    url: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)


@contextmanager
def serving(store: Store, home: Path, *, protocol: str = "area_offices", rate: int = 10_000,
            public_url: str = "") -> Iterator[Served]:
    """The web front over `store` listening on a free port until the block ends (its public address `public_url`,
    as `calldesk serve --public-url` gives it; by default the address it listens on)."""
    sock = bound_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    front = WebFront(store=store, profile=load_profile(protocol), home=home, rate_per_minute=rate,
                     public=public_address(public_url, listen_host="127.0.0.1", listen_port=port))
    server = uvicorn.Server(uvicorn.Config(create_app(front), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield Served(front, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()
        front.close()


def csrf_of(client: httpx.Client, lang: str = "en") -> str:
    """Open the form (its cookie lands in the client) and return its CSRF token."""
    page = client.get(f"/request?lang={lang}")
    assert page.status_code == 200 and client.cookies.get(CSRF_COOKIE)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def submit(client: httpx.Client, lang: str = "en", **values: str) -> httpx.Response:
    """The form filled in with `values` and sent, as a browser would (its CSRF token from the page)."""
    token = csrf_of(client, lang)
    return client.post(f"/request?lang={lang}", data={"csrf": token, "lang": lang, **values})


def request_number(page: httpx.Response) -> str:
    found = re.search(r'id="request-number">([^<]+)<', page.text)
    assert found, page.text
    return found.group(1)


def status_link(page: httpx.Response) -> str:
    found = re.search(r'id="status-link" href="([^"]+)"', page.text)
    assert found
    return found.group(1)


def token_signed_ago(secret: bytes, client: httpx.Client, seconds: int) -> str:
    """The CSRF token this site gave `client`'s cookie `seconds` ago (a form left open that long)."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds

    return str(URLSafeTimedSerializer(secret, salt="calldesk-csrf", signer=Earlier).dumps(
        client.cookies[CSRF_COOKIE]))
