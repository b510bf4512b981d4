"""`calldesk case find/list/show/assign/mine`: local times, whole case numbers, --json, one-line refusals."""

from __future__ import annotations

import json

from calldesk.models import FollowUpCreate, ResolutionUpdate
from calldesk.store.db import users as user_service
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import close_case
from calldesk.store.services.follow_ups_resolution import add_follow_up, set_resolution
from tests.cli.test_cli import run
from tests.conftest import add_user
from tests.integration.helpers import at, call, lausd


def test_find_by_phone_both_ways_email_and_name(db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], caller_name="Rosa Diaz", phone="213-555-0142", email="rosa@example.org").case
    for typed in (["213-555-0142"], ["2135550142"], ["rosa@example.org"], ["ros"], ["Rosa", "Di"]):
        code, out, _ = run(db_url, "case", "find", *typed, "--json")
        assert code == 0 and [c["case_number"] for c in json.loads(out)] == [case.case_number], typed
    code, out, _ = run(db_url, "case", "find", "nobody")
    assert code == 0 and "No case matches 'nobody'" in out
    code, out, _ = run(db_url, "case", "find", "2135550142")
    assert code == 0 and case.case_number in out


def test_list_prints_local_times_whole_numbers_and_closed_cases(db_url: str, store: Store,
                                                                 staff: dict[str, Actor]) -> None:
    # A concern opened Monday 23 Nov 2026 10:00 in Los Angeles: its first follow-up is due at the end of Wednesday
    # there (23:59:59; Thursday 07:59 UTC), a day deadline: "end of Wed 25 Nov" (rules.shown).
    concern = call(store, staff["agent"], call_type="concern", category="Transportation",
                   opened_at=at(2026, 11, 23)).case
    done = call(store, staff["agent"], caller_name="Ana Ruiz", phone="3105550199", call_type="compliment").case
    with store.uow() as uow:
        close_case(uow, actor=staff["agent"], case_number=done.case_number, reason="thanked")
    code, out, _ = run(db_url, "case", "list")
    assert code == 0 and concern.case_number in out and done.case_number not in out
    assert "end of Wed 25 Nov" in out and "Thu 26 Nov" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    code, out, _ = run(db_url, "case", "list", "--closed")
    assert code == 0 and done.case_number in out and concern.case_number not in out
    code, out, _ = run(db_url, "case", "list", "--all", "--json")
    assert {c["case_number"] for c in json.loads(out)} == {concern.case_number, done.case_number}


def test_show_has_the_response_follow_ups_and_links(db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], call_type="concern", category="Transportation").case
    with store.uow() as uow:
        add_follow_up(uow, actor=staff["agent"], profile=lausd(), case_number=case.case_number,
                      data=FollowUpCreate(done="Called the school", pending="Wait for the principal"))
    with store.uow() as uow:
        set_resolution(uow, actor=staff["agent"], case_number=case.case_number,
                       data=ResolutionUpdate(response="Bus route restored", outcome="resolved"))
    code, out, _ = run(db_url, "case", "show", case.case_number)
    assert code == 0
    for words in ("Follow-ups", "Called the school", "Wait for the principal", "Bus route restored", "resolved"):
        assert words in out, words
    code, out, _ = run(db_url, "case", "show", case.case_number, "--json")
    shown = json.loads(out)
    assert shown["follow_ups"][0]["done"] == "Called the school"
    assert shown["resolution"]["response"] == "Bus route restored"
    assert shown["students"] == [] and shown["disclosures"] == [] and shown["links"] == []


def test_assign_reaches_the_assignee_and_refusals_are_one_line(db_url: str, store: Store,
                                                                staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], call_type="concern", category="Transportation").case
    code, _, err = run(db_url, "case", "assign", case.case_number, "pat")
    assert code == 1 and "Only supervisors may reassign" in err and len(err.strip().splitlines()) == 1
    boss = add_user(store, staff["admin"], "boss", "admin")  # so the CLI's own login can become a supervisor
    with store.uow() as uow:
        user_service.set_role(uow, actor=boss, username=store.login, role="supervisor")
        uow.commit()
    assert case.assigned_to == "pat"  # routed to the program specialist
    code, _, err = run(db_url, "case", "assign", case.case_number, "sam", "--expected-version", "99")
    assert code == 1 and "saved by someone else" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(db_url, "case", "assign", case.case_number, "nobody")
    assert code == 1 and "not a calldesk user" in err
    code, out, _ = run(db_url, "case", "assign", case.case_number, "sam", "--json")
    assert code == 0 and json.loads(out)["assigned_to"] == "sam"
    code, out, _ = run(db_url, "case", "mine", "--user", "sam", "--json")
    assert code == 0 and case.case_number in {i["case_number"] for i in json.loads(out)}
    code, out, _ = run(db_url, "case", "mine", "--user", "sam")
    assert code == 0 and case.case_number in out and "follow-up" in out


def test_someone_elses_work_is_refused_in_one_line_that_says_what_was_asked(db_url: str, store: Store,
                                                                              staff: dict[str, Actor]) -> None:
    def refused(*args: str) -> str:
        code, out, err = run(db_url, "case", "mine", *args)
        assert code == 1 and out == "" and len(err.strip().splitlines()) == 1, (args, code, out, err)
        return err.strip()

    # The CLI's login is this store's admin: it may read its own work, not someone else's (and was told it may
    # not "reassign cases", which it had not asked to do).
    assert run(db_url, "case", "mine")[0] == 0
    assert refused("--user", "sam") == ("error: Only supervisors may see someone else's work; you are signed in as "
                                        "an admin.")
    boss = add_user(store, staff["admin"], "boss", "admin")
    with store.uow() as uow:
        user_service.set_role(uow, actor=boss, username=store.login, role="supervisor")
        user_service.set_active(uow, actor=boss, username="pat", active=False)
    # A name nobody has: said so (not the sign-in's "ask an admin to run: calldesk user add nobody --role agent").
    assert refused("--user", "nobody") == "error: No user named 'nobody'."
    assert refused("--user", "pat") == "error: 'pat' has been deactivated; ask an admin to reactivate the account."
    code, out, err = run(db_url, "case", "mine", "--user", "sam", "--json")
    assert code == 0 and json.loads(out) == [], err
