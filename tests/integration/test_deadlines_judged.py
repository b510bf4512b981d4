"""Deadlines are judged, not only recorded (issue 22): a clock met after its due time is met late, by how much, and
counts as breached in the queue, the reports, the tracking logs and My work; an extension moves every deadline it
covers; an appeal's reopening counts the deadlines again. Both backends.

Hand-worked dates (Area Offices: school days, New York; closures: Tue 3 Nov 2026 and 25-27 Nov; federal holidays:
Mon 12 Oct (Columbus Day), Wed 11 Nov (Veterans Day)). A concern opened Thu 1 Oct 2026 10:00:
- acknowledge within 2 school days: Fri 2 Oct (1), Mon 5 Oct (2) -> due the end of Mon 5 Oct;
- written response within 10 school days: Fri 2, Mon 5, Tue 6, Wed 7, Thu 8, Fri 9 (6), [Mon 12 holiday], Tue 13,
  Wed 14, Thu 15, Fri 16 (10) -> due the end of Fri 16 Oct (the resolve target is 10 school days too).
An inquiry that needs follow-up opened Thu 1 Oct 10:00: reply within 48 open hours -> Mon 5 Oct 10:00.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from calldesk.models import AuditEvent, ResolutionUpdate, utcnow
from calldesk.profiles import load_profile
from calldesk.rules.calendar import calendar_for
from calldesk.rules.reporting import month_period
from calldesk.rules.sla import sla_state
from calldesk.rules.triage import deadlines_for
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.my_work import my_work
from calldesk.store.read.one_case import get_case
from calldesk.store.read.queue import QueueFilter, queue_page
from calldesk.store.services import escalation
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.cases import close_case
from calldesk.store.services.clocks import case_work, extend_clock, meet_clock
from calldesk.store.services.exports import export_log
from calldesk.store.services.reports import run_report
from tests.integration.helpers import call

NY = ZoneInfo("America/New_York")
AREA = load_profile("area_offices")
OPENED = datetime(2026, 10, 1, 10, tzinfo=NY)
ACK_DUE = datetime(2026, 10, 5, 23, 59, 59, tzinfo=NY)
WRITTEN_DUE = datetime(2026, 10, 16, 23, 59, 59, tzinfo=NY)
REPLY_DUE = datetime(2026, 10, 5, 10, tzinfo=NY)
# Met late, counted in school days after the due day (see the module docstring for the closed days):
# - the acknowledgement on Mon 23 Nov: Oct 6-9 (4), 13-16 (8), 19-23 (13), 26-30 (18), Nov 2 (19), 4-6 (22),
#   9-10 (24), 12-13 (26), 16-20 (31), 23 (32) -> 32 school days late;
ACK_MET = datetime(2026, 11, 23, 11, tzinfo=NY)
# - the written response on Mon 16 Nov: Oct 19-23 (5), 26-30 (10), Nov 2 (11), 4-6 (14), 9-10 (16), 12-13 (18),
#   16 (19) -> 19 school days late;
WRITTEN_MET = datetime(2026, 11, 16, 14, tzinfo=NY)
# - the reply on Thu 22 Oct: Oct 6-9 (4), 13-16 (8), 19-22 (12) -> 12 school days late.
REPLY_MET = datetime(2026, 10, 22, 9, tzinfo=NY)


def _late_concern_and_inquiry(store: Store, pat: Actor) -> tuple[str, str]:
    concern = call(store, pat, AREA, call_type="concern", category="Transportation", opened_at=OPENED).case
    assert concern.acknowledge_by == ACK_DUE and concern.respond_by == WRITTEN_DUE
    inquiry = call(store, pat, AREA, call_type="inquiry", category="Transportation", needs_follow_up=True,
                   caller_name="Rosa Diaz", phone="5855550177", opened_at=OPENED).case
    assert inquiry.respond_by == REPLY_DUE
    with store.uow() as uow:
        meet_clock(uow, actor=pat, case_number=concern.case_number, expected_version=None, kind="written_response",
                   note="Letter mailed", at=WRITTEN_MET)
    with store.uow() as uow:
        meet_clock(uow, actor=pat, case_number=concern.case_number, expected_version=None, kind="acknowledge",
                   note="Called back", at=ACK_MET)
    with store.uow() as uow:
        meet_clock(uow, actor=pat, case_number=inquiry.case_number, expected_version=None, kind="reply",
                   at=REPLY_MET)
    return concern.case_number, inquiry.case_number


def test_clocks_met_after_their_due_time_are_met_late_by_how_much_and_count_as_breached(
        store: Store, staff: dict[str, Actor]) -> None:
    pat, sue = staff["program_specialist"], staff["supervisor"]
    concern, inquiry = _late_concern_and_inquiry(store, pat)
    with store.uow(readonly=True) as uow:
        work = case_work(uow.session, case_number=concern, viewer=None, profile=AREA)
        reply = case_work(uow.session, case_number=inquiry, viewer=None, profile=AREA)
        rows = {r.case_number: r for r in queue_page(uow.session, actor=sue, now=utcnow(),
                                                     filters=QueueFilter(sla="breached")).rows}
        on_track = queue_page(uow.session, actor=sue, now=utcnow(), filters=QueueFilter(sla="on_track")).rows
    assert work.case.late_clocks == 2 and reply.case.late_clocks == 1
    assert sorted(work.late.values()) == ["19 school days late", "32 school days late"]
    assert work.late_notes == [
        "Written response met late: due Fri 16 Oct, met Mon 16 Nov (19 school days late).",
        "Acknowledgement met late: due Mon 5 Oct, met Mon 23 Nov (32 school days late)."]
    assert list(reply.late.values()) == ["12 school days late"]
    assert reply.late_notes == ["Reply met late: due Mon 5 Oct 10:00, met Thu 22 Oct (12 school days late)."]
    # The SLA outcome: breached, whatever the next deadline (here the reply's inquiry has none left but its resolve).
    assert {concern, inquiry} <= set(rows) and all(rows[n].sla.name == "breached" for n in (concern, inquiry))
    assert not {concern, inquiry} & {r.case_number for r in on_track}
    assert sla_state(status="open", next_deadline=None, now=utcnow(), late_clocks=1).label == "BREACHED"
    # The monthly report (October 2026): both open cases count as breached ("Open, a deadline met late").
    with store.uow() as uow:
        report = run_report(uow, actor=sue, profile=AREA, period=month_period("2026-10"))
    assert report.numbers["counts"]["sla"] == {"breached": 2}
    # My work: pat's cases are shown breached; sue (pat's supervisor) sees them among her team's breaches.
    now = utcnow()
    with store.uow(readonly=True) as uow:
        mine = {i.case_number: i for i in my_work(uow.session, profile=AREA, viewer=pat, now=now) if i.kind == "case"}
        sues = [i for i in my_work(uow.session, profile=AREA, viewer=sue, now=now) if i.kind == "breached"]
    assert mine[concern].overdue and "2 deadlines met late" in mine[concern].what
    assert {concern, inquiry} <= {i.case_number for i in sues}
    # The audit trail keeps each late meeting.
    with store.uow(readonly=True) as uow:
        late_events = uow.session.exec(select(AuditEvent).where(AuditEvent.field == "late_clocks")).all()
    assert len(late_events) == 3


def test_a_clock_met_late_is_closed_late_in_the_report_and_named_in_the_tracking_log(
        store: Store, staff: dict[str, Actor]) -> None:
    pat, sue = staff["program_specialist"], staff["supervisor"]
    concern, inquiry = _late_concern_and_inquiry(store, pat)
    with store.uow() as uow:
        casework.set_resolution(uow, actor=pat, case_number=inquiry, data=ResolutionUpdate(response="Answered"))
    with store.uow() as uow:
        close_case(uow, actor=sue, case_number=inquiry, profile=AREA)
    with store.uow() as uow:
        report = run_report(uow, actor=sue, profile=AREA, period=month_period("2026-10"))
    # The inquiry closed now is past its resolve target anyway; the concern is open with two clocks met late.
    assert report.numbers["counts"]["sla"] == {"breached": 1, "late": 1}
    since, until = month_period("2026-10").bounds(AREA)
    with store.uow() as uow:
        headers, export = export_log(uow, actor=sue, profile=AREA, since=since, until=until, log="area_request_log")
    with store.uow(readonly=True) as uow:
        rows = list(export.rows(uow.session))
    assert "Met Late" in headers and "Acknowledged" in headers
    by_level = {row["Level"]: row for row in rows}
    two = by_level["Level Two"]
    # "Acknowledge By" is kept once acknowledged; the written response's date stays beside it.
    assert two["Acknowledge By"] == "2026-10-05" and two["Acknowledged"] == "2026-11-23"
    assert two["Written Response Due"] == "2026-10-16"
    assert two["Met Late"] == "written response 19 school days late; acknowledgement 32 school days late"
    assert by_level["Level One"]["Met Late"] == "reply 12 school days late"


def test_an_extension_moves_the_written_response_and_the_resolution_and_the_log_shows_it(
        store: Store, staff: dict[str, Actor]) -> None:
    pat, sue = staff["program_specialist"], staff["supervisor"]
    case = call(store, pat, AREA, call_type="concern", category="Transportation", opened_at=OPENED).case
    assert case.respond_by == WRITTEN_DUE and case.resolve_by == WRITTEN_DUE  # both 10 school days
    with store.uow() as uow:
        meet_clock(uow, actor=pat, case_number=case.case_number, expected_version=None, kind="acknowledge",
                   at=datetime(2026, 10, 2, 9, tzinfo=NY))  # on time: no lateness
    with store.uow() as uow:
        extended = extend_clock(uow, actor=pat, profile=AREA, case_number=case.case_number, expected_version=None,
                                kind="written_response", new_due=date(2026, 10, 30),
                                notice="Letter sent: the bus company needs two more weeks")
    new_due = datetime(2026, 10, 30, 23, 59, 59, tzinfo=NY)
    assert extended.respond_by == new_due and extended.resolve_by == new_due and extended.late_clocks == 0
    # Not breached before its new date (the follow-up clock aside: it runs on the entries written).
    wednesday = datetime(2026, 10, 21, 12, tzinfo=NY)
    due = [d for d in (extended.respond_by, extended.resolve_by, extended.acknowledge_by) if d]
    assert sla_state(status="open", next_deadline=min(due), now=wednesday).name == "on_track"
    since, until = month_period("2026-10").bounds(AREA)
    with store.uow() as uow:
        _, export = export_log(uow, actor=sue, profile=AREA, since=since, until=until, log="area_request_log")
    with store.uow(readonly=True) as uow:
        row = next(iter(export.rows(uow.session)))
    assert row["Acknowledge By"] == "2026-10-05" and row["Acknowledged"] == "2026-10-02"
    assert row["Written Response Due"] == "2026-10-30" and row["Resolve By"] == "2026-10-30"
    assert row["Extension and Notice"] == ("written response extended to 2026-10-30: "
                                           "Letter sent: the bus company needs two more weeks")
    assert row["Met Late"] == ""


def test_a_reopened_case_counts_its_deadlines_again_from_the_reopening(
        store: Store, staff: dict[str, Actor]) -> None:
    pat, sue = staff["program_specialist"], staff["supervisor"]
    number = call(store, pat, AREA, call_type="concern", category="Transportation", opened_at=OPENED).case.case_number
    with store.uow() as uow:
        meet_clock(uow, actor=pat, case_number=number, expected_version=None, kind="acknowledge",
                   at=datetime(2026, 10, 2, 9, tzinfo=NY))
    with store.uow() as uow:
        casework.set_resolution(uow, actor=pat, case_number=number,
                                data=ResolutionUpdate(response="The route is restored from Monday."))
    with store.uow() as uow:
        close_case(uow, actor=sue, case_number=number, profile=AREA)
    with store.uow() as uow:
        reopened = escalation.appeal(uow, actor=pat, profile=AREA, case_number=number,
                                     reason="Written appeal: the route is still missing")
    assert reopened.status == "open" and reopened.assigned_at is not None
    # Counted from the reopening by the profile's concern tier: acknowledge in 2 school days, written response
    # and resolution in 10, a follow-up every 2; none is October's any more, none is past.
    at = reopened.assigned_at
    fresh = deadlines_for(AREA, "concern", at)
    assert (reopened.acknowledge_by, reopened.respond_by, reopened.resolve_by, reopened.next_follow_up_by) == (
        fresh.acknowledge_by, fresh.respond_by, fresh.resolve_by, fresh.next_follow_up_by)
    calendar = calendar_for(AREA)
    assert reopened.acknowledge_by == calendar.add_open_days(at, 2) and reopened.acknowledge_by > at
    assert reopened.resolve_by is not None and reopened.resolve_by > at + timedelta(days=10)
    assert sla_state(status="open", next_deadline=reopened.next_deadline, now=at).name != "breached"
    with store.uow(readonly=True) as uow:
        assert get_case(uow.session, number, viewer=None).respond_by == fresh.respond_by
