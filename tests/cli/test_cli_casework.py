"""`calldesk case follow-up|ack|respond|extend|resolve|letter|close|work`: a case worked from the CLI (both
backends), through the same services as the dialogs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from calldesk.models import UserCreate
from calldesk.profiles import load_profile
from calldesk.store.db import users as user_service
from calldesk.store.db.store import open_store
from calldesk.store.db.users import Actor
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.reference import sync_reference
from tests.cli.test_cli import run
from tests.conftest import ADMIN


def _people(db_url: str) -> tuple[str, Actor]:
    """A second admin (boss) and a specialist (sam); returns the CLI's own login."""
    store = open_store(db_url, configured_user=ADMIN)
    admin = store.actor()
    for name, role in (("boss", "admin"), ("sam", "specialist")):
        with store.uow() as uow:
            user_service.add_user(uow, actor=admin, data=UserCreate(username=name, role=role))
            uow.commit()
    with store.uow() as uow:  # Area Offices' taxonomy too (an admin's first start with that protocol)
        sync_reference(uow, actor=admin, profile=load_profile("area_offices"))
        uow.commit()
    store.close()
    return admin.username, Actor("sam", "specialist")


def _be(db_url: str, login: str, role: str) -> None:
    """Make the CLI's own login a `role` (done by the second admin)."""
    store = open_store(db_url, configured_user=ADMIN)
    with store.uow() as uow:
        user_service.set_role(uow, actor=Actor("boss", "admin"), username=login, role=role)
        uow.commit()
    store.close()


def _import(db_url: str, tmp_path: Path, *protocol: str, **row: str) -> str:
    source = tmp_path / "call.json"
    source.write_text(json.dumps([{"caller_name": "Maria Gomez", "phone": "2135550142", "category": "Transportation",
                                   "claim": "The bus never came.", **row}]))
    code, out, err = run(db_url, *protocol, "case", "import", str(source))
    assert code == 0, err
    return "2026-000001"


def test_a_complaint_from_intake_through_two_follow_ups_and_its_letter_to_closing(db_url: str,
                                                                                    tmp_path: Path) -> None:
    login, sam = _people(db_url)
    _be(db_url, login, "specialist")
    number = _import(db_url, tmp_path, call_type="complaint", opened_at="2026-11-23T09:00:00-08:00")
    code, out, _ = run(db_url, "case", "work", number, "--json")
    work = json.loads(out)
    assert "Logged late: received Mon 23 Nov 09:00" in work["case"]["routing_notes"]
    assert work["follow_up_overdue"] is True  # none written since the opening
    for done in ("Called the transportation office", "Met the principal"):
        code, out, err = run(db_url, "case", "follow-up", number, "--done", done, "--pending", "Route change")
        assert code == 0 and f"Case {number}: follow-up written; next follow-up by" in out, err
    code, out, err = run(db_url, "case", "resolve", number, "--outcome", "Resolved", "--response", "Route restored",
                         "--violation", "IDEA 300.101")
    assert code == 0 and "letter draft" in out
    code, _, err = run(db_url, "case", "close", number)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "missing: the supervisor's approval of the letter; the signed copy of the letter attached; the " \
           "coordinator informed" in err
    code, _, err = run(db_url, "case", "letter", number, "approve")
    assert code == 1 and "Only supervisors may approve response letters" in err
    code, out, err = run(db_url, "case", "letter", number, "submit")  # the profile's template, filled
    assert code == 0 and "letter submitted for approval" in out, err
    _be(db_url, login, "supervisor")
    assert run(db_url, "case", "letter", number, "approve")[1].strip() == f"Case {number}: letter approved."
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF-1.4 signed letter")
    code, _, err = run(db_url, "case", "letter", number, "attach", str(signed))
    assert code == 1 and "someone else signs and attaches it" in err
    store = open_store(db_url, configured_user=ADMIN)  # the specialist signs at her own desk
    with store.uow() as uow:
        casework.advance_letter(uow, actor=sam, case_number=number, step="attach", attachment=signed)
    store.close()
    assert run(db_url, "case", "letter", number, "inform")[1].strip() == \
        f"Case {number}: letter coordinator informed."
    code, out, _ = run(db_url, "case", "work", number, "--json")
    work = json.loads(out)
    assert len(work["follow_ups"]) == 2 and work["missing_to_close"] == []
    assert work["resolution"]["approved_by"] == login and work["resolution"]["signed_by"] == "sam"
    assert work["attachments"][0]["filename"] == "signed.pdf"
    code, out, err = run(db_url, "case", "letter-copy", number, str(tmp_path / "copy.pdf"))
    assert code == 0 and (tmp_path / "copy.pdf").read_bytes() == b"%PDF-1.4 signed letter", err
    code, out, err = run(db_url, "case", "close", number, "--json")
    assert code == 0 and json.loads(out)["status"] == "closed", err


def test_an_area_offices_concern_acknowledged_extended_and_answered_in_writing(db_url: str, tmp_path: Path) -> None:
    login, _ = _people(db_url)
    _be(db_url, login, "program_specialist")
    area = ("--protocol", "area_offices")
    number = _import(db_url, tmp_path, *area, call_type="concern", opened_at="2026-11-23T10:00:00-05:00")
    case = json.loads(run(db_url, *area, "case", "show", number, "--json")[1])
    assert case["acknowledge_by"].startswith("2026-12-01T04:59:59")  # Mon 30 Nov, New York
    assert case["next_deadline"] == case["acknowledge_by"]
    code, out, err = run(db_url, *area, "case", "ack", number, "--note", "Called Ms Gomez", "--json")
    acked = json.loads(out)
    assert code == 0 and acked["acknowledge_by"] is None and acked["next_deadline"] == acked["next_follow_up_by"], err
    code, _, err = run(db_url, *area, "case", "extend", number, "--due", "2026-12-17", "--notice", "")
    assert code == 1 and "written notice" in err
    code, out, err = run(db_url, *area, "case", "extend", number, "--due", "2026-12-17",
                         "--notice", "Letter: one more week", "--if-version", str(acked["version"] - 1))
    assert code == 1 and "saved by someone else" in err
    code, out, err = run(db_url, *area, "case", "extend", number, "--due", "2026-12-17",
                         "--notice", "Letter: one more week")
    assert code == 0 and re.search("written response extended to Thu 17 Dec( 2026)?;", out), err  # (rules.shown)
    case = json.loads(run(db_url, *area, "case", "show", number, "--json")[1])
    assert case["respond_by"].startswith("2026-12-18T04:59:59")
    code, out, err = run(db_url, *area, "case", "respond", number, "--note", "Written response mailed")
    assert code == 0 and "written response recorded" in out, err
    work = json.loads(run(db_url, *area, "case", "work", number, "--json")[1])
    assert work["case"]["respond_by"] is None and "acknowledgement" not in work["pending"]
    assert [(c["kind"], c["event"]) for c in work["clocks"]] == [
        ("intake", "missed"), ("acknowledge", "met"), ("written_response", "extended"), ("written_response", "met")]
    code, out, _ = run(db_url, *area, "case", "work", number)
    assert code == 0 and "extended" in out and "To close: Write the response/resolution" in out


def test_hostile_text_in_follow_ups_and_the_resolution_is_printed_inert(db_url: str, tmp_path: Path) -> None:
    login, _ = _people(db_url)
    _be(db_url, login, "specialist")
    number = _import(db_url, tmp_path, call_type="complaint")
    hostile = "[/] \x1b[2J\u202eevil"
    assert run(db_url, "case", "follow-up", number, "--done", hostile, "--pending", hostile)[0] == 0
    assert run(db_url, "case", "resolve", number, "--outcome", hostile)[0] == 0
    code, out, err = run(db_url, "case", "work", number)
    assert code == 0 and "\x1b" not in out + err and "\u202e" not in out and "[/]" in out
    code, _, err = run(db_url, "case", "extend", number, "--due", "tomorrow", "--notice", "x")
    assert code == 1 and "'tomorrow' is not a date" in err and len(err.strip().splitlines()) == 1


def test_the_letters_words_from_the_cli_drafted_returned_approved_and_printed(db_url: str, tmp_path: Path) -> None:
    """`case letter N draft|submit|show|return|approve|pdf`: the same steps as the desk's letter dialog."""
    import stat

    login, _ = _people(db_url)
    _be(db_url, login, "specialist")
    number = _import(db_url, tmp_path, call_type="complaint", opened_at="2026-11-23T09:00:00-08:00")
    assert run(db_url, "case", "resolve", number, "--outcome", "Resolved", "--response", "Route restored",
               "--violation", "IDEA 300.101")[0] == 0
    code, out, err = run(db_url, "case", "letter", number, "draft")  # LAUSD's template, filled from the case
    assert code == 0 and "letter drafted (not submitted" in out, err
    code, out, _ = run(db_url, "case", "letter", number, "show")
    # By hand: opened Mon 23 Nov 2026 09:00 Los Angeles -> "November 23, 2026"; the caller and violation typed.
    assert "letter draft, not submitted; drafted by" in out and "Dear Maria Gomez," in out
    assert "made on November 23, 2026." in out and "Alleged violation: IDEA 300.101" in out
    words = tmp_path / "letter.txt"
    words.write_text("Dear Maria Gomez,\nThe route was restored on December 1, 2026.\n", encoding="utf-8")
    code, out, err = run(db_url, "case", "letter", number, "submit", "--text-file", str(words))
    assert code == 0 and "letter submitted for approval" in out, err
    code, _, err = run(db_url, "case", "letter", number, "submit", "--text-file", str(tmp_path / "missing.txt"))
    assert code == 1 and "Cannot read" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(db_url, "case", "letter", number, "pdf", "--out", str(tmp_path / "early.pdf"))
    assert code == 1 and "not approved yet" in err and not (tmp_path / "early.pdf").exists()
    _be(db_url, login, "supervisor")
    code, _, err = run(db_url, "case", "letter", number, "return")
    assert code == 1 and "needs a note" in err
    code, out, err = run(db_url, "case", "letter", number, "return", "--note", "Name the school")
    assert code == 0 and "letter returned to its drafter with the note" in out, err
    code, out, _ = run(db_url, "case", "work", number)
    assert f"Letter returned by {login}: Name the school" in out
    code, _, err = run(db_url, "case", "letter", number, "approve")
    assert code == 1 and "not been submitted" in err
    _be(db_url, login, "specialist")
    assert run(db_url, "case", "letter", number, "submit")[0] == 0  # the words kept, submitted again
    _be(db_url, login, "supervisor")
    assert run(db_url, "case", "letter", number, "approve")[1].strip() == f"Case {number}: letter approved."
    target = tmp_path / "for-signing.pdf"
    code, out, err = run(db_url, "case", "letter", number, "pdf", "--out", str(target))
    assert code == 0 and "for signing" in out, err
    assert target.read_bytes().startswith(b"%PDF-") and stat.S_IMODE(target.stat().st_mode) == 0o600
    code, _, err = run(db_url, "case", "letter", number, "pdf", "--out", str(target))  # never over a file
    assert code == 1 and target.read_bytes().startswith(b"%PDF-")
    code, _, err = run(db_url, "case", "letter", number, "sign")
    assert code == 1 and "is not a letter step" in err
