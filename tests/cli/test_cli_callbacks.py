"""`calldesk callback add/list/attempt/done/assign` and `calldesk user absent`, on both backends."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import _other_admin_and_os_user_as, run
from tests.conftest import ADMIN

LA = ZoneInfo("America/Los_Angeles")


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


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_received_time_urgency_absence_and_the_on_time_share_from_the_command_line(db_url: str) -> None:
    run(db_url, "user", "add", "ana", "--role", "agent", "--supervisor", ADMIN)
    _other_admin_and_os_user_as(db_url, "supervisor")
    # A voicemail received Fri 4 Dec 2026 16:30 (Los Angeles, the LAUSD profile), typed in later: due within one
    # business day of receipt, the end of Mon 7 Dec.
    code, out, _ = run(db_url, "callback", "add", "--name", "Rosa", "--received", "2026-12-04 16:30", "--json")
    taken = json.loads(out)
    assert code == 0 and datetime.fromisoformat(taken["received_at"]) == datetime(2026, 12, 4, 16, 30, tzinfo=LA)
    assert datetime.fromisoformat(taken["due_at"]) == datetime(2026, 12, 7, 23, 59, 59, tzinfo=LA)
    _one_line_refusal(*run(db_url, "callback", "add", "--name", "Rosa", "--received", "2099-01-01 09:00")[::2],
                      "received in the future")
    _one_line_refusal(*run(db_url, "callback", "add", "--name", "Rosa", "--received", "friday")[::2],
                      "not a date and time")
    # The supervisor re-assesses it as urgent: due at once, from when it was received.
    code, out, _ = run(db_url, "callback", "assess", str(taken["id"]), "--urgent", "--json")
    assessed = json.loads(out)
    assert code == 0 and assessed["urgent"]
    assert datetime.fromisoformat(assessed["due_at"]) == datetime.fromisoformat(assessed["received_at"])
    _one_line_refusal(*run(db_url, "callback", "assess", str(taken["id"]), "--urgent")[::2], "already urgent")
    # Never to someone absent.
    run(db_url, "user", "absent", "ana", "--since", (date.today() - timedelta(days=1)).isoformat())
    _one_line_refusal(*run(db_url, "callback", "assign", str(taken["id"]), "ana")[::2], "ana is away since")
    # Returned now, long after it was due: late. The share of December's callbacks returned on time: 0 of 1.
    run(db_url, "callback", "done", str(taken["id"]))
    code, out, _ = run(db_url, "callback", "on-time", "--month", "2026-12", "--json")
    assert code == 0 and json.loads(out) == {"received": 1, "returned": 1, "on_time": 0, "late": 1,
                                            "still_open": 0, "share": "0% returned on time (0 of 1)"}
    code, out, _ = run(db_url, "callback", "on-time", "--month", "2026-12")
    assert code == 0 and "0% returned on time (0 of 1); 1 returned late; 0 still open" in out


def test_phones_print_as_the_caller_would_write_them(db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    """Issue 23 item 15: stored as +12135550142, printed "(213) 555-0142" by `caller find`."""
    from tests.integration.helpers import call

    call(store, staff["agent"], caller_name="Rosa Diaz", phone="213.555.0142")
    code, out, _ = run(db_url, "caller", "find", "2135550142")
    assert code == 0 and "(213) 555-0142" in out and "+12135550142" not in out, out


def test_the_callbacks_of_no_such_user_are_refused_not_an_empty_list(db_url: str, store: Store,
                                                                      staff: dict[str, Actor]) -> None:
    # Before, a misspelt --user printed an empty table and exit 0, as if every callback were returned.
    for args in ([], ["--json"]):
        code, out, err = run(db_url, "callback", "list", "--user", "nosuchuser", *args)
        _one_line_refusal(code, err, "No user named 'nosuchuser'.")
        assert out == ""
    code, out, err = run(db_url, "callback", "list", "--user", "ana", "--json")
    assert code == 0 and json.loads(out) == [], err


def test_an_admin_is_told_what_she_asked_for_when_marking_someone_away_or_handing_a_callback_on(db_url: str) -> None:
    # Both said "Only supervisors may reassign cases": neither is a case, and the admin had not asked to reassign one.
    run(db_url, "user", "add", "ana", "--role", "agent")
    run(db_url, "user", "add", "bob", "--role", "agent")
    code, out, err = run(db_url, "callback", "add", "--name", "Rosa", "--for", "ana", "--json")
    assert code == 0, err
    code, _, err = run(db_url, "callback", "assign", str(json.loads(out)["id"]), "bob")
    _one_line_refusal(code, err, "Only supervisors may hand a callback on; you are signed in as an admin.")
    # Recording a colleague's absence is a supervisor's or an admin's (README's admin commands; the database's
    # guard on the users table says the same): an agent is told so in words.
    code, _, err = run(db_url, "user", "absent", "ana")
    assert code == 0, err
    code, out, _ = run(db_url, "user", "list", "--json")
    assert [u["absent_since"] is not None for u in json.loads(out) if u["username"] == "ana"] == [True]


def test_an_admin_names_or_changes_a_users_supervisor_after_adding_them(db_url: str) -> None:
    # A supervisor could only be named by `user add --supervisor`: staff added without one, or whose supervisor
    # left, had nobody to cover their callbacks while away, and no command could give them one.
    run(db_url, "user", "add", "ana", "--role", "agent")
    run(db_url, "user", "add", "sue", "--role", "supervisor")
    code, out, err = run(db_url, "user", "supervisor", "ana", "sue")
    assert code == 0 and out == "ana's supervisor: sue.\n", err

    def supervisor_of_ana() -> str | None:
        users = json.loads(run(db_url, "user", "list", "--json")[1])
        return next(u["supervisor"] for u in users if u["username"] == "ana")

    assert supervisor_of_ana() == "sue"
    for who, said in (("ana", "ana cannot be their own supervisor."), ("sue.smith", "No user named 'sue.smith'.")):
        code, _, err = run(db_url, "user", "supervisor", "ana", who)
        _one_line_refusal(code, err, said)
    assert supervisor_of_ana() == "sue"
    code, out, err = run(db_url, "user", "supervisor", "ana", "-", "--json")
    assert code == 0 and json.loads(out)["supervisor"] is None and supervisor_of_ana() is None, err
