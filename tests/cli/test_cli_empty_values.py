"""An option given with an empty value (a script's unset variable: --since "$START") is refused in one line, as
any other value that is not a date: it stood for the option left out, so `export cases --since ""` exported every
case ever taken, `report status --month ""` answered for last month, `user absent NAME --since ""` marked the
user away from today, and `callback add --case ""` took a callback about no case. Both backends; the store unchanged."""

from __future__ import annotations

import json

from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.integration.helpers import call


def test_an_empty_date_month_or_time_is_refused_not_taken_for_none(db_url: str, store: Store,
                                                                   staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], call_type="complaint", claim="The bus never came.").case.case_number
    _, before, _ = run(db_url, "db", "check", "--json")
    me = json.loads(run(db_url, "user", "list", "--json")[1])
    for args, said in ((["export", "cases", "--since", ""], "'' is not a date for --since"),
                       (["export", "cases", "--until", "", "--format", "csv"], "'' is not a date for --until"),
                       (["report", "status", "--month", ""], "'' is not a month"),
                       (["report", "status", "--quarter", "", "--received", "2026-11-09"], "'' is not a quarter"),
                       (["report", "step", "log_compiled", "--month", ""], "'' is not a month"),
                       (["user", "absent", staff["admin"].username, "--since", ""], "'' is not a date for --since"),
                       (["callback", "add", "--name", "Rosa", "--received", ""], "'' is not a date and time"),
                       (["case", "appeal", number, "--reason", "Unhappy", "--received", ""],
                        "'' is not a date and time"),
                       (["case", "step", number, "request_satisfied", "--on", ""], "'' is not a date and time"),
                       (["student", "revoke", number, "1", "--on", ""], "'' is not a date for --on"),
                       (["callback", "add", "--name", "Rosa", "--case", ""], "--case is empty: give the case's number"),
                       (["callback", "add", "--name", "Rosa", "--for", " "], "--for is empty: give whose callback")):
        code, out, err = run(db_url, *args)
        assert code == 1 and out == "" and err.startswith(f"error: {said}"), (args, out[:200], err)
        assert len(err.strip().splitlines()) == 1
    assert run(db_url, "db", "check", "--json")[1] == before
    assert json.loads(run(db_url, "user", "list", "--json")[1]) == me
