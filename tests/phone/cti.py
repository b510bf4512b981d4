"""The CTI endpoint served for real (uvicorn on a free port, in a thread) and posted to over HTTP."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calldesk.listening import bound_socket
from calldesk.models import utcnow
from calldesk.phone.cti import Listener, server
from calldesk.profiles import load_profile
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.phone import cti_token


@dataclass
class Endpoint:
    base: str
    token: str

    def post(self, fields: dict[str, Any], *, form: bool = False, token: str | None = None) -> tuple[int, Any]:
        """POST one event (JSON, or form data with repeated keys for lists); the status and the JSON answer."""
        if form:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = json.dumps(fields).encode(), "application/json"
        request = urllib.request.Request(f"{self.base}/api/v1/cti/{token or self.token}", data=body,
                                         headers={"Content-Type": kind}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())


@contextmanager
def listening(store: Store, actor: Actor, *, clock: Callable[[], datetime] = utcnow,
              heard: Callable[..., None] | None = None) -> Iterator[Endpoint]:
    """`calldesk phone listen`'s server on a free port of 127.0.0.1, for the block."""
    with store.uow(readonly=True) as uow:
        token = cti_token(uow.session)
    listener = Listener(store=store, actor=actor, profile=load_profile(store.protocol), token=token, clock=clock,
                        heard=heard)
    sock = bound_socket("127.0.0.1", 0)
    running = server(listener)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the listener did not start"
        time.sleep(0.02)
    try:
        yield Endpoint(f"http://127.0.0.1:{sock.getsockname()[1]}", token)
    finally:
        running.should_exit = True
        thread.join(timeout=20)
        sock.close()
