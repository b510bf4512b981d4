"""What a person reads from the CLI's tables and lines says times in the agency's zone as rules.shown writes them,
and stored codes in words: no ISO timestamp, no raw field name (both backends)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from calldesk.cli import output
from calldesk.models import utcnow
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.integration.helpers import call

ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
MOMENT = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                    r"( \d{4})? \d{2}:\d{2}")


def test_holds_and_a_purge_say_their_times_in_words(db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], caller_name="Maria Gomez", phone="2135550142").case.case_number
    assert run(db_url, "hold", "place", number, "--reason", "Gomez v. District")[0] == 0
    code, out, err = run(db_url, "hold", "list")
    assert code == 0 and number in out and MOMENT.search(out) and not ISO.search(out), out  # was ...T23:17:45+00:00
    code, out, _ = run(db_url, "hold", "list", "--json")  # (a machine format keeps its own)
    assert ISO.match(json.loads(out)[0]["placed_at"])
    code, out, err = run(db_url, "purge", "--closed-before", "2025-01-01", "--dry-run")
    assert code == 0 and "closed before Wed 1 Jan 2025 (" in out, err  # was "closed before 2025-01-01"


CODES = ("caller_name", "owner_role", "program_specialist", "parent_guardian", "inquiry_followup", "web_form",
         "+12135550142", "True")


def test_stored_codes_read_in_words_in_case_show_list_queue_and_users(db_url: str, store: Store,
                                                                      staff: dict[str, Actor],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # case show printed field names and codes as stored (caller_name | parent_guardian, owner_role |
    # program_specialist, phone | +12135550142, reportable | True), case list and queue list their tiers and
    # roles (inquiry_followup, program_specialist) and the queue's source "none", user list its roles.
    monkeypatch.setattr(output.out, "width", 200)  # (a table's cells whole, on one line each)
    monkeypatch.setattr(output.out, "width", 200)  # (a table's cells whole, on one line each)
    number = call(store, staff["agent"], caller_name="Maria Gomez", phone="2135550142", channel="web_form",
                  needs_follow_up=True, relationship="parent_guardian").case.case_number
    code, out, _ = run(db_url, "user", "add", "lucia", "--role", "program_specialist")
    assert out == "Added lucia (program specialist).\n"
    for args, words in ((["case", "show", number], ("Caller's name", "Maria Gomez", "Parent/guardian", "Web form",
                                                     "(213) 555-0142", "Inquiry (follow-up)", "Owning role",
                                                     "program specialist", "Reportable", "yes")),
                        (["case", "list"], ("Inquiry (follow-up)", "program specialist")),
                        (["queue", "list"], ("Inquiry (follow-up)", "Not a referral")),
                        (["user", "list"], ("program specialist",))):
        code, out, err = run(db_url, *args)
        assert code == 0, err
        assert all(word in out for word in words), (args, [w for w in words if w not in out], out)
        assert not any(code_ in out for code_ in CODES), (args, [c for c in CODES if c in out])
    code, out, _ = run(db_url, "case", "show", number, "--json")  # (JSON keeps the stored codes)
    assert json.loads(out)["owner_role"] == "program_specialist" and json.loads(out)["phone"] == "+12135550142"


def test_case_work_marks_each_passed_deadline_on_its_own_row(db_url: str, store: Store, staff: dict[str, Actor],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # It listed "follow-up | end of Tue 8 Apr 2025" and then a second "follow-up | OVERDUE" row, and a passed
    # resolution date with nothing to say it had passed.
    monkeypatch.setattr(output.out, "width", 200)
    late = call(store, staff["agent"], call_type="complaint", claim="The bus never came.",
                opened_at=utcnow() - timedelta(days=40)).case.case_number
    fresh = call(store, staff["agent"], caller_name="Rosa Diaz", phone="3105550199", call_type="complaint",
                 claim="The bus was late.").case.case_number
    code, out, err = run(db_url, "case", "work", late)
    rows = [line for line in out.splitlines() if line.startswith("│ ")]
    assert code == 0 and [r.split("│")[1].strip() for r in rows[:2]] == ["follow-up", "resolution"], out
    assert all(r.rstrip(" │").endswith(", OVERDUE") for r in rows[:2]) and "│ OVERDUE" not in out, out
    code, out, err = run(db_url, "case", "work", fresh)
    assert code == 0 and "OVERDUE" not in out, out


def test_profile_show_names_each_tiers_owner_in_words(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output.out, "width", 200)
    code, out, err = run(db_url, "profile", "show")  # it said "Concern owned by: program_specialist"
    assert code == 0 and "Concern owned by: program specialist" in out and ": program_specialist" not in out, err


def test_case_actions_says_when_there_is_none(db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"]).case.case_number
    code, out, err = run(db_url, "case", "actions", number)  # it printed "Case 2026-000001" and nothing else
    assert code == 0 and out == f"Case {number}: no escalation, referral, meeting or quality review yet.\n", err
    assert run(db_url, "case", "refer", number, "--to", "safety", "--contact", "Smith")[0] == 0
    code, out, _ = run(db_url, "case", "actions", number)
    assert out.splitlines()[0] == f"Case {number}" and "referred to" in out


def test_a_commands_help_names_every_role_that_may_run_it(db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    # Their help said "(supervisors)" while an admin runs them (the role table: report, phone_log, block_number).
    for args in (["queue", "trends"], ["phone", "log"], ["phone", "blocked"], ["phone", "block", "2135550199",
                                                                              "--reason", "Nuisance calls"],
                 ["phone", "unblock", "2135550199"]):
        code, _, err = run(db_url, *args)  # (as the store's admin, among the staff: not a one-person office)
        assert code == 0, (args, err)
        code, out, _ = run(db_url, *args[:2], "--help")
        assert "(supervisors and admins)" in " ".join(out.replace("│", " ").split()), args


def test_a_protocol_without_a_quarterly_chain_says_so(db_url: str) -> None:
    # LAUSD has a monthly reporting chain only: `report status --quarter` printed an empty table and `report step`
    # said "'quarterly_reviewed' is not a step of this chain; the steps are ." (no step named).
    from tests.cli.test_cli_escalation import _signed_in_as_supervisor

    code, out, err = run(db_url, "report", "status", "--quarter", "2026Q3", "--received", "2026-11-09")
    assert code == 0 and out.splitlines()[-1] == "The protocol has no quarterly reporting chain: no step to mark.", err
    _signed_in_as_supervisor(db_url)
    code, out, err = run(db_url, "report", "step", "quarterly_reviewed", "--quarter", "2026Q3", "--received",
                         "2026-11-09")
    assert code == 1 and err == ("error: 'quarterly_reviewed' is not a step: this protocol has no reporting chain "
                                 "for that period.\n"), err
