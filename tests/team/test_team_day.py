"""A team's day on PostgreSQL, through the logins (issue 20): each step of the Area Offices seed done by the role the
seed names, on that person's own connection (their database role, made by `calldesk db grant`) with their calldesk
user. The owner's connection only looks behind the rules afterwards."""

from __future__ import annotations

import json
import re
from datetime import datetime, time
from pathlib import Path

import pytest
from sqlmodel import select

from calldesk.errors import RuleRefused
from calldesk.models import Escalation, FollowUpCreate, Report, Resolution, ResolutionUpdate
from calldesk.profiles import load_profile
from calldesk.rules.calendar import calendar_for
from calldesk.rules.reporting import month_period
from calldesk.store.db.security import FINGERPRINT
from calldesk.store.services import escalation
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.cases import close_case
from calldesk.store.services.clocks import meet_clock
from calldesk.store.services.letters import draft_letter
from calldesk.store.services.reports import approve_report, run_report
from tests.conftest import TEAM_PLACES, Team
from tests.integration.helpers import call
from tests.team.helpers import acting, behind, events, owner_rows, trail, version, work_of

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

AREA = load_profile("area_offices")
SCHOOL = TEAM_PLACES  # "Roosevelt High": rex's school
CALLER, PHONE = "Maria Gomez", "(718) 555-0142"
CLAIM = "The bus driver left my son at the wrong stop twice this week"
EVIDENCE = "Two text messages from the transportation office dated this week"
STEPS = "Spoke with the principal on Monday and nothing changed"
ACK = "Called Ms Gomez to acknowledge receipt of her complaint"
FOLLOW_UPS = [("Asked the transportation office for the route logs", "Route logs due on Wednesday"),
              ("Met the principal and the drivers supervisor", "Write the response letter")]
RESPONSE = "The driver was retrained and the stop moved back to Elm Street"
OUTCOME = "Resolved with a corrective plan for the route"
VIOLATION = "Board policy 3540 on student transportation safety"
WRITTEN = "Response letter mailed to Ms Gomez with the corrective plan"
NARRATIVE = [CLAIM, EVIDENCE, STEPS, ACK, *(t for pair in FOLLOW_UPS for t in pair), RESPONSE, OUTCOME, VIOLATION,
             WRITTEN]
LETTER = f"%PDF-1.4\nDear {CALLER},\n{RESPONSE}.\nSigned, the Resolution Specialist\n".encode()


def _blob(event: object) -> str:
    return " ".join(str(getattr(event, name) or "") for name in ("entity_id", "field", "old", "new", "changes"))


def test_a_complaints_day_from_the_call_to_the_approved_monthly_report(team: Team, tmp_path: Path) -> None:
    ana, sam, sue = team.name("ana"), team.name("sam"), team.name("sue")
    # ana takes the call: a complaint, with its claim, about Roosevelt High.
    opened = call(team.store("ana"), team.actor("ana"), AREA, call_type="complaint", category="Transportation",
                  school=SCHOOL, caller_name=CALLER, phone=PHONE, claim=CLAIM, evidence=EVIDENCE,
                  steps_taken=STEPS, steps_confirmed=True).case
    number = opened.case_number
    # Routed to the specialists AND assigned to one: sam, the only specialist.
    assert (opened.tier, opened.owner_role, opened.opened_by) == ("complaint", "specialist", ana)
    assert opened.assigned_to == sam and behind(team, number).assigned_to == sam
    assert opened.acknowledge_by is not None and opened.respond_by is not None  # Area Offices' two clocks
    sams = {i.kind for i in work_of(team, "sam", AREA) if i.case_number == number}
    assert {"case", "acknowledgement", "written response"} <= sams
    assert [i for i in work_of(team, "ana", AREA) if i.case_number == number] == []  # it is sam's, not ana's

    # sam acknowledges within 2 school days, then writes the follow-up entries.
    seen = version(team, "sam", number)
    with acting(team, "sam") as (uow, actor):
        acked = meet_clock(uow, actor=actor, case_number=number, expected_version=seen, kind="acknowledge",
                           note=ACK)
    assert acked.acknowledge_by is None
    assert "acknowledgement" not in {i.kind for i in work_of(team, "sam", AREA) if i.case_number == number}
    for done, pending in FOLLOW_UPS:
        seen = version(team, "sam", number)
        with acting(team, "sam") as (uow, actor):
            entry = casework.add_follow_up(uow, actor=actor, profile=AREA, case_number=number, expected_version=seen,
                                           data=FollowUpCreate(done=done, pending=pending))
        assert entry.by_user == sam

    # sam records the resolution with an alleged violation: the letter is drafted.
    with acting(team, "sam") as (uow, actor):
        drafted = casework.set_resolution(uow, actor=actor, case_number=number, data=ResolutionUpdate(
            response=RESPONSE, outcome=OUTCOME, alleged_violation=VIOLATION))
    assert drafted.letter_status == "draft"
    with acting(team, "sam") as (uow, actor):  # sam writes the letter's words and submits them
        draft_letter(uow, actor=actor, profile=AREA, case_number=number, submit=True,
                     text=f"Dear {CALLER},\n{RESPONSE}.\n{VIOLATION}.")
    letters = [i for i in work_of(team, "sue", AREA) if i.kind == "letter" and i.case_number == number]
    assert len(letters) == 1 and "approve (or return) the response letter" in letters[0].what
    assert "letter" not in {i.kind for i in work_of(team, "sam", AREA)}  # approvals are the supervisors'

    with acting(team, "sue") as (uow, actor):
        approved = casework.advance_letter(uow, actor=actor, case_number=number, step="approve")
    assert approved.letter_status == "approved" and approved.approved_by == sue
    assert not [i for i in work_of(team, "sue", AREA) if i.kind == "letter" and i.case_number == number]

    signed = tmp_path / "signed-letter.pdf"
    signed.write_bytes(LETTER)
    with acting(team, "sam") as (uow, actor):
        attached = casework.advance_letter(uow, actor=actor, case_number=number, step="attach", attachment=signed)
    assert attached.letter_status == "signed" and attached.signed_by == sam
    with acting(team, "sam") as (uow, actor):
        informed = casework.advance_letter(uow, actor=actor, case_number=number, step="inform")
    assert informed.letter_status == "coordinator_informed"
    resolution = owner_rows(team, select(Resolution).where(Resolution.case_id == opened.id))[0]
    assert resolution.coordinator_informed_at is not None and resolution.signed_by == sam
    seen = version(team, "sam", number)
    with acting(team, "sam") as (uow, actor):
        meet_clock(uow, actor=actor, case_number=number, expected_version=seen, kind="written_response",
                   note=WRITTEN)
    seen = version(team, "sam", number)
    with acting(team, "sam") as (uow, actor):
        closed = close_case(uow, actor=actor, case_number=number, expected_version=seen, profile=AREA)
    assert closed.status == "closed" and closed.next_deadline is None
    assert behind(team, number).closed_by == sam
    assert [i for i in work_of(team, "sam", AREA) if i.case_number == number] == []

    # sue runs the month's report and approves it.
    local = calendar_for(AREA).local(opened.opened_at)
    period = month_period(f"{local.year}-{local.month:02d}")
    with acting(team, "sue") as (uow, actor):
        run = run_report(uow, actor=actor, profile=AREA, period=period)
    assert run.status == "draft" and run.run_by == sue
    assert run.numbers["counts"]["call_type"] == {"complaint": 1} and run.numbers["total"] == 1
    assert [i.report_id for i in work_of(team, "sue", AREA) if i.kind == "report"] == [run.report_id]
    with acting(team, "sue") as (uow, actor):
        done = approve_report(uow, actor=actor, profile=AREA, report_id=run.report_id)
    assert done.status == "approved" and done.approved_by == sue
    report = owner_rows(team, select(Report).where(Report.id == run.report_id))[0]
    assert (report.status, report.run_by, report.approved_by) == ("approved", sue, sue)

    # Behind the rules: each person's login is the actor of their steps ...
    case_id = opened.id
    steps = trail(team, case_id=case_id)
    expected = {"case.open": ana, "clock.acknowledge": sam, "followup.add": sam, "resolution.update": sam,
                "letter.approve": sue, "letter.attach": sam, "letter.inform": sam, "clock.written_response": sam,
                "case.close": sam}
    for action, who in expected.items():
        assert {e.actor for e in steps if e.action == action} == {who}, action
    reports = [e for e in trail(team) if e.entity == "report"]
    assert {e.action for e in reports} >= {"report.run", "report.approve"} and {e.actor for e in reports} == {sue}
    # ... the database recorded the staff's row changes itself, in the same transaction as each step ...
    recorded = {(e.action, e.entity, e.actor) for e in steps if e.action.startswith("db.")}
    assert {("db.insert", "cases", ana), ("db.insert", "clockevent", sam), ("db.insert", "followup", sam),
            ("db.insert", "resolution", sam), ("db.update", "resolution", sue), ("db.insert", "attachment", sam),
            ("db.update", "resolution", sam), ("db.update", "cases", sam)} <= recorded
    assert {actor for _, _, actor in recorded} == {ana, sam, sue}
    by_tx = {(e.tx, e.actor) for e in steps if e.action.startswith("db.")}
    for event in steps:
        if event.action in expected:
            assert event.tx is not None and (event.tx, event.actor) in by_tx, event.action
    assert ("db.update", "report", sue) in {(e.action, e.entity, e.actor) for e in reports}
    # ... and no narrative (nor the caller's name or phone, nor the letter) is in the trail verbatim.
    opening = next(e for e in steps if e.action == "case.open")
    assert re.match(FINGERPRINT, json.loads(opening.changes or "{}")["claim"][1])  # kept as a fingerprint
    everything = [_blob(e) for e in trail(team)]
    for words in [*NARRATIVE, CALLER, "7185550142", LETTER.decode()]:
        assert not [b for b in everything if words in b], words
    # The signed letter (the caller's name, the response) is not copied into the append-only trail either,
    # not even hex-encoded by the database's record of the attachment row.
    assert not [b for b in everything if LETTER.hex() in b]


def _decided_concern(team: Team, caller: str, phone: str) -> str:
    """A concern ana takes, pat (the resolution specialist it reaches) answers and closes."""
    number = call(team.store("ana"), team.actor("ana"), AREA, call_type="concern", category="Transportation",
                  school=SCHOOL, caller_name=caller, phone=phone,
                  claim="The route change leaves my daughter walking a mile").case.case_number
    assert behind(team, number).assigned_to == team.name("pat")
    with acting(team, "pat") as (uow, actor):
        casework.set_resolution(uow, actor=actor, case_number=number,
                                data=ResolutionUpdate(response="The route stays; a crossing guard is added"))
    with acting(team, "pat") as (uow, actor):
        close_case(uow, actor=actor, case_number=number, profile=AREA)
    return number


def _school_day(decided: datetime, days: int, hour: int) -> datetime:
    """`hour` o'clock on the `days`-th school day after the decision (Area Offices' calendar)."""
    calendar = calendar_for(AREA)
    day = calendar.add_open_days(decided, days).date()
    return datetime.combine(day, time(hour), tzinfo=calendar.tz)


def test_an_area_offices_appeal_within_five_school_days_reopens_and_escalates_and_a_late_one_changes_nothing(
        team: Team) -> None:
    ana, pat = team.name("ana"), team.name("pat")
    supervisors = {team.name("sue"), team.name("vic")}
    on_time = _decided_concern(team, "Rosa Diaz", "(718) 555-0177")
    decided = behind(team, on_time).closed_at
    assert decided is not None
    received = _school_day(decided, 5, 12)  # the last school day of the window
    with acting(team, "ana") as (uow, actor):  # the written appeal reaches the area office: ana records it
        appealed = escalation.appeal(uow, actor=actor, profile=AREA, case_number=on_time,
                                     reason="Written appeal: the parent asks for a review", received_at=received)
    # Seed step 4: the appeal is reviewed by the Associate Superintendent (the ladder's level 2).
    assert appealed.status == "open" and appealed.closed_at is None and appealed.escalation_level == 2
    assert appealed.owner_role == "supervisor" and appealed.assigned_to in supervisors
    assert behind(team, on_time).assigned_to == appealed.assigned_to != pat
    who = next(w for w in ("sue", "vic") if team.name(w) == appealed.assigned_to)
    assert on_time in {i.case_number for i in work_of(team, who, AREA) if i.kind == "case"}
    rows = owner_rows(team, select(Escalation).where(Escalation.case_id == appealed.id))
    assert [(r.kind, r.title, r.to_role, r.by_user, r.reason) for r in rows] == [
        ("appeal", "Associate Superintendent", "supervisor", ana, "Written appeal: the parent asks for a review")]
    assert {e.actor for e in trail(team, case_id=appealed.id) if e.action == "case.appeal"} == {ana}

    late = _decided_concern(team, "Lena Park", "(718) 555-0199")
    before, case = events(team), behind(team, late)
    assert case.closed_at is not None
    with acting(team, "ana") as (uow, actor), pytest.raises(RuleRefused, match="too late"):
        escalation.appeal(uow, actor=actor, profile=AREA, case_number=late, reason="Written appeal",
                          received_at=_school_day(case.closed_at, 6, 9))
    after = behind(team, late)
    assert events(team) == before
    assert (after.status, after.escalation_level, after.version, after.assigned_to) == (
        "closed", 0, case.version, pat)
    assert owner_rows(team, select(Escalation).where(Escalation.case_id == case.id)) == []
