"""OC CCTS III.B: each reporting-chain step is marked done by the person who does it, when they do it."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from calldesk.errors import InvalidInput, PermissionDenied, RuleRefused
from calldesk.models import AuditEvent, ReportStepDone
from calldesk.rules.reporting import month_period, quarter_period
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.report_steps import mark_step
from calldesk.store.services.reports import report_status, run_report
from tests.cli.test_cli import run
from tests.conftest import Team
from tests.reports.seed import LA, oc
from tests.team.helpers import acting

OCTOBER = month_period("2026-10")


def test_a_draft_is_not_a_done_step_and_each_step_says_who_when_and_how_late(
        store: Store, staff: dict[str, Actor]) -> None:
    with store.uow() as uow:
        run = run_report(uow, actor=staff["supervisor"], profile=oc(), period=OCTOBER,
                         now=datetime(2026, 11, 9, 12, tzinfo=LA))
    # The draft exists; no step is done. Mon 9 Nov: Fri 30 Oct and Fri 6 Nov have passed (10 and 3 days).
    assert [(s.state, s.days_late) for s in run.chain] == [("overdue", 10), ("overdue", 3), ("due", 0),
                                                          ("upcoming", 0)]
    # The SPPR Analyst (sue, a supervisor) forwards the draft on Mon 9 Nov, its due day: done, on time.
    with store.uow() as uow:
        marked = mark_step(uow, actor=staff["supervisor"], profile=oc(), period=OCTOBER, step="draft_for_review",
                           now=datetime(2026, 11, 9, 15, tzinfo=LA))
    assert (marked.step.state, marked.step.done_by, marked.step.done_on) == ("done", "sue", date(2026, 11, 9))
    # The compilation (due Fri 6 Nov) is marked on Thu 12 Nov: 6 days late.
    with store.uow() as uow:
        marked = mark_step(uow, actor=staff["supervisor"], profile=oc(), period=OCTOBER, step="compilation_sent",
                           now=datetime(2026, 11, 12, 9, tzinfo=LA))
    assert marked.step.state == "done_late" and marked.step.days_late == 6
    assert marked.step.words == "done by sue on Thu 12 Nov, 6 days late"  # (read on Thu 12 Nov 2026: its year)
    with store.uow(readonly=True) as uow:
        status = report_status(uow.session, actor=staff["supervisor"], profile=oc(), period=OCTOBER,
                               today=date(2026, 11, 12))
        assert [s.state for s in status.chain] == ["overdue", "done_late", "done", "overdue"]
        events = uow.session.exec(select(AuditEvent).where(AuditEvent.action == "report.step")).all()
        assert sorted(e.field for e in events) == ["compilation_sent", "draft_for_review"]
    with store.uow() as uow, pytest.raises(RuleRefused, match=r"already marked done by sue on Mon 9 Nov( 2026)?\."):
        mark_step(uow, actor=staff["supervisor"], profile=oc(), period=OCTOBER, step="draft_for_review")
    for role in ("agent", "specialist", "admin"):  # not the seed's people for these steps
        with store.uow() as uow, pytest.raises(PermissionDenied):
            mark_step(uow, actor=staff[role], profile=oc(), period=OCTOBER, step="log_compiled")
    with store.uow() as uow, pytest.raises(InvalidInput, match="not a step of this chain"):
        mark_step(uow, actor=staff["supervisor"], profile=oc(), period=OCTOBER, step="quarterly_reviewed")


def test_a_quarter_step_needs_the_day_its_report_arrived_then_keeps_it(store: Store, staff: dict[str, Actor]) -> None:
    q3 = quarter_period("2026Q3")
    with store.uow() as uow, pytest.raises(InvalidInput, match="--received"):
        mark_step(uow, actor=staff["supervisor"], profile=oc(), period=q3, step="quarterly_reviewed")
    # Received Mon 9 Nov 2026: reviewed within 2 business days = Thu 12 Nov (Veterans Day Wed 11 skipped).
    with store.uow() as uow:
        marked = mark_step(uow, actor=staff["supervisor"], profile=oc(), period=q3, step="quarterly_reviewed",
                           received=date(2026, 11, 9), now=datetime(2026, 11, 13, 10, tzinfo=LA))
    assert marked.step.due == date(2026, 11, 12) and marked.step.days_late == 1
    with store.uow(readonly=True) as uow:  # the received day is kept: no need to give it again
        status = report_status(uow.session, actor=staff["supervisor"], profile=oc(), period=q3,
                               today=date(2026, 11, 13))
    assert [(s.due, s.state) for s in status.chain] == [(date(2026, 11, 12), "done_late"),
                                                        (date(2026, 11, 19), "due")]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_on_postgresql_the_step_is_the_logins_own_and_an_agent_cannot_forge_one(team: Team) -> None:
    from calldesk.profiles import load_profile

    profile = load_profile("oc_ccts")
    with acting(team, "sue") as (uow, sue):
        marked = mark_step(uow, actor=sue, profile=profile, period=OCTOBER, step="log_compiled",
                           now=datetime(2020, 1, 1, tzinfo=LA))  # a back-dated moment: the database stamps now
    assert marked.step.done_by == team.name("sue")
    assert marked.step.done_on is not None and marked.step.done_on.year >= 2026
    with acting(team, "ana") as (uow, ana), pytest.raises(PermissionDenied):
        mark_step(uow, actor=ana, profile=profile, period=OCTOBER, step="compilation_sent")
    # Behind calldesk: ana's own login cannot insert a step at all (no grant); vic's is stamped as vic's.
    with team.store("ana").engine.connect() as conn, pytest.raises(Exception, match="permission denied"):
        conn.execute(text("INSERT INTO reportstep (protocol, kind, period, step, done_by, done_at) VALUES "
                          "('oc_ccts', 'monthly', '2026-10', 'compilation_sent', 'sue', now())"))
    with team.store("vic").engine.begin() as conn:
        conn.execute(text("INSERT INTO reportstep (protocol, kind, period, step, done_by, done_at) VALUES "
                          "('oc_ccts', 'monthly', '2026-10', 'compilation_sent', 'sue', '2026-11-01')"))
    with team.owner.uow(readonly=True) as uow:
        rows = {r.step: r for r in uow.session.exec(select(ReportStepDone)).all()}
    assert rows["compilation_sent"].done_by == team.name("vic")
    assert rows["compilation_sent"].done_at.date() != date(2026, 11, 1)


def test_profile_check_flags_the_december_chain_and_show_marks_own_settings(store: Store, db_url: str) -> None:
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "profile", "check", "--json")
    warnings = json.loads(out)["warnings"]
    # By hand: December 2026's report "by the 10th" (Sun 10 Jan 2027) is Fri 8 Jan; the draft is due on January's
    # 6th business day, Mon 11 Jan (Fri 1 Jan is New Year's Day). The profile loads all the same (exit 0).
    # (the days as rules.shown says them: the year when not this year's)
    assert code == 0 and any("December 2026" in w and re.search("Fri 8 Jan( 2027)?, before", w)
                             and re.search(r"\(Mon 11 Jan( 2027)?\)", w) for w in warnings)
    code, out, _ = run(db_url, "--protocol", "rochester", "profile", "show", "--json")
    shown = {n["setting"]: n["whose"] for n in json.loads(out)["numbers"]}
    # OPE 5.1 sets no deadline: Rochester's tiers (copied from LAUSD) are its own settings.
    assert code == 0 and shown["tiers.concern.resolve_target"] == "own setting"
    assert shown["tiers.concern.owner_role"] == "own setting"
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "profile", "show", "--json")
    shown = {n["setting"]: n["whose"] for n in json.loads(out)["numbers"]}
    # D 36 sets the log within 2 business days and the report by the 10th; not the 10/15-day targets.
    assert shown["intake_within"] == "seed" and shown["monthly_report_due_day"] == "seed"
    assert shown["tiers.complaint.resolve_target"] == "own setting"
