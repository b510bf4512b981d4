"""The response letter's words through the team's own logins on PostgreSQL (issue 22, LAUSD seed step 5): sam (the
specialist) drafts from the profile's template and submits, sue (a supervisor) returns it with a note, sam edits and
submits again, sue approves, sam prints the approved words to PDF, signs, attaches and informs the coordinator. What
calldesk refuses, the database refuses too, for a login that goes around it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from calldesk.errors import PermissionDenied, RuleRefused
from calldesk.letter_pdf import letter_pdf
from calldesk.models import Resolution, ResolutionUpdate
from calldesk.output_files import write_file
from calldesk.store.db.security import FINGERPRINT
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.letters import approved_text, draft_letter, letter_words, return_letter
from tests.conftest import TEAM_PLACES, Team
from tests.integration.helpers import LA, call, lausd
from tests.team.helpers import acting, owner_rows, sql, trail, work_of

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

CALLER = "Maria Gomez"
RESPONSE = "The route was restored and the driver retrained"
VIOLATION = "IDEA 300.101 (transportation as a related service)"
NOTE = "Say on which day the route was restored"
EDITED = f"Dear {CALLER},\nThe route was restored on Tuesday, December 1, 2026.\n{VIOLATION}."


def _refused(team: Team, who: str, statement: str, words: str) -> None:
    """`who`'s own login runs `statement` around calldesk: the database refuses it, in `words`."""
    with pytest.raises(DBAPIError, match=words):
        sql(team, who, statement)


def test_a_letter_drafted_returned_approved_printed_signed_and_informed_by_the_logins(
        team: Team, tmp_path: Path) -> None:
    sam, sue = team.name("sam"), team.name("sue")
    profile = lausd()
    case = call(team.store("ana"), team.actor("ana"), profile, call_type="complaint", category="Transportation",
                school=TEAM_PLACES, caller_name=CALLER, phone="(213) 555-0142", claim="The bus left my son behind",
                opened_at=datetime(2026, 11, 23, 10, tzinfo=LA)).case
    number = case.case_number
    assert case.assigned_to == sam  # the only specialist
    with acting(team, "sam") as (uow, actor):
        casework.set_resolution(uow, actor=actor, case_number=number, data=ResolutionUpdate(
            response=RESPONSE, outcome="Resolved", alleged_violation=VIOLATION))
    assert [i.kind for i in work_of(team, "sam", profile) if i.case_number == number].count("letter draft") == 1

    # sam drafts from the template (by hand from lausd.toml: opened Mon 23 Nov 2026 reads "November 23, 2026").
    with acting(team, "sam") as (uow, actor):
        drafted = draft_letter(uow, actor=actor, profile=profile, case_number=number)
    assert f"Dear {CALLER}," in drafted.letter_text and "made on November 23, 2026." in drafted.letter_text
    assert f"Alleged violation: {VIOLATION}" in drafted.letter_text and drafted.drafted_by == sam
    # Not submitted: sue cannot approve it, neither through calldesk nor around it.
    with acting(team, "sue") as (uow, actor), pytest.raises(RuleRefused, match="not been submitted"):
        casework.advance_letter(uow, actor=actor, case_number=number, step="approve")
    _refused(team, "sue", f"UPDATE resolution SET letter_status = 'approved' WHERE case_id = {case.id}",
             "approved only once its text is drafted and submitted")
    with acting(team, "sam") as (uow, actor):
        draft_letter(uow, actor=actor, profile=profile, case_number=number, submit=True)
    assert [i.case_number for i in work_of(team, "sue", profile) if i.kind == "letter"] == [number]

    # sue reads it and returns it with a note; sam may not return it, nor write a note around calldesk.
    with acting(team, "sue") as (uow, actor):
        assert letter_words(uow.session, number, viewer=actor).text == drafted.letter_text
    with acting(team, "sam") as (uow, actor), pytest.raises(PermissionDenied):
        return_letter(uow, actor=actor, case_number=number, note=NOTE)
    _refused(team, "sam", f"UPDATE resolution SET letter_note = 'x' WHERE case_id = {case.id}",
             "only an approver's role returns")
    _refused(team, "ana", f"UPDATE resolution SET letter_text = 'forged words' WHERE case_id = {case.id}",
             "only a drafter's role writes")
    with acting(team, "sue") as (uow, actor):
        back = return_letter(uow, actor=actor, case_number=number, note=NOTE)
    assert (back.letter_status, back.returned_by, back.submitted_at) == ("draft", sue, None)
    assert f"letter on {number} returned by {sue}: {NOTE}" in [i.what for i in work_of(team, "sam", profile)]
    assert not [i for i in work_of(team, "sue", profile) if i.kind == "letter"]

    # sam edits and submits; sue approves; the approved words no longer change, even around calldesk.
    with acting(team, "sam") as (uow, actor):
        draft_letter(uow, actor=actor, profile=profile, case_number=number, text=EDITED, submit=True)
    with acting(team, "sue") as (uow, actor):
        approved = casework.advance_letter(uow, actor=actor, case_number=number, step="approve")
    assert (approved.letter_status, approved.approved_by, approved.letter_text) == ("approved", sue, EDITED)
    _refused(team, "sam", f"UPDATE resolution SET letter_text = 'other words' WHERE case_id = {case.id}",
             "changes only while it is a draft")
    _refused(team, "sue", f"UPDATE resolution SET letter_note = 'late note' WHERE case_id = {case.id}",
             "only a draft letter is returned")

    # sam prints the approved words, signs, attaches the PDF, informs the coordinator; sue never signs.
    with acting(team, "sam") as (uow, actor):
        text = approved_text(uow.session, number, viewer=actor)
    pdf = tmp_path / "letter.pdf"
    write_file(pdf, letter_pdf(text, title=f"Response letter, case {number}"), "letter", new_only=True)
    with acting(team, "sue") as (uow, actor), pytest.raises(RuleRefused, match="someone else signs"):
        casework.advance_letter(uow, actor=actor, case_number=number, step="attach", attachment=pdf)
    _refused(team, "sue", f"UPDATE resolution SET letter_status = 'signed' WHERE case_id = {case.id}",
             "who approved a letter never signs it")
    with acting(team, "sam") as (uow, actor):
        signed = casework.advance_letter(uow, actor=actor, case_number=number, step="attach", attachment=pdf)
    with acting(team, "sam") as (uow, actor):
        informed = casework.advance_letter(uow, actor=actor, case_number=number, step="inform")
    assert (signed.signed_by, informed.letter_status) == (sam, "coordinator_informed")

    # Behind the rules: each step names its login; the words are in the trail only as fingerprints.
    row = owner_rows(team, select(Resolution).where(Resolution.case_id == case.id))[0]
    assert (row.drafted_by, row.returned_by, row.approved_by, row.signed_by) == (sam, sue, sue, sam)
    assert row.letter_note == NOTE and row.coordinator_informed_at is not None
    events = trail(team, case_id=case.id)
    steps = [(e.action, e.actor) for e in events if e.action.startswith("letter.")]
    # (submitting the template's words unchanged records the submission only: the words did not change)
    assert steps == [("letter.draft", sam), ("letter.submit", sam), ("letter.return", sue),
                     ("letter.draft", sam), ("letter.submit", sam), ("letter.approve", sue), ("letter.attach", sam),
                     ("letter.attach", sam), ("letter.inform", sam)]
    import re

    for event in events:
        for value in (event.old, event.new):
            assert not value or (EDITED not in value and NOTE not in value), (event.action, event.field)
        if event.field in ("letter_text", "letter_note") and event.new:
            assert re.match(FINGERPRINT, event.new), (event.action, event.new)
