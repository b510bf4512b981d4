"""`calldesk case escalate|appeal|refer|meeting|merge|review|history` through typer's runner, both backends."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from calldesk.profiles import load_profile
from calldesk.store.db.store import open_store
from tests.cli.test_cli import run
from tests.conftest import ADMIN, add_user
from tests.integration.helpers import call

# Mon 30 Nov 2026 09:00 in New York (Rochester's zone): the opening of the cases whose meetings are set for 1 Dec.
OPENED = datetime(2026, 11, 30, 14, tzinfo=UTC)


def _case(db_url: str, protocol: str, **fields: object) -> str:
    store = open_store(db_url, configured_user=ADMIN, protocol=protocol)
    try:
        from calldesk.store.db.users import Actor, list_users

        admin = store.actor()
        with store.uow(readonly=True) as uow:
            if "ana" not in {u.username for u in list_users(uow.session)}:
                add_user(store, admin, "ana", "agent")

        return call(store, Actor("ana", "agent"), load_profile(protocol), **fields).case.case_number
    finally:
        store.close()


def _signed_in_as_supervisor(db_url: str) -> None:
    """Make the CLI's signed-in user (this store's first admin) a supervisor, with another admin kept."""
    from calldesk.models import UserCreate
    from calldesk.store.db import users as user_service
    from calldesk.store.db.users import Actor

    store = open_store(db_url, configured_user=ADMIN)
    try:
        me = store.actor()
        with store.uow() as uow:
            user_service.add_user(uow, actor=me, data=UserCreate(username="boss", role="admin"))
            uow.commit()
        with store.uow() as uow:
            user_service.set_role(uow, actor=Actor("boss", "admin"), username=me.username, role="supervisor")
            uow.commit()
    finally:
        store.close()


def test_a_rochester_concern_escalated_up_its_whole_ladder_from_the_cli(db_url: str) -> None:
    number = _case(db_url, "rochester", call_type="concern", category="Transportation")
    said = []
    for _ in range(3):
        code, out, err = run(db_url, "--protocol", "rochester", "case", "escalate", number,
                             "--reason", "Parent not satisfied")
        assert code == 0, err
        said.append(out)
    assert "District Coordinator" in said[0] and "Chief of Schools" in said[1]
    assert "Superintendent's Office (level 3" in said[2]
    code, out, err = run(db_url, "--protocol", "rochester", "case", "escalate", number, "--reason", "Again")
    assert code == 1 and "top of the Rochester" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(db_url, "--protocol", "rochester", "case", "escalate", number, "--reason", "x", "--json")
    assert code == 1
    code, out, _ = run(db_url, "case", "show", number, "--json")
    assert json.loads(out)["escalation_level"] == 3


def test_a_stale_version_and_an_empty_reason_are_refused(db_url: str) -> None:
    number = _case(db_url, "rochester", call_type="concern", category="Transportation")
    code, _, err = run(db_url, "--protocol", "rochester", "case", "escalate", number, "--reason", "x",
                       "--version", "99")
    assert code == 1 and "saved by someone else" in err
    code, _, err = run(db_url, "--protocol", "rochester", "case", "escalate", number, "--reason", " ")
    assert code == 1 and "Say why" in err


def test_a_late_appeal_is_refused_in_one_line(db_url: str) -> None:
    number = _case(db_url, "area_offices", call_type="concern", category="Transportation")
    code, _, err = run(db_url, "--protocol", "area_offices", "case", "appeal", number, "--reason", "Appeal")
    assert code == 1 and "no decision to appeal" in err


def test_a_merge_from_the_cli_and_the_survivor_shows_both_histories(db_url: str) -> None:
    survivor = _case(db_url, "lausd")
    duplicate = _case(db_url, "lausd", caller_name="Rosa Diaz", phone="2135550177", category="Transportation")
    code, _, err = run(db_url, "case", "merge", duplicate, "--into", survivor)
    assert code == 1 and "Only program specialists" in err  # an admin does not merge cases
    _signed_in_as_supervisor(db_url)
    code, _, err = run(db_url, "case", "merge", duplicate, "--into", duplicate)
    assert code == 1 and "itself" in err
    code, out, err = run(db_url, "case", "merge", duplicate, "--into", survivor, "--reason", "Same matter")
    assert code == 0 and f"Merged {duplicate} into {survivor}" in out, err
    code, out, _ = run(db_url, "case", "history", survivor, "--json")
    events = json.loads(out)
    assert {e["case_number"] for e in events} == {survivor, duplicate}
    assert any(e["changes"].get("merged_from", [None, None])[1] == duplicate for e in events)
    code, out, _ = run(db_url, "case", "history", survivor)
    assert code == 0 and duplicate in out
    code, out, _ = run(db_url, "case", "show", duplicate, "--json")
    shown = json.loads(out)
    assert shown["status"] == "closed" and shown["close_reason"] == f"merged into {survivor}"


def test_refer_meeting_and_review_from_the_cli(db_url: str) -> None:
    number = _case(db_url, "rochester", call_type="concern", category="Transportation", opened_at=OPENED)
    code, out, err = run(db_url, "--protocol", "rochester", "case", "refer", number, "--to", "safety",
                         "--contact", "Director Smith", "--json")
    assert code == 0 and json.loads(out)["office"] == "Safety and Security", err
    code, out, err = run(db_url, "--protocol", "rochester", "case", "meeting", number, "--kind", "mediation",
                         "--when", "2026-12-01 15:00", "--parties", "Parent, Principal", "--json")
    meeting = json.loads(out)
    when = datetime.fromisoformat(meeting["scheduled_for"])
    assert code == 0 and when == datetime(2026, 12, 1, 20, tzinfo=UTC), err  # 15:00 in New York
    code, out, err = run(db_url, "--protocol", "rochester", "case", "meeting", number, "--meeting",
                         str(meeting["id"]), "--outcome", "Agreed a seat change", "--not-satisfied")
    assert code == 0 and "not satisfied" in out, err
    code, out, _ = run(db_url, "--protocol", "rochester", "case", "actions", number)
    assert code == 0 and "referred to Safety and Security (Director Smith)" in out
    # (rules.shown: the year only when it is not this year's)
    assert re.search(f"meeting {meeting['id']}: mediation on Tue 1 Dec( 2026)? 15:00", out), out
    assert "parent not satisfied" in out
    code, out, _ = run(db_url, "case", "actions", number, "--json")
    assert json.loads(out)["meetings"][0]["parent_satisfied"] is False
    code, _, err = run(db_url, "case", "review", number, "--score", "4", "--met", "all")
    assert code == 1 and "Only supervisors may review" in err  # the signed-in user is this store's admin
    _signed_in_as_supervisor(db_url)
    code, _, err = run(db_url, "case", "review", number, "--score", "3", "--met", "urgency,bogus")
    assert code == 1 and "'bogus' is not a checklist point" in err
    code, out, err = run(db_url, "case", "review", number, "--score", "3", "--met", "contact_accurate,urgency",
                         "--comment", "Write the evidence out; follow up every 48 hours.", "--json")
    review = json.loads(out)
    assert code == 0 and review["score"] == 3 and review["urgency"] and not review["labelled_right"], err


def test_a_referral_or_meeting_too_long_is_refused_by_calldesk_on_both_stores(db_url: str) -> None:
    # The column's limit, from the model, before any write: PostgreSQL used to refuse it with its own words
    # ("value too long for type character varying(200)") and SQLite to keep all of it.
    number = _case(db_url, "rochester", call_type="concern", category="Transportation", opened_at=OPENED)
    meeting = ["case", "meeting", number, "--kind", "mediation", "--when", "2026-12-01 15:00"]
    for args, message in [
        (["case", "refer", number, "--to", "safety", "--contact", "A" * 100_000], "Contact is longer than 200"),
        ([*meeting, "--parties", "Parent, Principal", "--place", "P" * 201], "Place is longer than 200"),
        ([*meeting, "--parties", "Parent, " + "Q" * 500], "Parties is longer than 500"),
    ]:
        code, out, err = run(db_url, "--protocol", "rochester", *args)
        assert code == 1 and err.startswith("error:") and message in err, err[:300]
        assert len(err.strip().splitlines()) == 1 and "store refused" not in err and "AAAA" not in out + err
    code, out, _ = run(db_url, "case", "actions", number, "--json")
    actions = json.loads(out)
    assert code == 0 and actions["referrals"] == [] and actions["meetings"] == []
    code, out, err = run(db_url, "--protocol", "rochester", "case", "refer", number, "--to", "safety",
                         "--contact", "C" * 200, "--json")
    assert code == 0 and json.loads(out)["contact"] == "C" * 200, err


def test_a_meeting_before_the_case_was_opened_is_refused_in_one_line_and_nothing_is_kept(db_url: str) -> None:
    number = _case(db_url, "rochester", call_type="concern", category="Transportation", opened_at=OPENED)
    code, out, _ = run(db_url, "case", "show", number, "--json")
    version = json.loads(out)["version"]
    code, out, err = run(db_url, "--protocol", "rochester", "case", "meeting", number, "--kind", "mediation",
                         "--when", "2026-11-30 08:59", "--parties", "Parent, Principal")
    assert code == 1 and err.startswith("error: The meeting cannot be before the case was opened (Mon 30 Nov"), err
    assert "09:00): give a later time." in err and len(err.strip().splitlines()) == 1 and out == ""
    code, out, _ = run(db_url, "case", "actions", number, "--json")
    assert code == 0 and json.loads(out)["meetings"] == []
    code, out, _ = run(db_url, "case", "show", number, "--json")
    assert json.loads(out)["version"] == version
    code, out, err = run(db_url, "--protocol", "rochester", "case", "meeting", number, "--kind", "mediation",
                         "--when", "2026-11-30 09:00", "--parties", "Parent, Principal", "--json")
    assert code == 0 and json.loads(out)["kind"] == "mediation", err


def test_student_record_prints_the_ferpa_record_and_writes_it(db_url: str, tmp_path: Path) -> None:
    from calldesk.models import StudentCreate
    from calldesk.store.db.users import Actor
    from calldesk.store.services import confidentiality

    number = _case(db_url, "lausd")
    store = open_store(db_url, configured_user=ADMIN)
    with store.uow() as uow:
        confidentiality.add_student(uow, actor=Actor("ana", "agent"), case_number=number,
                                    data=StudentCreate(name="Leo Gomez", student_ref="S77"))
    store.close()
    code, out, err = run(db_url, "student", "record", "S77")
    assert code == 0 and "FERPA record of Leo Gomez (student id S77)" in out, err
    assert f"case {number}: Maria Gomez (parent guardian)" in out
    target = tmp_path / "record.txt"
    code, out, _ = run(db_url, "student", "record", "S77", "--out", str(target))
    assert code == 0 and "Disclosures (34 CFR 99.32)" in target.read_text()
    code, out, _ = run(db_url, "student", "record", "S77", "--json")
    assert json.loads(out)["requests"][0]["case_number"] == number
    code, _, err = run(db_url, "student", "record", "NOPE")
    assert code == 1 and "No student with the id NOPE" in err


def test_user_lang_sets_the_languages_a_call_is_routed_by(db_url: str) -> None:
    code, out, err = run(db_url, "user", "add", "lucia", "--role", "program_specialist", "--lang", "English,Spanish")
    assert code == 0, err
    code, out, _ = run(db_url, "user", "lang", "lucia", "Spanish, Portuguese", "--json")
    assert code == 0 and json.loads(out)["languages"] == "Spanish, Portuguese"
    code, _, err = run(db_url, "user", "lang", "ghost", "Spanish")
    assert code == 1 and "No user named 'ghost'" in err
