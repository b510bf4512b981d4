"""Short case numbers ("2026-2", as Find reads them) wherever a case number is typed: the CLI's commands and the
store's lookup (calldesk.rules.case_numbers.full_case_number), on both backends."""

from __future__ import annotations

import json

from tests.cli.test_cli import run
from tests.cli.test_cli_escalation import _case, _signed_in_as_supervisor


def test_short_case_numbers_show_escalate_and_merge_from_the_cli(db_url: str) -> None:
    survivor = _case(db_url, "lausd")
    duplicate = _case(db_url, "lausd", caller_name="Rosa Diaz", phone="2135550177", category="Transportation")
    # The first two cases of the year on a new store: 2026-000001 and 2026-000002 (or the clock's year).
    year = survivor.split("-")[0]
    assert (survivor, duplicate) == (f"{year}-000001", f"{year}-000002")
    code, out, err = run(db_url, "case", "show", f"{year}-1", "--json")
    assert code == 0 and json.loads(out)["case_number"] == survivor, err
    code, out, err = run(db_url, "case", "show", f" {year}-0002 ", "--json")
    assert code == 0 and json.loads(out)["case_number"] == duplicate, err
    code, _, err = run(db_url, "case", "show", f"{year}-9")
    assert code == 1 and f"No case numbered {year}-000009" in err and "Traceback" not in err
    _signed_in_as_supervisor(db_url)
    code, out, err = run(db_url, "case", "merge", f"{year}-2", "--into", f"{year}-1", "--reason", "Same matter")
    assert code == 0, err
    code, out, _ = run(db_url, "case", "show", duplicate, "--json")
    assert json.loads(out)["close_reason"] == f"merged into {survivor}"
    code, out, _ = run(db_url, "case", "history", f"{year}-1", "--json")
    assert {e["case_number"] for e in json.loads(out)} == {survivor, duplicate}


def test_a_short_case_number_is_said_back_in_full(db_url: str) -> None:
    # What a command printed of its case was the number as typed ("Referred 2026-1", {"case": "2026-1"}, "Plan for
    # case 2026-1", the approved letter's PDF titled "case 2026-1"), where the rest said 2026-000001.
    number = _case(db_url, "lausd")
    short = f"{number.split('-')[0]}-1"
    for args, said in ((["case", "follow-up", short, "--done", "Called"], f"Case {number}: follow-up written"),
                       (["case", "refer", short, "--to", "safety", "--contact", "Smith"], f"Referred {number} to"),
                       (["case", "steps", short], f"Case {number}: "),
                       (["case", "actions", short], f"Case {number}"),
                       (["hold", "place", f" {short} ", "--reason", "Matter 7"], f"Case {number} is under a"),
                       (["hold", "release", short], f"Released the litigation hold on case {number}.")):
        code, out, err = run(db_url, *args)
        assert code == 0 and out.startswith(said), (args, out, err)
    code, out, err = run(db_url, "hold", "place", short, "--reason", "Matter 8", "--json")
    assert code == 0 and json.loads(out) == {"case_number": number, "held": True}, err


def test_case_assign_names_a_short_case_number_in_full_when_it_refuses(db_url: str) -> None:
    survivor = _case(db_url, "lausd")
    duplicate = _case(db_url, "lausd", caller_name="Rosa Diaz", phone="2135550177", category="Transportation")
    year = survivor.split("-")[0]
    assert run(db_url, "user", "add", "pat", "--role", "program_specialist")[0] == 0
    _signed_in_as_supervisor(db_url)
    assert run(db_url, "case", "merge", f"{year}-2", "--into", f"{year}-1", "--reason", "Same matter")[0] == 0
    code, out, err = run(db_url, "case", "assign", f"{year}-2", "pat")  # it said "Case 2026-2 is closed"
    assert code == 1 and out == "" and err == f"error: Case {duplicate} is closed; it can no longer be assigned.\n"
