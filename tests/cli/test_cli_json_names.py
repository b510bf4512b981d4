"""Every listing command's --json names a case one way: `case_number`, its number as the README, CasePublic and
Open311's service_request_id give it (a hold said "case", a callback and a message only "case_id", the row id)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.integration.helpers import call

LISTINGS = (["case", "list"], ["case", "list", "--all"], ["case", "find", "Maria"], ["case", "mine"],
            ["queue", "list"], ["queue", "trends"], ["overdue"], ["callback", "list"], ["hold", "list"],
            ["caller", "find", "Maria"], ["mail", "outbox"], ["phone", "log"])


def _items(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _items(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _items(inner)


def test_every_listing_names_its_cases_by_case_number(db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], call_type="concern", email="maria@example.org").case.case_number
    code, out, err = run(db_url, "callback", "add", "--name", "Maria Gomez", "--phone", "2135550142", "--case",
                         number, "--json")
    assert code == 0, err
    assert json.loads(out)["case_number"] == number
    code, out, err = run(db_url, "hold", "place", number, "--reason", "Claim 12", "--json")
    assert code == 0 and json.loads(out) == {"case_number": number, "held": True}, err
    named: dict[str, set[str]] = {}
    for command in LISTINGS:
        code, out, err = run(db_url, *command, "--json")
        assert code == 0, (command, err)
        for item in _items(json.loads(out)):
            assert not isinstance(item.get("case"), str), (command, item)  # a case's number is case_number
            if item.get("case_id") is not None:  # a row of a case: its number beside the store's id
                assert item.get("case_number"), (command, item)
            if item.get("case_number"):
                named.setdefault(" ".join(command), set()).add(item["case_number"])
    for listing in ("case list", "case find Maria", "queue list", "callback list", "hold list", "caller find Maria"):
        assert number in named.get(listing, set()), listing
