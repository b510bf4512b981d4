"""The monthly report on both backends: counts by SQL, non-reportable matters apart, approval freezes it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from calldesk.errors import PermissionDenied, RuleRefused
from calldesk.models import AuditEvent
from calldesk.rules.reporting import month_period, quarter_period
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.reports import approve_report, run_report
from tests.reports.seed import DISCRIMINATION, OCTOBER, OUTSIDE, Spec, expected_counts, la, oc, open_spec


@pytest.fixture
def october(store: Store, staff: dict[str, Actor]) -> list[str]:
    numbers = [open_spec(store, staff, spec, i).case_number
               for i, spec in enumerate([*OCTOBER, DISCRIMINATION, *OUTSIDE])]
    return numbers


def test_a_month_of_cases_gives_the_counts_worked_out_by_hand(store: Store, staff: dict[str, Actor],
                                                                 october: list[str]) -> None:
    with store.uow() as uow:
        run = run_report(uow, actor=staff["supervisor"], profile=oc(), period=month_period("2026-10"))
    numbers = run.numbers
    assert numbers["total"] == len(OCTOBER) == 8
    counts = numbers["counts"]
    for dimension, expected in expected_counts(OCTOBER).items():
        assert counts[dimension] == expected, dimension
    assert sum(counts["tier"].values()) == 8 and "(none)" in counts["tier"]  # the compliment has no tier
    # The discrimination allegation is tracked and routed, never counted.
    assert "Discrimination" not in counts["category"]
    not_reportable = numbers["not_reportable"]
    assert not_reportable["total"] == 1
    assert not_reportable["routes"] == [{"route_to": "civil rights coordinator", "category": "Discrimination",
                                         "count": 1}]
    listed = not_reportable["cases"][0]
    assert listed["case"].startswith("C-") and listed["case"] != october[8]
    # Trends: the three months ending October, by department (September's case is the 30 Sep one).
    assert numbers["trends"]["months"] == ["2026-08", "2026-09", "2026-10"]
    assert numbers["trends"]["places"]["Medi-Cal"] == [0, 1, 4]
    assert run.status == "draft" and [s.step for s in run.chain][-1] == "report_submitted"


def test_a_quarter_rolls_up_its_months(store: Store, staff: dict[str, Actor], october: list[str]) -> None:
    with store.uow() as uow:
        run = run_report(uow, actor=staff["admin"], profile=oc(), period=quarter_period("2026Q4"))
    # October's eight plus the 1 Nov 00:30 case; September's is in Q3.
    assert run.numbers["total"] == 9 and run.numbers["trends"]["months"] == ["2026-10", "2026-11", "2026-12"]
    assert run.numbers["trends"]["places"]["Medi-Cal"] == [4, 1, 0]


def test_approval_is_a_supervisors_freezes_the_numbers_and_a_rerun_shows_changes(
        store: Store, staff: dict[str, Actor], october: list[str]) -> None:
    period = month_period("2026-10")
    with store.uow() as uow, pytest.raises(PermissionDenied, match="Only supervisors or admins may run reports"):
        run_report(uow, actor=staff["agent"], profile=oc(), period=period)
    with store.uow() as uow:
        draft = run_report(uow, actor=staff["admin"], profile=oc(), period=period)
    for role in ("admin", "specialist"):
        with store.uow() as uow, pytest.raises(PermissionDenied, match="approve reports"):
            approve_report(uow, actor=staff[role], profile=oc(), report_id=draft.report_id)
    with store.uow() as uow:
        approved = approve_report(uow, actor=staff["supervisor"], profile=oc(), report_id=draft.report_id)
    assert approved.status == "approved" and approved.approved_by == "sue" and approved.approved_at is not None
    with store.uow() as uow, pytest.raises(RuleRefused, match="already approved by sue"):
        approve_report(uow, actor=staff["supervisor"], profile=oc(), report_id=draft.report_id)

    late_arrival = Spec("complaint", "Facilities", "fax", "CalFresh", "none", "open", la(10, 21))
    open_spec(store, staff, late_arrival, 40)
    with store.uow() as uow:
        rerun = run_report(uow, actor=staff["supervisor"], profile=oc(), period=period)
    assert rerun.status == "approved" and rerun.numbers["total"] == 8  # the frozen numbers
    changed = {(d.dimension, d.key): (d.approved, d.now) for d in rerun.differences}
    assert changed[("total", "reportable cases")] == (8, 9)
    assert changed[("channel", "fax")] == (0, 1) and changed[("call_type", "complaint")] == (3, 4)
    with store.uow(readonly=True) as uow:
        events = uow.session.exec(select(AuditEvent).where(AuditEvent.entity == "report")).all()
    assert [(e.action, e.actor) for e in events if e.action == "report.approve"] == [("report.approve", "sue")]
    assert {e.action for e in events} == {"report.run", "report.approve", "report.rerun"}
