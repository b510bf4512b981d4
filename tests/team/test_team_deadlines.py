"""Through the logins (issue 22): clocks met late counted as breached, an extension moving the resolution, an appeal's
reopening restarting the deadlines, and DCFS callbacks (received time, urgency re-assessed by the supervisor, never
handed to someone absent). Every step on the person's own connection; the owner's only to look behind the rules.
Dates are worked out in tests/integration/test_deadlines_judged.py (Area Offices, school days, New York)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from calldesk.errors import PermissionDenied, RuleRefused
from calldesk.models import CallbackCreate, ResolutionUpdate, utcnow
from calldesk.profiles import load_profile
from calldesk.rules.reporting import month_period
from calldesk.rules.triage import deadlines_for
from calldesk.store.db import users
from calldesk.store.read.queue import QueueFilter, queue_page
from calldesk.store.services import callbacks, escalation
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.cases import close_case
from calldesk.store.services.clocks import extend_clock, meet_clock
from calldesk.store.services.reports import run_report
from tests.conftest import Team
from tests.integration.helpers import LA, call, lausd
from tests.team.helpers import acting, behind, trail, work_of

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

NY = ZoneInfo("America/New_York")
AREA = load_profile("area_offices")
OPENED = datetime(2026, 10, 1, 10, tzinfo=NY)  # acknowledge by the end of Mon 5 Oct, written response Fri 16 Oct


def test_clocks_met_late_through_the_logins_count_as_breached_for_the_supervisor(team: Team) -> None:
    pat = team.name("pat")
    number = call(team.store("pat"), team.actor("pat"), AREA, call_type="concern", category="Transportation",
                  opened_at=OPENED).case.case_number
    with acting(team, "pat") as (uow, actor):
        meet_clock(uow, actor=actor, case_number=number, expected_version=None, kind="written_response",
                   at=datetime(2026, 11, 16, 14, tzinfo=NY))  # 19 school days late
    with acting(team, "pat") as (uow, actor):
        met = meet_clock(uow, actor=actor, case_number=number, expected_version=None, kind="acknowledge",
                         at=datetime(2026, 11, 23, 11, tzinfo=NY))  # 32 school days late
    assert met.late_clocks == 2 and behind(team, number).late_clocks == 2
    assert [e.field for e in trail(team, case_id=met.id) if e.action.endswith(".late")] == ["late_clocks"] * 2
    assert {e.actor for e in trail(team, case_id=met.id) if e.action.endswith(".late")} == {pat}
    with acting(team, "sue") as (uow, actor):
        rows = queue_page(uow.session, actor=actor, now=utcnow(), filters=QueueFilter(sla="breached")).rows
    assert [r.sla.label for r in rows if r.case_number == number] == ["BREACHED"]
    assert number in {i.case_number for i in work_of(team, "sue", AREA) if i.kind == "breached"}
    with acting(team, "sue") as (uow, actor):
        report = run_report(uow, actor=actor, profile=AREA, period=month_period("2026-10"))
    assert report.numbers["counts"]["sla"] == {"breached": 1}


def test_an_extension_and_an_appeals_reopening_through_the_logins(team: Team) -> None:
    number = call(team.store("pat"), team.actor("pat"), AREA, call_type="concern", category="Transportation",
                  opened_at=OPENED).case.case_number
    with acting(team, "pat") as (uow, actor):
        extended = extend_clock(uow, actor=actor, profile=AREA, case_number=number, expected_version=None,
                                kind="written_response", new_due=date(2026, 10, 30),
                                notice="Letter sent: the bus company needs two more weeks")
    new_due = datetime(2026, 10, 30, 23, 59, 59, tzinfo=NY)
    assert extended.respond_by == new_due and extended.resolve_by == new_due
    with acting(team, "pat") as (uow, actor):
        casework.set_resolution(uow, actor=actor, case_number=number,
                                data=ResolutionUpdate(response="The route is restored from Monday."))
    with acting(team, "sue") as (uow, actor):
        close_case(uow, actor=actor, case_number=number, profile=AREA)
    with acting(team, "pat") as (uow, actor):
        reopened = escalation.appeal(uow, actor=actor, profile=AREA, case_number=number,
                                     reason="Written appeal: the route is still missing")
    assert reopened.status == "open" and reopened.assigned_at is not None
    fresh = deadlines_for(AREA, "concern", reopened.assigned_at)
    assert (reopened.acknowledge_by, reopened.respond_by, reopened.resolve_by) == (
        fresh.acknowledge_by, fresh.respond_by, fresh.resolve_by)
    assert behind(team, number).resolve_by == fresh.resolve_by


def test_dcfs_callbacks_through_the_logins(team: Team) -> None:
    bo, sue = team.name("bo"), team.name("sue")
    received = datetime(2026, 12, 4, 16, 30, tzinfo=LA)  # typed in later: due the end of Mon 7 Dec
    with acting(team, "ana") as (uow, actor):
        taken = callbacks.add_callback(uow, actor=actor, profile=lausd(), data=CallbackCreate(
            caller_name="Principal Lee", phone="2135550111", received_at=received))
    assert taken.due_at == datetime(2026, 12, 7, 23, 59, 59, tzinfo=LA)
    with acting(team, "bo") as (uow, actor), pytest.raises(PermissionDenied):
        callbacks.reassess_urgency(uow, actor=actor, profile=lausd(), callback_id=taken.id, urgent=True)
    with acting(team, "sue") as (uow, actor):
        urgent = callbacks.reassess_urgency(uow, actor=actor, profile=lausd(), callback_id=taken.id, urgent=True)
    assert urgent.urgent and urgent.due_at == received
    assert [(e.actor, e.field) for e in trail(team) if e.action == "callback.assess"] == [
        (sue, "urgent"), (sue, "due_at")]
    with acting(team, "sue") as (uow, actor):
        users.set_absence(uow, actor=actor, username=bo, absent_since=date(2026, 12, 1))
    with acting(team, "sue") as (uow, actor), pytest.raises(RuleRefused, match="away since"):
        callbacks.reassign_callback(uow, actor=actor, profile=lausd(), callback_id=taken.id, to_user=bo)
    with acting(team, "sue") as (uow, actor):
        handed = callbacks.reassign_callback(uow, actor=actor, profile=lausd(), callback_id=taken.id,
                                             to_user=team.name("pat"))
    assert handed.assigned_to == team.name("pat")
