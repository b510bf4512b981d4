"""`calldesk phone token / listen / log` and `calldesk pop` (the CLI runs as the store's first admin here, who may
take calls and read the caller log)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request

import pytest
from sqlmodel import select

from calldesk.models import StoreSecret
from calldesk.store.db.store import open_store
from tests.cli.test_cli import run
from tests.conftest import ADMIN
from tests.integration.helpers import call


def _token(db_url: str) -> str:
    store = open_store(db_url, configured_user=ADMIN)
    try:
        with store.uow(readonly=True) as uow:
            return uow.session.exec(select(StoreSecret.value).where(StoreSecret.name == "cti")).one()
    finally:
        store.close()


def test_token_log_and_pop(db_url: str) -> None:
    token = _token(db_url)
    code, out, _ = run(db_url, "phone", "token")
    assert code == 0 and out.splitlines()[0] == token and f"/api/v1/cti/{token}" in out
    store = open_store(db_url, configured_user=ADMIN)
    admin = store.actor()
    earlier = call(store, admin, phone="(310) 555-1234", category="Transportation").case.case_number
    from calldesk.profiles import load_profile
    from calldesk.rules.phone import parse_event
    from calldesk.store.services.phone import record_event

    for fields in ({"event": "newCall", "from": "+13105551234", "callId": "k1", "user": ADMIN, "queue": "english"},
                   {"event": "hangup", "from": "+13105551234", "callId": "k1", "cause": "cancel"}):
        with store.uow() as uow:
            record_event(uow, actor=admin, profile=load_profile(store.protocol), event=parse_event(fields))
    store.close()
    code, out, _ = run(db_url, "phone", "log", "--json")
    [line] = json.loads(out)
    assert code == 0 and (line["call_id"], line["cause"], line["missed"], line["agent"]) == (
        "k1", "cancel", True, ADMIN)
    assert line["callback_id"] == 1
    code, out, _ = run(db_url, "phone", "log")
    assert code == 0 and out.startswith("Calls of the last 7 days")  # (a table: 80 columns cut its cells)
    code, out, _ = run(db_url, "pop", "--number", "310.555.1234", "--call-id", "k2")
    assert code == 0 and out.splitlines()[0] == "Ringing: 310.555.1234 (call k2); 1 earlier call from this number"
    assert out.splitlines()[1] == "Maybe the same caller: earlier cases from this number"
    assert out.splitlines()[2].startswith(f"{earlier} ") and "open inquiry Transportation" in out
    code, out, _ = run(db_url, "pop", "--number", "+13105551234", "--json")
    found = json.loads(out)
    assert code == 0 and found["digits"] == "13105551234" and [c["case_number"] for c in found["earlier"]] == [
        earlier]
    code, _, err = run(db_url, "pop", "--number", "no digits")
    assert code == 1 and err.startswith("error:") and "has no digits" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_phone_listen_serves_the_endpoint_until_stopped(db_url: str) -> None:
    token = _token(db_url)
    listener = subprocess.Popen(
        [sys.executable, "-c", "from calldesk.cli import main; main()", "--db", db_url, "phone", "listen",
         "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COLUMNS": "200"})
    try:
        assert listener.stdout is not None
        first = listener.stdout.readline()
        port = re.search(r"127\.0\.0\.1:(\d+)/api/v1/cti/<token>", first)
        assert port, first + (listener.stderr.read() if listener.poll() is not None and listener.stderr else "")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port.group(1)}/api/v1/cti/{token}", method="POST",
            data=json.dumps({"event": "newCall", "from": "+13105551234", "callId": "l1", "user": ADMIN}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200 and json.loads(answer.read()) == {}
    finally:
        listener.terminate()
        listener.wait(timeout=30)
    code, out, _ = run(db_url, "phone", "log", "--json")
    assert [line["call_id"] for line in json.loads(out)] == ["l1"]
