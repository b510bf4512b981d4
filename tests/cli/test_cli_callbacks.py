"""`calldesk callback add/list/attempt/done/assign` and `calldesk user absent`, on both backends."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.cli.test_cli import _other_admin_and_os_user_as, run
from tests.conftest import ADMIN


def _one_line_refusal(code: int, err: str, message: str) -> None:
    assert code == 1 and err.startswith("error:") and message in err, err
    assert len(err.strip().splitlines()) == 1


# The CLI signs in as the OS account; only on SQLite can the test make that account a supervisor (as in test_cli).
# The services behind these commands run on both backends in tests/integration/test_callbacks.py.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_callback_command_and_absence_cover(db_url: str) -> None:
    run(db_url, "user", "add", "ana", "--role", "agent", "--supervisor", ADMIN)
    run(db_url, "user", "add", "bob", "--role", "agent")
    _other_admin_and_os_user_as(db_url, "supervisor")

    code, out, _ = run(db_url, "callback", "add", "--name", "Principal Lee", "--phone", "(213) 555-0111",
                       "--summary", "Bus route", "--urgent")
    assert code == 0 and "Added callback 1 for Principal Lee" in out and "due now" in out
    code, out, _ = run(db_url, "callback", "add", "--name", "Rosa", "--summary", "Enrollment", "--for", "ana",
                       "--json")
    ana_cb = json.loads(out)
    assert code == 0 and ana_cb["assigned_to"] == "ana" and not ana_cb["urgent"]
    assert ana_cb["due_at"] > ana_cb["received_at"]  # within one business day, not at once

    code, out, _ = run(db_url, "callback", "list", "--json")
    assert [c["id"] for c in json.loads(out)] == [1]  # ana is present: not mine to cover
    code, out, _ = run(db_url, "user", "absent", "ana", "--since", (date.today() - timedelta(days=7)).isoformat())
    assert code == 0 and "ana is away since" in out
    code, out, _ = run(db_url, "callback", "list", "--json")
    listed = {c["id"]: c for c in json.loads(out)}
    assert set(listed) == {1, 2} and listed[2]["covering_for"] == "ana" and listed[1]["covering_for"] is None
    code, out, _ = run(db_url, "callback", "list")
    assert code == 0 and "covering" in out and ("due now" in out or "overdue" in out)
    code, out, _ = run(db_url, "callback", "list", "--user", "ana", "--json")
    assert [c["id"] for c in json.loads(out)] == [2]

    code, out, _ = run(db_url, "callback", "assign", "2", "bob")
    assert code == 0 and "now bob's" in out
    code, out, _ = run(db_url, "callback", "list", "--json")
    assert [c["id"] for c in json.loads(out)] == [1]
    _one_line_refusal(*run(db_url, "callback", "assign", "2", "bob")[::2], "already bob's")
    _one_line_refusal(*run(db_url, "callback", "assign", "2", "ghost")[::2], "not a calldesk user")

    code, out, _ = run(db_url, "callback", "attempt", "1", "voicemail")
    assert code == 0 and "stays open" in out
    code, out, _ = run(db_url, "callback", "attempt", "1", "no-answer", "--json")
    assert code == 0 and json.loads(out)["done_at"] is None
    _one_line_refusal(*run(db_url, "callback", "attempt", "1", "maybe")[::2], "not an attempt result")
    code, out, _ = run(db_url, "callback", "attempt", "1", "reached")
    assert code == 0 and "returned" in out
    _one_line_refusal(*run(db_url, "callback", "done", "1")[::2], "already returned")
    code, out, _ = run(db_url, "callback", "done", "2")
    assert code == 0 and "Callback 2 is returned" in out
    _one_line_refusal(*run(db_url, "callback", "done", "99")[::2], "No callback 99")
    code, out, _ = run(db_url, "callback", "list", "--json")
    assert json.loads(out) == []

    code, out, _ = run(db_url, "user", "absent", "ana", "--back", "--json")
    assert code == 0 and json.loads(out)["absent_since"] is None
    _one_line_refusal(*run(db_url, "user", "absent", "ana", "--since", "someday")[::2], "not a date")
    _one_line_refusal(*run(db_url, "callback", "add", "--summary", "no one")[::2], "Enter who called")
