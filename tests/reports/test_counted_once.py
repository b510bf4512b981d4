"""OC CCTS III.A.2.b: duplicates are eliminated or consolidated, so a merged duplicate is counted once."""

from __future__ import annotations

from calldesk.rules.reporting import month_period
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.dashboard import dashboard
from calldesk.store.services.exports import export_log
from calldesk.store.services.referrals_meetings_reviews import merge_cases
from calldesk.store.services.reports import run_report
from tests.reports.seed import Spec, la, oc, open_spec

# Three complaints in October 2026, all about CalWORKs; the second is the same matter as the first, called in
# again by e-mail, so the SPPR Analyst merges it into the first: 3 complaints on file, 2 matters counted.
COMPLAINTS = [
    Spec("complaint", "Poor service", "phone", "CalWORKs", "none", "open", la(10, 5)),
    Spec("complaint", "Poor service", "email", "CalWORKs", "none", "open", la(10, 6)),
    Spec("complaint", "Facilities", "phone", "CalWORKs", "none", "open", la(10, 7)),
]


def _merged(store: Store, staff: dict[str, Actor]) -> list[str]:
    numbers = [open_spec(store, staff, spec, i).case_number for i, spec in enumerate(COMPLAINTS)]
    with store.uow() as uow:
        merge_cases(uow, actor=staff["supervisor"], case_number=numbers[1], into=numbers[0],
                    reason="same matter, called in again")
    return numbers


def test_a_merged_duplicate_is_counted_once_in_the_report_the_log_and_the_dashboard(
        store: Store, staff: dict[str, Actor]) -> None:
    _merged(store, staff)
    period = month_period("2026-10")
    with store.uow() as uow:
        run = run_report(uow, actor=staff["supervisor"], profile=oc(), period=period)
    numbers = run.numbers
    # By hand: 3 complaints - 1 merged duplicate = 2; the duplicate was the e-mail, so e-mail counts 0.
    assert numbers["total"] == 2
    assert numbers["counts"]["call_type"] == {"complaint": 2}
    assert numbers["counts"]["channel"] == {"phone": 2}
    assert numbers["counts"]["category"] == {"Facilities": 1, "Poor service": 1}
    assert numbers["trends"]["places"]["CalWORKs"] == [0, 0, 2]
    # The merged duplicate is not "not reportable" either: it is part of its survivor.
    assert numbers["not_reportable"]["total"] == 0

    start, end = period.bounds(oc())
    with store.uow() as uow:
        headers, log = export_log(uow, actor=staff["supervisor"], profile=oc(), since=start, until=end)
    with store.uow(readonly=True) as uow:
        rows = list(log.rows(uow.session))
    assert log.total == 2 and len(rows) == 2
    assert [row["Media"] for row in rows] == ["phone", "phone"]

    with store.uow(readonly=True) as uow:
        board = dashboard(uow.session, actor=staff["supervisor"], profile=oc(), now=la(10, 31))
    assert dict(board.by_type) == {"complaint": 2}
    assert sum(n for _, n in board.weeks) == 2




def test_a_case_with_no_deadline_the_profile_defines_is_no_target_not_on_time(
        store: Store, staff: dict[str, Actor]) -> None:
    from sqlalchemy import update
    from sqlmodel import col

    from calldesk.models import Case

    # Two inquiries closed on time; then the profile's clock is taken off one (as a tier without a resolution
    # target leaves it): 1 on time, 1 with no target, 0 late - never counted as met.
    numbers = [open_spec(store, staff, Spec("inquiry", "General information", "phone", "Medi-Cal", "none", "on_time",
                                            la(10, d)), d).case_number for d in (5, 6)]
    with store.uow() as uow:
        uow.session.execute(update(Case).where(col(Case.case_number) == numbers[1]).values(resolve_by=None))
        uow.commit()
    with store.uow() as uow:
        run = run_report(uow, actor=staff["supervisor"], profile=oc(), period=month_period("2026-10"))
    assert run.numbers["counts"]["sla"] == {"on_time": 1, "no_target": 1}
    # The report says which numbers are OC's own settings, not D 36's.
    assert "resolution targets" in run.footnote and "own settings" in run.footnote
