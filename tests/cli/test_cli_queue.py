"""`calldesk queue list/trends/dashboard`: the queue's pages and the supervisors' figures from the command line."""

from __future__ import annotations

import json

from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.integration.helpers import call


def test_queue_list_trends_and_dashboard(db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    numbers = [call(store, staff["supervisor"], caller_name=f"Caller {i}", phone=f"213555031{i}",
                    school="Roosevelt High", category=("Enrollment", "Transportation")[i % 2]).case.case_number
               for i in range(4)]
    code, out, _ = run(db_url, "queue", "list", "--json", "--category", "Transportation", "--sort", "number")
    listed = json.loads(out)
    assert code == 0 and listed["total"] == 2 and [r["case_number"] for r in listed["rows"]] == numbers[1::2]
    assert {r["sla"] for r in listed["rows"]} <= {"breached", "at_risk", "on_track"}
    code, out, _ = run(db_url, "queue", "trends", "--json")
    assert code == 0 and any(t["place"] == "Roosevelt High" and t["cases"] == 4 for t in json.loads(out)["trends"])
    code, out, _ = run(db_url, "queue", "dashboard", "--json")
    figures = json.loads(out)
    assert code == 0 and figures["open_total"] == 4 and sum(n for _, n in figures["weeks"]) == 4
    code, _, err = run(db_url, "queue", "list", "--sort", "claim")
    assert code == 1 and "Sort by one of" in err


def test_every_enumerated_filter_refuses_a_value_outside_its_set(db_url: str, store: Store,
                                                                 staff: dict[str, Actor]) -> None:
    # --tier and --source used to match nothing (an empty queue, exit 0) where --sla was refused.
    call(store, staff["supervisor"], caller_name="Caller", phone="2135550310", category="Enrollment")
    for option, message in [("--tier", "Tier must be one of: inquiry_immediate, inquiry_followup, concern, "
                                       "complaint."),
                            ("--source", "Source must be one of: none, superintendent, board, ceo."),
                            ("--sla", "SLA state must be one of: breached, at_risk, on_track."),
                            ("--status", "Status must be one of: open, closed.")]:
        code, out, err = run(db_url, "queue", "list", option, "bogus", "--json")
        assert code == 1 and out == "" and err.strip() == f"error: {message}", (option, err)
    for option, value in [("--source", "none"), ("--tier", "inquiry_immediate"), ("--tier", "inquiry_followup")]:
        code, out, err = run(db_url, "queue", "list", option, value, "--json")
        assert code == 0 and "total" in json.loads(out), err


def test_a_search_of_100000_characters_finds_nothing_or_is_refused_never_a_store_failure(
        db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    # SQLite takes a LIKE of at most 50,000 bytes and an expression of at most 1,000 levels: `case find` and the
    # queue's claim search said "The store cannot be used: LIKE or GLOB pattern too complex" (exit 1), and
    # `case find` echoed all 100,000 characters back in its "No case matches" line.
    number = call(store, staff["supervisor"], caller_name="Maria Gomez", phone="2135550142",
                  category="Transportation", claim="The bus never came.").case.case_number
    for typed in ("a" * 100_000, "a " * 30_000, "Maria " + "Gomez" * 20_000):
        code, out, err = run(db_url, "case", "find", typed)
        assert code == 0 and out.startswith(("No case matches 'a", "No case matches 'Maria")), err
        assert len(out.strip().splitlines()) == 1 and len(out) < 1100 and out.rstrip().endswith("more characters)")
        code, out, err = run(db_url, "case", "find", typed, "--json")
        assert code == 0 and json.loads(out) == [], err
    code, out, err = run(db_url, "queue", "list", "--search", "claim: " + "bus " * 25_000)
    assert code == 1 and out == "" and err == "error: Search the claims for at most 1000 characters.\n", err
    code, out, err = run(db_url, "queue", "list", "--search", "claim: " + "bus " * 250, "--json")
    assert code == 0 and [r["case_number"] for r in json.loads(out)["rows"]] == [], err
    code, out, _ = run(db_url, "queue", "list", "--search", "claim: bus never", "--json")
    assert [r["case_number"] for r in json.loads(out)["rows"]] == [number]
    code, out, _ = run(db_url, "case", "find", "Gomez", "--json")
    assert [c["case_number"] for c in json.loads(out)] == [number]


def test_a_misspelt_assignee_is_refused_not_an_empty_queue(db_url: str, store: Store,
                                                           staff: dict[str, Actor]) -> None:
    # `case mine --user` and `callback list --user` refused a name that is no user; the queue said "0 of 0".
    call(store, staff["supervisor"], caller_name="Caller", phone="2135550310", category="Enrollment")
    code, out, err = run(db_url, "queue", "list", "--assignee", "sue.smith", "--json")
    assert code == 1 and out == "" and err == "error: No user named 'sue.smith'.\n", err
    for assignee in ("sue", "-"):
        code, out, err = run(db_url, "queue", "list", "--assignee", assignee, "--json")
        assert code == 0 and "total" in json.loads(out), err
