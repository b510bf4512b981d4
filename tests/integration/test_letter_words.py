"""The response letter has words (issue 22; LAUSD seed step 5, PROTOCOL.md section 2 item 5), on both backends: the
specialist drafts it from the profile's template filled from the case, edits and submits it; the supervisor reads
it, returns it with a note (back to draft) or approves it; the approved words are printed to PDF for signing. The
words are narrative about the caller: an abuse mark empties them, the trail keeps only fingerprints, no export
carries them."""

from __future__ import annotations

import json
import re
import stat
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select

from calldesk.errors import InvalidInput, PermissionDenied, RuleRefused
from calldesk.letter_pdf import letter_pdf
from calldesk.models import AuditEvent, Resolution, ResolutionUpdate
from calldesk.output_files import write_file
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.my_work import my_work
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.cases import mark_abuse
from calldesk.store.services.exports import export_cases
from calldesk.store.services.letters import approved_text, draft_letter, letter_words, return_letter
from tests.integration.helpers import LA, call, lausd

CALLER = "Maria Gomez"
RESPONSE = "The bus route was restored and the driver retrained"
VIOLATION = "IDEA 300.101 (transportation as a related service)"
NOTE = "Say when the route was restored"


def _complaint(store: Store, staff: dict[str, Actor], **fields: object) -> str:
    """A complaint opened Mon 23 Nov 2026 10:00 in Los Angeles, resolved by sam with an alleged violation."""
    sam = staff["specialist"]
    number = call(store, sam, call_type="complaint", category="Transportation", caller_name=CALLER,
                  school="Roosevelt High", opened_at=datetime(2026, 11, 23, 10, tzinfo=LA), **fields).case.case_number
    with store.uow() as uow:
        casework.set_resolution(uow, actor=sam, case_number=number, data=ResolutionUpdate(
            response=RESPONSE, outcome="Resolved", alleged_violation=VIOLATION))
    return number


def _words(store: Store, number: str) -> Resolution:
    with store.uow(readonly=True) as uow:
        from calldesk.store.read.one_case import get_case

        case = get_case(uow.session, number, viewer=None)
        return uow.session.exec(select(Resolution).where(Resolution.case_id == case.id)).one()


def _pdf_text(data: bytes) -> str:
    """The text drawn in a PDF's content streams (fpdf2 writes them Flate-compressed)."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            shown.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            shown.append(stream.decode("latin-1"))
    return " ".join(" ".join(re.findall(r"\((.*?)\)\s*Tj", s)) for s in shown)


def test_the_draft_starts_from_the_profiles_template_filled_from_the_case(
        store: Store, staff: dict[str, Actor]) -> None:
    sam = staff["specialist"]
    number = _complaint(store, staff)
    with store.uow() as uow:
        res = draft_letter(uow, actor=sam, profile=lausd(), case_number=number)
    # By hand from data/protocols/lausd.toml's letter_template: opened Mon 23 Nov 2026 (Los Angeles) reads
    # "November 23, 2026"; the school, the caller, the violation and the response are the case's.
    assert f"Re: Case {number} - Roosevelt High" in res.letter_text
    assert f"Dear {CALLER}," in res.letter_text
    assert "We have reviewed the complaint you made on November 23, 2026." in res.letter_text
    assert f"Alleged violation: {VIOLATION}" in res.letter_text
    assert f"Response, resolution and remedy: {RESPONSE}" in res.letter_text
    assert "Thank you for contacting the LAUSD Call Center." in res.letter_text
    assert "{" not in res.letter_text and res.drafted_by == "sam" and res.submitted_at is None
    # Not submitted: it is in sam's My work to draft and submit, not in the supervisor's.
    with store.uow(readonly=True) as uow:
        sams = my_work(uow.session, profile=lausd(), viewer=sam, now=datetime.now(LA))
        sues = my_work(uow.session, profile=lausd(), viewer=staff["supervisor"], now=datetime.now(LA))
    assert [i.what for i in sams if i.kind == "letter draft"] == [f"draft and submit the response letter on {number}"]
    assert not [i for i in sues if i.kind == "letter" and i.case_number == number]


def test_the_supervisor_reads_returns_with_a_note_then_approves_the_edited_words(
        store: Store, staff: dict[str, Actor]) -> None:
    sam, sue = staff["specialist"], staff["supervisor"]
    number = _complaint(store, staff)
    with store.uow() as uow:
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number)
    with store.uow() as uow, pytest.raises(RuleRefused, match="not been submitted"):
        casework.advance_letter(uow, actor=sue, case_number=number, step="approve")
    first = f"Dear {CALLER},\r\nThe route is restored.   \n"
    with store.uow() as uow:
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, text=first, submit=True)
    with store.uow(readonly=True) as uow:
        sues = my_work(uow.session, profile=lausd(), viewer=sue, now=datetime.now(LA))
        words = letter_words(uow.session, number, viewer=sue)
    assert [i.what for i in sues if i.kind == "letter" and i.case_number == number] == [
        f"read and approve (or return) the response letter on {number} (submitted today)"]
    assert words.text == f"Dear {CALLER},\nThe route is restored." and words.submitted  # line ends normalised
    with store.uow() as uow, pytest.raises(PermissionDenied):
        return_letter(uow, actor=sam, case_number=number, note=NOTE)
    with store.uow() as uow, pytest.raises(InvalidInput, match="needs a note"):
        return_letter(uow, actor=sue, case_number=number, note="  ")
    with store.uow() as uow:
        back = return_letter(uow, actor=sue, case_number=number, note=NOTE)
    assert (back.letter_status, back.letter_note, back.returned_by, back.submitted_at) == ("draft", NOTE, "sue", None)
    with store.uow(readonly=True) as uow:  # the note reaches sam; the letter left sue's list
        sams = my_work(uow.session, profile=lausd(), viewer=sam, now=datetime.now(LA))
        sues = my_work(uow.session, profile=lausd(), viewer=sue, now=datetime.now(LA))
    assert f"letter on {number} returned by sue: {NOTE}" in [i.what for i in sams]
    assert not [i for i in sues if i.kind == "letter" and i.case_number == number]
    with store.uow() as uow, pytest.raises(RuleRefused, match="not been submitted"):
        casework.advance_letter(uow, actor=sue, case_number=number, step="approve")
    edited = f"Dear {CALLER},\nThe route was restored on Tuesday 1 December 2026."
    with store.uow() as uow:
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, text=edited, submit=True)
    with store.uow() as uow:
        approved = casework.advance_letter(uow, actor=sue, case_number=number, step="approve")
    assert approved.letter_status == "approved" and approved.letter_text == edited and approved.letter_note == NOTE
    # The approved words are what is signed: no more drafting, no more returning.
    with store.uow() as uow, pytest.raises(RuleRefused, match="only while it is a draft"):
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, text="Other words")
    with store.uow() as uow, pytest.raises(RuleRefused, match="only a draft is approved or returned"):
        return_letter(uow, actor=sue, case_number=number, note="Too late")
    with store.uow(readonly=True) as uow:
        steps = [(e.action, e.actor) for e in uow.session.exec(
            select(AuditEvent).where(AuditEvent.action.like("letter.%")).order_by(AuditEvent.id))]  # type: ignore[attr-defined]
    assert steps == [("letter.draft", "sam"), ("letter.draft", "sam"), ("letter.submit", "sam"),
                     ("letter.return", "sue"), ("letter.draft", "sam"), ("letter.submit", "sam"),
                     ("letter.approve", "sue")]


def test_the_approved_words_become_a_pdf_owner_only_and_the_approver_never_signs(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    sam, sue = staff["specialist"], staff["supervisor"]
    number = _complaint(store, staff)
    words = f"Dear Se\u00f1ora {CALLER},\n\n" + "The route is restored. " * 200  # several pages, Spanish letters
    with store.uow() as uow:
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, text=words, submit=True)
    with store.uow(readonly=True) as uow, pytest.raises(RuleRefused, match="not approved yet"):
        approved_text(uow.session, number, viewer=sam)
    with store.uow() as uow:
        casework.advance_letter(uow, actor=sue, case_number=number, step="approve")
    with store.uow(readonly=True) as uow:
        text = approved_text(uow.session, number, viewer=sam)
    data = letter_pdf(text, title=f"Response letter, case {number}")
    target = tmp_path / "letter.pdf"
    write_file(target, data, "letter", new_only=True)
    assert target.read_bytes().startswith(b"%PDF-") and stat.S_IMODE(target.stat().st_mode) == 0o600
    drawn = _pdf_text(data)
    assert f"Dear Se\u00f1ora {CALLER}," in drawn and drawn.count("The route is restored.") >= 150
    pages = re.search(rb"/Count (\d+)", data)
    assert pages and int(pages.group(1)) >= 2  # 200 sentences (4,600 characters) do not fit on one Letter page
    with pytest.raises(RuleRefused, match="cannot print"):
        letter_pdf("Dear \u5f20\u4f1f,", title="x")
    with store.uow() as uow, pytest.raises(RuleRefused, match="someone else signs"):
        casework.advance_letter(uow, actor=sue, case_number=number, step="attach", attachment=target)
    with store.uow() as uow:
        signed = casework.advance_letter(uow, actor=sam, case_number=number, step="attach", attachment=target)
    with store.uow() as uow:
        informed = casework.advance_letter(uow, actor=sam, case_number=number, step="inform")
    assert (signed.signed_by, informed.letter_status) == ("sam", "coordinator_informed")


def test_an_abuse_mark_empties_the_letters_words_and_the_trail_keeps_only_fingerprints(
        store: Store, staff: dict[str, Actor]) -> None:
    sam, sue = staff["specialist"], staff["supervisor"]
    number = _complaint(store, staff)
    words = f"Dear {CALLER}, about what happened to your son on the bus."
    with store.uow() as uow:
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, text=words, submit=True)
    with store.uow() as uow:
        return_letter(uow, actor=sue, case_number=number, note=f"Do not name {CALLER}'s son")
    with store.uow() as uow:
        mark_abuse(uow, actor=sam, case_number=number)
    res = _words(store, number)
    assert (res.letter_text, res.letter_note) == ("", "")
    with store.uow() as uow, pytest.raises(RuleRefused, match="suspected child abuse"):
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, text=words)
    with store.uow(readonly=True) as uow:
        trail = json.dumps([e.model_dump(mode="json") for e in uow.session.exec(select(AuditEvent))])
    assert "about what happened" not in trail and "Do not name" not in trail


def test_no_export_carries_the_letters_words_redacted_or_not(store: Store, staff: dict[str, Actor]) -> None:
    sam, sue, admin = staff["specialist"], staff["supervisor"], staff["admin"]
    number = _complaint(store, staff)
    words = "Dear parent, our investigation of Coach Rivera found the following."
    with store.uow() as uow:
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, text=words, submit=True)
    for who, redacted in ((sue, True), (admin, False)):
        for form in ("cases", "open311"):
            with store.uow() as uow:
                export = export_cases(uow, actor=who, profile=lausd(), since=None, until=None, form=form,
                                      redacted=redacted)
            with store.uow(readonly=True) as uow:
                rows = json.dumps(list(export.rows(uow.session)), default=str)
            assert number in rows or "Transportation" in rows  # the case is in it ...
            assert "Coach Rivera" not in rows and "our investigation" not in rows  # ... its letter is not


def test_a_template_naming_an_unknown_placeholder_is_refused_when_the_profile_loads() -> None:
    import dataclasses

    from calldesk.rules.letter import fill_template, template_fields

    assert template_fields("Dear {caller_name}, case {case_number}") == ["caller_name", "case_number"]
    with pytest.raises(ValueError, match=r"names \{ssn\}"):
        template_fields("Dear {caller_name}, your {ssn}")
    with pytest.raises(ValueError, match="malformed"):
        template_fields("Dear {caller_name")
    assert fill_template("Dear {caller_name}: {{literal}}", {"caller_name": "Ana"}) == "Dear Ana: {literal}"
    with pytest.raises(RuleRefused, match="no letter template"):
        fill_template("", {})
    from pydantic import TypeAdapter

    from calldesk.rules.profile import Profile

    raw = dataclasses.asdict(lausd())
    raw["letter_template"] = "Dear {parent}"
    with pytest.raises(Exception, match=r"names \{parent\}"):
        TypeAdapter(Profile).validate_python(raw)


def test_a_submitted_letter_is_taken_back_only_on_purpose_and_the_trail_says_so(store: Store,
                                                                                 staff: dict[str, Actor]) -> None:
    """Saved again as it is (still submitted), the letter keeps waiting for approval, from when it was first sent;
    saved without submitting, it is taken back, and the trail and the History say who did."""
    sam = staff["specialist"]
    number = _complaint(store, staff)
    with store.uow() as uow:
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, submit=True)
    sent_at = _words(store, number).submitted_at
    with store.uow() as uow:
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, submit=True)  # the same words again
    assert _words(store, number).submitted_at == sent_at is not None
    with store.uow() as uow:
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, submit=False)  # unticked: taken back
    assert _words(store, number).submitted_at is None
    with store.uow(readonly=True) as uow:
        steps = [(e.action, e.old, e.new) for e in uow.session.exec(
            select(AuditEvent).where(AuditEvent.action.in_(("letter.submit", "letter.withdraw")))  # type: ignore[attr-defined]
            .order_by(AuditEvent.id))]  # type: ignore[arg-type]
    assert steps == [("letter.submit", "draft", "submitted"), ("letter.withdraw", "submitted", "draft")]


def test_the_pdf_takes_out_what_the_case_stores_about_a_third_party_as_the_email_does(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    """The letter's PDF (what is signed, attached to the emailed letter and posted) printed the approved words as
    typed, the case's student's name, id and birth date included, where the email carrying it took them out. Both
    now go to the constituent with the same words: the student's details out, the caller's own kept."""
    from calldesk.models import MailMessage, StudentCreate
    from calldesk.store.services.confidentiality import add_student
    from calldesk.store.services.mail_out import queue_message

    sam, sue = staff["specialist"], staff["supervisor"]
    number = _complaint(store, staff, email="maria@example.org")
    with store.uow() as uow:
        add_student(uow, actor=sam, case_number=number, data=StudentCreate(
            name="Bartholomew Zinkovic", student_ref="SID778812", birth_date=datetime(2012, 3, 14).date()))
    words = (f"Dear {CALLER},\nBartholomew Zinkovic (SID778812, born 03/14/2012) rides the bus again; "
             "call us at 213-555-0100.")
    with store.uow() as uow:
        draft_letter(uow, actor=sam, profile=lausd(), case_number=number, text=words, submit=True)
    with store.uow() as uow:
        casework.advance_letter(uow, actor=sue, case_number=number, step="approve")
    with store.uow(readonly=True) as uow:
        text = approved_text(uow.session, number, viewer=sam)
    drawn = _pdf_text(letter_pdf(text, title=f"Response letter, case {number}"))
    assert f"Dear {CALLER}," in drawn and "rides the bus again" in drawn
    for detail in ("Bartholomew", "Zinkovic", "SID778812", "03/14/2012"):
        assert detail not in drawn, drawn
    assert "[NAME] \\([ID], born [DATE]\\) rides" in drawn, drawn
    with store.uow() as uow:
        queue_message(uow, actor=sam, profile=lausd(), case_number=number, kind="letter")
    with store.uow(readonly=True) as uow:
        body = uow.session.exec(select(MailMessage.body)).one()
    assert text in body  # the email's letter is the PDF's
