"""Through the logins (issue 20): a Rochester concern climbing the OPE ladder to the Superintendent's Office, and an
absent agent's callbacks covered by her supervisor and handed on (LA DCFS). Every step on the person's own
connection; the owner's only to look behind the rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from calldesk.errors import PermissionDenied, RuleRefused
from calldesk.models import Callback, CallbackCreate, Escalation, User, utcnow
from calldesk.profiles import load_profile
from calldesk.store.db import users
from calldesk.store.read.callbacks_due import callbacks_for
from calldesk.store.services import callbacks, escalation
from calldesk.store.services import referrals_meetings_reviews as handling
from tests.conftest import TEAM_PLACES, Team
from tests.integration.helpers import call, lausd
from tests.team.helpers import (
    acting,
    agency_today,
    behind,
    business_days_ago,
    events,
    owner_rows,
    sql,
    trail,
    version,
    work_of,
)

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

ROCHESTER = load_profile("rochester")
LADDER = ["District Coordinator, Office of Parent Engagement", "Chief of Schools", "Superintendent's Office"]


def test_a_rochester_concern_climbs_to_the_superintendents_office_rung_by_rung(team: Team) -> None:
    ana, pat = team.name("ana"), team.name("pat")
    supervisors = {team.name("sue"): "sue", team.name("vic"): "vic"}
    number = call(team.store("ana"), team.actor("ana"), ROCHESTER, call_type="concern", category="Transportation",
                  school=TEAM_PLACES, caller_name="Keisha Brown", phone="(585) 555-0123",
                  claim="My son was moved to another bus without notice").case.case_number
    assert behind(team, number).assigned_to == pat
    # The PSCR sets up the resolution meeting; the parent is not satisfied with its outcome.
    with acting(team, "ana") as (uow, actor):
        meeting = handling.schedule_meeting(uow, actor=actor, case_number=number, kind="resolution",
                                            when=utcnow() + timedelta(days=2), parties=["Parent", "Principal"])
    with acting(team, "ana") as (uow, actor):
        handling.record_meeting_outcome(uow, actor=actor, case_number=number, meeting_id=meeting.id,
                                        outcome="No agreement about the bus", parent_satisfied=False)
    escalator, previous = "ana", pat
    for level, title in enumerate(LADDER, start=1):
        reason = f"Not resolved at level {level - 1}: the parent asks for the {title}"
        seen, started = version(team, escalator, number), utcnow()
        with acting(team, escalator) as (uow, actor):
            case = escalation.escalate(uow, actor=actor, profile=ROCHESTER, case_number=number, reason=reason,
                                       expected_version=seen)
        # The rung's people take it (a supervisor), never the person it climbs from.
        assert (case.escalation_level, case.owner_role) == (level, "supervisor")
        assert case.assigned_to in supervisors and case.assigned_to != previous, (level, case.assigned_to)
        holder = supervisors[case.assigned_to]
        assert number in {i.case_number for i in work_of(team, holder, ROCHESTER) if i.kind == "case"}
        if previous in supervisors:
            assert number not in {i.case_number for i in work_of(team, supervisors[previous], ROCHESTER)
                                  if i.kind == "case"}
        # Recorded with who, when and why.
        row = owner_rows(team, select(Escalation).where(Escalation.case_id == case.id)
                         .order_by(col(Escalation.id).desc()))[0]
        assert (row.level, row.kind, row.title, row.to_role, row.by_user, row.reason) == (
            level, "escalation", title, "supervisor", team.name(escalator), reason)
        assert started <= row.at <= utcnow()
        escalator, previous = holder, case.assigned_to
    with acting(team, escalator) as (uow, actor), pytest.raises(RuleRefused, match="top of the Rochester"):
        escalation.escalate(uow, actor=actor, profile=ROCHESTER, case_number=number, reason="Again")
    climbed = [e for e in trail(team, case_id=case.id) if e.action == "case.escalation"]
    db_rows = [e for e in trail(team, case_id=case.id) if e.action == "db.insert" and e.entity == "escalation"]
    assert [e.actor for e in climbed] == [e.actor for e in db_rows] == [r.by_user for r in owner_rows(
        team, select(Escalation).where(Escalation.case_id == case.id).order_by(col(Escalation.id)))]
    assert climbed[0].actor == ana and len(set(e.actor for e in climbed[1:])) == 2


def _open_callbacks(team: Team, who: str, username: str | None = None) -> dict[int, str | None]:
    """The callbacks `who` must return (id -> whom they cover for), read on their own connection."""
    profile = lausd()
    with team.store(who).uow(readonly=True) as uow:
        return {c.id: c.covering_for for c in callbacks_for(uow.session, profile=profile,
                                                            username=username or team.name(who),
                                                            today=agency_today(profile))}


def test_an_absent_agents_callback_is_covered_by_her_supervisor_handed_on_and_returned(team: Team) -> None:
    ana, bo, sue = team.name("ana"), team.name("bo"), team.name("sue")
    profile = lausd()
    earlier = len(trail(team))  # the team's set-up
    with acting(team, "ana") as (uow, actor):
        taken = callbacks.add_callback(uow, actor=actor, profile=profile, data=CallbackCreate(
            caller_name="Principal Lee", phone="2135550111", message="Please call back about the bus route"))
    assert taken.assigned_to == ana and taken.due_at > taken.received_at  # within one business day
    assert _open_callbacks(team, "ana") == {taken.id: None}
    assert taken.id not in _open_callbacks(team, "sue")  # ana is at work: hers alone
    # sue marks ana absent since two business days ago: sue covers ana's callbacks.
    with acting(team, "sue") as (uow, actor):
        users.set_absence(uow, actor=actor, username=ana, absent_since=business_days_ago(profile, 2))
    assert _open_callbacks(team, "sue") == {taken.id: ana}  # "covering for" ana
    assert taken.id in {i.callback_id for i in work_of(team, "sue", profile) if i.kind == "callback"}
    assert taken.id not in _open_callbacks(team, "bo") and taken.id not in _open_callbacks(team, "vic")
    # sue hands it on to bo, who tries, then reaches the caller.
    with acting(team, "sue") as (uow, actor):
        handed = callbacks.reassign_callback(uow, actor=actor, profile=profile, callback_id=taken.id, to_user=bo)
    assert handed.assigned_to == bo
    assert _open_callbacks(team, "bo") == {taken.id: None} and taken.id not in _open_callbacks(team, "sue")
    assert taken.id in {i.callback_id for i in work_of(team, "bo", profile) if i.kind == "callback"}
    with acting(team, "bo") as (uow, actor):
        tried = callbacks.record_attempt(uow, actor=actor, callback_id=taken.id, result="no answer")
    assert tried.done_at is None
    with acting(team, "bo") as (uow, actor):
        returned = callbacks.record_attempt(uow, actor=actor, callback_id=taken.id, result="reached")
    assert returned.done_at is not None
    assert owner_rows(team, select(Callback.done_by).where(Callback.id == taken.id)) == [bo]
    for who in ("ana", "bo", "sue"):
        assert taken.id not in _open_callbacks(team, who), who
    today = trail(team)[earlier:]
    steps = [(e.action, e.actor) for e in today if not e.action.startswith("db.")]
    assert steps == [("callback.add", ana), ("user.absence", sue), ("callback.reassign", sue),
                     ("callback.attempt", bo), ("callback.attempt", bo), ("callback.done", bo)]
    recorded = {(e.action, e.entity, e.actor) for e in today if e.action.startswith("db.")}
    assert {("db.update", "app_user", sue), ("db.insert", "callback", ana), ("db.update", "callback", sue),
            ("db.update", "callback", bo)} <= recorded


def test_an_agent_cannot_mark_a_colleague_absent_through_calldesk_nor_through_her_own_login(team: Team) -> None:
    bo = team.name("bo")
    before = events(team)
    with acting(team, "ana") as (uow, actor), pytest.raises(PermissionDenied):
        users.set_absence(uow, actor=actor, username=bo, absent_since=agency_today(lausd()))
    assert events(team) == before
    # grants.py: a desk role updates only absent_since, "their own absence; a supervisor's for their team".
    try:
        changed = sql(team, "ana", "UPDATE app_user SET absent_since = CURRENT_DATE WHERE username = :u "
                                   "RETURNING username", u=bo)
    except DBAPIError:
        changed = []
    assert changed == []
    assert owner_rows(team, select(User.absent_since).where(User.username == bo)) == [None]
