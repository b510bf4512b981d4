"""Every seed step can be recorded (issue 22), each through the person's own PostgreSQL login: the profile's
`[[steps]]` recorded with who, when, with whom and a note; refused with a sentence when the step is not the
case's, not the person's, or missing something; shown on the case and in My work when due."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.models import CaseStep, ResolutionUpdate
from calldesk.profiles import load_profile
from calldesk.rules.calendar import calendar_for
from calldesk.store.read.one_case import get_case
from calldesk.store.read.step_states import case_steps
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.case_steps import record_step
from calldesk.store.services.cases import close_case
from tests.conftest import Team
from tests.integration.helpers import call
from tests.team.helpers import acting, behind, events, owner_rows, sql, trail, work_of

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

AREA, LAUSD, ROCHESTER, OC = (load_profile(n) for n in ("area_offices", "lausd", "rochester", "oc_ccts"))
SCHOOL = "Roosevelt High"


def _steps(team: Team, who: str, number: str, profile: object) -> dict[str, object]:
    actor = team.actor(who)
    with team.store(who).uow(readonly=True) as uow:
        case = get_case(uow.session, number, viewer=actor)
        return {s.rule.name: s for s in case_steps(uow.session, profile=profile, case=case)}  # type: ignore[arg-type]


def test_area_offices_level_one_needs_the_building_level_attempt_before_it_is_resolved(team: Team) -> None:
    # Seed, Level One: "the assistant/specialist must confirm that there has been an attempt to handle the inquiry
    # at the building level/principal. If the attempt has been made ... then the inquiry should be documented".
    number = call(team.store("ana"), team.actor("ana"), AREA, call_type="inquiry", category="Enrollment",
                  subcategory="New enrollment", school=SCHOOL).case.case_number
    before = events(team)
    with acting(team, "ana") as (uow, actor), pytest.raises(RuleRefused, match="building level") as refused:
        casework.set_resolution(uow, actor=actor, case_number=number, data=ResolutionUpdate(response="Route fixed"))
    assert f"calldesk case step {number} building_attempt" in refused.value.message
    assert events(team) == before  # nothing written
    with acting(team, "ana") as (uow, actor), pytest.raises(RuleRefused, match="building level"):
        close_case(uow, actor=actor, case_number=number, profile=AREA)
    # Who at the school is required; a future date is refused.
    with acting(team, "ana") as (uow, actor), pytest.raises(InvalidInput, match="Who at the school"):
        record_step(uow, actor=actor, profile=AREA, case_number=number, step="building_attempt")
    tz = calendar_for(AREA).tz
    when = datetime(2026, 11, 20, 9, 30, tzinfo=tz)  # the parent went to the principal on Fri 20 Nov, 09:30
    with acting(team, "ana") as (uow, actor):
        row = record_step(uow, actor=actor, profile=AREA, case_number=number, step="building_attempt",
                          party="Principal Ortiz", happened_at=when)
    assert (row.party, row.happened_at, row.by_user) == ("Principal Ortiz", when, team.name("ana"))
    with acting(team, "ana") as (uow, actor), pytest.raises(RuleRefused, match="already"):
        record_step(uow, actor=actor, profile=AREA, case_number=number, step="building_attempt", party="Again")
    with acting(team, "ana") as (uow, actor):
        casework.set_resolution(uow, actor=actor, case_number=number, data=ResolutionUpdate(response="Route fixed"))
    with acting(team, "ana") as (uow, actor):
        close_case(uow, actor=actor, case_number=number, profile=AREA)
    assert behind(team, number).status == "closed"
    case_id = behind(team, number).id
    assert {(e.action, e.actor) for e in trail(team, case_id=case_id) if e.entity == "casestep"} >= {
        ("case.step", team.name("ana")), ("db.insert", team.name("ana"))}
    # An inquiry about no school has no such step: it resolves at once.
    plain = call(team.store("ana"), team.actor("ana"), AREA, call_type="inquiry", category="Transportation",
                 caller_name="Lena Park", phone="(718) 555-0199").case.case_number
    assert _steps(team, "ana", plain, AREA) == {}
    with acting(team, "ana") as (uow, actor):
        casework.set_resolution(uow, actor=actor, case_number=plain, data=ResolutionUpdate(response="Answered"))


def test_area_offices_the_administrator_is_informed_of_the_service_request(team: Team) -> None:
    # Seed, Level Two: "The specialist will contact the appropriate school or department administrator to inform
    # them that a Service Request has been submitted": pat (the resolution specialist the concern reaches) records it.
    number = call(team.store("ana"), team.actor("ana"), AREA, call_type="concern", category="Transportation",
                  school=SCHOOL, claim="The route change leaves my daughter walking a mile").case.case_number
    assert behind(team, number).assigned_to == team.name("pat")
    assert [(i.what, i.due) for i in work_of(team, "pat", AREA) if i.kind == "step" and i.case_number == number] == [
        (f"School or department administrator informed that a Service Request was submitted on {number}", None)]
    with acting(team, "pat") as (uow, actor):
        record_step(uow, actor=actor, profile=AREA, case_number=number, step="administrator_informed",
                    party="Principal Ortiz", note="Told by phone; the Service Request number given")
    state = _steps(team, "pat", number, AREA)["administrator_informed"]
    assert state.recorded is not None and state.recorded.by_user == team.name("pat")  # type: ignore[attr-defined]
    assert not [i for i in work_of(team, "pat", AREA) if i.kind == "step" and i.case_number == number]


def test_lausd_the_information_provided_satisfied_the_request(team: Team) -> None:
    # Step 4, inquiry columns: "Verify that the information provided satisfied the request".
    number = call(team.store("ana"), team.actor("ana"), LAUSD, call_type="inquiry",
                  category="Enrollment").case.case_number
    with acting(team, "ana") as (uow, actor), pytest.raises(InvalidInput, match="What did the caller say"):
        record_step(uow, actor=actor, profile=LAUSD, case_number=number, step="request_satisfied")
    with acting(team, "ana") as (uow, actor):
        record_step(uow, actor=actor, profile=LAUSD, case_number=number, step="request_satisfied",
                    note="The caller confirmed the enrollment steps answer her question")
    with acting(team, "ana") as (uow, actor), pytest.raises(RuleRefused, match="no step 'determination_told'"):
        record_step(uow, actor=actor, profile=LAUSD, case_number=number, step="determination_told")


def test_rochester_the_determination_is_told_to_the_parent(team: Team) -> None:
    # OPE 5.1: "After all information is compiled, the parent is contacted to let him/her know the determination
    # on how to proceed with the concern."
    number = call(team.store("ana"), team.actor("ana"), ROCHESTER, call_type="concern", category="Transportation",
                  claim="The bus skipped our stop twice").case.case_number
    pat = team.name("pat")
    assert behind(team, number).assigned_to == pat
    with acting(team, "pat") as (uow, actor), pytest.raises(InvalidInput, match="What was determined"):
        record_step(uow, actor=actor, profile=ROCHESTER, case_number=number, step="determination_told",
                    party="Mrs. Gomez (mother)")
    with acting(team, "pat") as (uow, actor):
        record_step(uow, actor=actor, profile=ROCHESTER, case_number=number, step="determination_told",
                    party="Mrs. Gomez (mother)", note="A resolution meeting with the principal and the driver")
    rows = owner_rows(team, select(CaseStep).where(CaseStep.case_id == behind(team, number).id))
    assert [(r.step, r.party, r.by_user) for r in rows] == [("determination_told", "Mrs. Gomez (mother)", pat)]


def test_oc_a_web_item_gets_the_deputy_directors_two_day_review_and_the_sppr_analyst_is_notified(
        team: Team) -> None:
    tz = calendar_for(OC).tz
    # Received through AccessOC on Wed 25 Nov 2026 at 10:00. Two business days (OC counts federal holidays
    # only): Thanksgiving Thu 26 Nov is skipped, Fri 27 Nov is day 1, Mon 30 Nov day 2: due by the end of Mon 30 Nov.
    opened = datetime(2026, 11, 25, 10, tzinfo=tz)
    number = call(team.store("ana"), team.actor("ana"), OC, call_type="inquiry", category="Poor service",
                  channel="web_form", opened_at=opened).case.case_number
    due = datetime(2026, 11, 30, 23, 59, 59, tzinfo=tz)
    state = _steps(team, "sue", number, OC)["web_review"]
    assert state.due == due and state.recorded is None  # type: ignore[attr-defined]
    # In the supervisor's My work (the deputy director or designee), overdue now; not in the agent's.
    sue_items = [i for i in work_of(team, "sue", OC) if i.kind == "step" and i.case_number == number]
    assert [(i.what, i.due, i.overdue) for i in sue_items] == [
        (f"Two-day review of the AccessOC item by the deputy director or designee on {number}", due, True)]
    assert not [i for i in work_of(team, "ana", OC) if i.kind == "step" and "AccessOC" in i.what]
    with acting(team, "ana") as (uow, actor), pytest.raises(RuleRefused, match="deputy director"):
        record_step(uow, actor=actor, profile=OC, case_number=number, step="web_review", note="Looked at it")
    with acting(team, "sue") as (uow, actor):
        record_step(uow, actor=actor, profile=OC, case_number=number, step="web_review",
                    note="A worker will call the client about the missing notice")
    assert _steps(team, "sue", number, OC)["web_review"].late(datetime.now(tz))  # type: ignore[attr-defined]
    with acting(team, "ana") as (uow, actor):
        record_step(uow, actor=actor, profile=OC, case_number=number, step="sppr_notified", party="SPPR Analyst Lee",
                    happened_at=datetime(2026, 11, 27, 9, tzinfo=tz))
    recorded = _steps(team, "ana", number, OC)["sppr_notified"]
    assert not recorded.late(datetime.now(tz))  # type: ignore[attr-defined]  # Fri 27 Nov: within two days
    # A phone call has no web review.
    phoned = call(team.store("ana"), team.actor("ana"), OC, call_type="inquiry", category="Poor service",
                  caller_name="Lena Park", phone="(714) 555-0199").case.case_number
    assert set(_steps(team, "ana", phoned, OC)) == {"sppr_notified"}


def test_a_login_cannot_record_a_step_in_another_name(team: Team) -> None:
    number = call(team.store("ana"), team.actor("ana"), LAUSD, call_type="inquiry",
                  category="Enrollment").case.case_number
    case_id = behind(team, number).id
    # Straight through her login (as psql would): the database writes her own name, whatever she typed.
    stamped = sql(team, "ana", "INSERT INTO casestep (case_id, step, label, party, note, happened_at, by_user, at) "
                               "VALUES (:c, 'request_satisfied', 'x', '', '', now(), 'sue', now()) RETURNING by_user",
                  c=case_id)
    assert stamped == [(team.name("ana"),)]


def test_an_area_offices_school_inquiry_answered_during_the_call_records_the_confirmed_attempt_with_it(
        team: Team) -> None:
    """The agent answers an inquiry about a school on the call form: with "tried the school first" ticked and the
    caller's steps saying with whom, the building-level attempt is recorded in the call's own transaction, by her;
    without the tick the save is refused in words about the form, and nothing is stored."""
    import uuid

    from calldesk.models import Case, utcnow
    from calldesk.store.services.calls import CallSave, save_call

    fields = {"caller_name": "Rosa Diaz", "phone": "(718) 555-0123", "call_type": "inquiry", "category": "Enrollment",
              "subcategory": "New enrollment", "school": SCHOOL,
              "steps_taken": "Spoke with Principal Ortiz on Friday", "steps_confirmed": False}
    with acting(team, "ana") as (uow, actor), pytest.raises(RuleRefused, match="tried the school first") as refused:
        save_call(uow, actor=actor, profile=AREA, data=CallSave(
            client_id=str(uuid.uuid4()), opened_at=utcnow(), fields=fields, response="Enrollment forms explained",
            close=False))
    assert "calldesk case step" not in refused.value.message  # no number of a case that was never saved
    assert owner_rows(team, select(Case).where(Case.caller_name == "Rosa Diaz")) == []
    with acting(team, "ana") as (uow, actor):
        saved = save_call(uow, actor=actor, profile=AREA, data=CallSave(
            client_id=str(uuid.uuid4()), opened_at=utcnow(), fields={**fields, "steps_confirmed": True},
            response="Enrollment forms explained"))
    number = saved.case.case_number
    steps = _steps(team, "ana", number, AREA)
    done = steps["building_attempt"].recorded  # type: ignore[attr-defined]
    assert done is not None and (done.party, done.by_user) == ("Spoke with Principal Ortiz on Friday",
                                                              team.name("ana"))
    rows = owner_rows(team, select(CaseStep).where(CaseStep.step == "building_attempt"))
    assert [(r.by_user, r.party) for r in rows] == [(team.name("ana"), "Spoke with Principal Ortiz on Friday")]
