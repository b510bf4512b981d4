"""`calldesk serve` itself (a process, as an agency runs it) on both backends, and web requests reaching the desk's
live queue (the queue's change signal fires: SQLite's counter, PostgreSQL's NOTIFY)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from calldesk.models import AuditEvent, WebKey, utcnow
from calldesk.store.db.changes import ChangeWatch
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.web.server import request_number, serving, submit
from tests.web.test_web_form import ANN

CALLDESK = [sys.executable, "-c", "from calldesk.launch import main; main()"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "CALLDESK_WEB_DIR": str(tmp_path / "web")}


def test_calldesk_serve_serves_the_form_until_stopped(db_url: str, store: Store, tmp_path: Path) -> None:
    command = [*CALLDESK, "--db", db_url, "--protocol", "area_offices", "serve", "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "Serving Area Offices Resolution" in line, server.stderr.read() if server.poll() else line
        url = line.split(" on ")[1].split()[0]
        with httpx.Client(base_url=url, timeout=30) as client:
            page = client.get("/request")
            code = client.get("/open311/v2/services/transportation.json")
        assert page.status_code == 200 and "Service Request" in page.text and code.status_code == 200
        assert "server" not in page.headers  # uvicorn does not name itself
    finally:
        server.terminate()
        server.wait(20)


def test_serve_refuses_a_port_in_use_in_one_line(db_url: str, store: Store, tmp_path: Path) -> None:
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        done = subprocess.run([*CALLDESK, "--db", db_url, "serve", "--port", str(taken.getsockname()[1])],
                              capture_output=True, text=True, env=_env(tmp_path), timeout=60)
    finally:
        taken.close()
    assert done.returncode == 1 and "Cannot listen on 127.0.0.1" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_key_add_prints_a_key_once_and_refuses_a_second(db_url: str, store: Store, tmp_path: Path) -> None:
    first = subprocess.run([*CALLDESK, "--db", db_url, "serve", "key", "add", "city311"], capture_output=True,
                           text=True, env=_env(tmp_path), timeout=60)
    again = subprocess.run([*CALLDESK, "--db", db_url, "serve", "key", "add", "city311"], capture_output=True,
                           text=True, env=_env(tmp_path), timeout=60)
    assert first.returncode == 0 and len(first.stdout.strip()) >= 40
    assert not (tmp_path / "web" / "open311_clients.json").exists()  # in the store: its digest only
    assert again.returncode == 1 and "is in force" in again.stderr
    with store.uow(readonly=True) as uow:
        kept = uow.session.exec(select(WebKey)).one()
    assert kept.name == "city311" and kept.digest == hashlib.sha256(first.stdout.strip().encode()).hexdigest()


@pytest.mark.timeout(120)
def test_a_web_request_fires_the_queue_change_signal(store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    with serving(store, tmp_path / "web") as served, served.client() as client, ChangeWatch(store.engine) as watch:
        watch.wait(0.1)  # whatever happened before
        started = time.monotonic()
        number = request_number(submit(client, **ANN))
        assert watch.wait(10.0), "the queue was not told"
        assert time.monotonic() - started < 10
    from calldesk.profiles import load_profile
    from calldesk.store.read.my_work import my_work
    from calldesk.store.read.queue import QueueFilter, queue_page

    with store.uow(readonly=True) as uow:
        page = queue_page(uow.session, actor=staff["supervisor"], now=utcnow(), filters=QueueFilter(status="open"))
        work = my_work(uow.session, profile=load_profile("area_offices"), viewer=staff["program_specialist"],
                       now=utcnow())
    assert number in [row.case_number for row in page.rows]
    # pat, the program specialist it was routed to, has it in My work: the case and its call back.
    assert {item.kind for item in work if item.case_number == number} >= {"case", "callback"}


def test_serve_in_two_processes_takes_requests(db_url: str, store: Store, staff: dict[str, Actor],
                                               tmp_path: Path) -> None:
    command = [*CALLDESK, "--db", db_url, "--protocol", "area_offices", "serve", "--port", "0", "--workers", "2"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "in 2 processes" in line, server.stderr.read() if server.poll() else line
        with httpx.Client(base_url=line.split(" on ")[1].split()[0], timeout=60) as client:
            numbers = {request_number(submit(client, **{**ANN, "claim": f"try {n}"})) for n in range(4)}
    finally:
        server.terminate()
        server.wait(30)
    assert server.returncode is not None and len(numbers) == 4
    from sqlmodel import func, select

    from calldesk.models import Case

    with store.uow(readonly=True) as uow:
        assert uow.session.exec(select(func.count()).select_from(Case)).one() == 4


def _calldesk(db_url: str, tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CALLDESK, "--db", db_url, *args], capture_output=True, text=True, env=_env(tmp_path),
                          timeout=90, input=stdin)


def test_key_list_and_revoke(db_url: str, store: Store, tmp_path: Path) -> None:
    key = _calldesk(db_url, tmp_path, "serve", "key", "add", "city311").stdout.strip()
    _calldesk(db_url, tmp_path, "serve", "key", "add", "county 311")
    revoked = _calldesk(db_url, tmp_path, "serve", "key", "revoke", "city311")
    again = _calldesk(db_url, tmp_path, "serve", "key", "revoke", "city311")
    listed = _calldesk(db_url, tmp_path, "serve", "key", "list", "--json")
    table = _calldesk(db_url, tmp_path, "serve", "key", "list")
    reissued = _calldesk(db_url, tmp_path, "serve", "key", "add", "city311")  # a revoked name may have a new key
    assert revoked.returncode == 0 and "Revoked city311's key." in revoked.stdout
    assert again.returncode == 1 and "No client named 'city311' has a key in force." in again.stderr
    assert "Traceback" not in again.stderr
    rows = json.loads(listed.stdout)
    # Newest first: county 311 (in force), then city311 (revoked by the store's admin, the signed-in user).
    assert [(r["name"], r["revoked_by"] is not None) for r in rows] == [("county 311", False), ("city311", True)]
    assert all(set(r) == {"name", "issued_at", "issued_by", "revoked_at", "revoked_by"} for r in rows)
    assert key not in listed.stdout + table.stdout and hashlib.sha256(key.encode()).hexdigest() not in listed.stdout
    assert "county 311" in table.stdout and reissued.returncode == 0


def test_the_old_files_are_imported_once(db_url: str, store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    """An earlier calldesk kept the hashes and digests in $CALLDESK_WEB_DIR: `calldesk serve import` (or the first
    start of `calldesk serve` by an admin) brings them into the store, so the same password and key still work."""
    from calldesk.store.services.web_accounts import HASHER, web_client, web_sign_in
    from tests.conftest import add_user

    add_user(store, staff["admin"], "rex", "respondent", places="Roosevelt High")
    home = tmp_path / "web"
    home.mkdir()
    key = "an-old-clients-key-of-forty-characters-or-so"
    (home / "respondents.json").write_text(json.dumps({"rex": HASHER.hash("the old web password"),
                                                       "sue": HASHER.hash("a supervisor is no respondent")}))
    (home / "open311_clients.json").write_text(json.dumps({"city311": hashlib.sha256(key.encode()).hexdigest()}))
    first = _calldesk(db_url, tmp_path, "serve", "import")
    second = _calldesk(db_url, tmp_path, "serve", "import")
    assert first.returncode == 0, first.stderr
    # rex's account and city311's key; sue's skipped (a supervisor, not a respondent).
    assert "1 respondent account(s), 1 Open311 key(s), 1 skipped" in first.stdout
    assert "Nothing to import" in second.stdout
    assert sorted(p.name for p in home.iterdir()) == ["open311_clients.json.imported", "respondents.json.imported"]
    with store.uow() as uow:
        assert web_sign_in(uow, actor=staff["admin"], username="rex", password="the old web password") == "ok"
    with store.uow(readonly=True) as uow:
        assert web_client(uow.session, viewer=staff["admin"], key=key) == "city311"
        assert uow.session.exec(select(AuditEvent).where(AuditEvent.action == "web.imported")).one().new == (
            "1 accounts, 1 keys, 1 skipped")


def test_serve_imports_the_old_files_on_its_first_start(db_url: str, store: Store, tmp_path: Path) -> None:
    home = tmp_path / "web"
    home.mkdir()
    (home / "open311_clients.json").write_text(json.dumps({"city311": "ab" * 32}))
    command = [*CALLDESK, "--db", db_url, "--protocol", "area_offices", "serve", "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    try:
        assert server.stdout is not None
        said, serving_line = server.stdout.readline(), server.stdout.readline()
    finally:
        server.terminate()
        server.wait(20)
    assert "Imported the web front's files into the store: 0 respondent account(s), 1 Open311 key(s)" in said
    assert "Serving" in serving_line and (home / "open311_clients.json.imported").exists()
