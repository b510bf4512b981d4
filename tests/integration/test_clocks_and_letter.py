"""Follow-ups, clocks that can be met, the response letter with its signed copy, and closing (both backends)."""

from __future__ import annotations

import stat
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from calldesk.errors import MissingFields, RuleRefused, StaleCase
from calldesk.models import Attachment, CaseUpdate, ClockEvent, FollowUpCreate, PlanStep, ResolutionUpdate
from calldesk.profiles import load_profile
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.one_case import get_case
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.attachments import content_of
from calldesk.store.services.cases import close_case, update_case
from calldesk.store.services.clocks import case_work, extend_clock, meet_clock, set_plan
from tests.integration.helpers import at, call, lausd, submit_letter

NY = ZoneInfo("America/New_York")
LETTER = b"%PDF-1.4 signed response letter\n"


def _version(store: Store, number: str) -> int:
    with store.uow(readonly=True) as uow:
        return get_case(uow.session, number, viewer=None).version


def test_a_complaint_walks_from_intake_through_follow_ups_and_its_letter_to_closing(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    sam, sue = staff["specialist"], staff["supervisor"]
    number = call(store, sam, call_type="complaint", category="Transportation",
                  opened_at=datetime.now(NY) - timedelta(minutes=5)).case.case_number
    with store.uow() as uow:
        plan = set_plan(uow, actor=sam, profile=lausd(), case_number=number,
                        expected_version=_version(store, number),
                        steps=[("Call the transportation office", date.today() + timedelta(days=1))])
    assert plan[0].step == "Call the transportation office"
    for done in ("Called the transportation office", "Met the principal"):
        with store.uow() as uow:
            casework.add_follow_up(uow, actor=sam, profile=lausd(), case_number=number,
                                   expected_version=_version(store, number),
                                   data=FollowUpCreate(done=done, pending="Bus route change"))
    with store.uow() as uow:
        casework.set_resolution(uow, actor=sam, case_number=number, expected_version=_version(store, number),
                                data=ResolutionUpdate(response="Route restored", outcome="Resolved",
                                                      alleged_violation="IDEA 300.101"))
    with store.uow() as uow, pytest.raises(MissingFields) as refused:
        close_case(uow, actor=sam, case_number=number)
    assert refused.value.message == (f"Case {number} cannot close yet; missing: the supervisor's approval of the "
                                     "letter; the signed copy of the letter attached; the coordinator informed.")
    with store.uow() as uow, pytest.raises(RuleRefused, match="it stays a complaint"):
        update_case(uow, actor=sue, profile=lausd(), case_number=number, expected_version=None,
                    changes=CaseUpdate(call_type="inquiry"))
    submit_letter(store, sam, number)
    with store.uow() as uow:
        casework.advance_letter(uow, actor=sue, case_number=number, step="approve")
    signed = tmp_path / "signed letter.pdf"
    signed.write_bytes(LETTER)
    with store.uow() as uow, pytest.raises(RuleRefused, match="someone else signs"):
        casework.advance_letter(uow, actor=sue, case_number=number, step="attach", attachment=signed)
    with store.uow() as uow:
        res = casework.advance_letter(uow, actor=sam, case_number=number, step="attach", attachment=signed)
    assert res.letter_status == "signed" and res.signed_by == "sam" and res.approved_by == "sue"
    with store.uow(readonly=True) as uow:
        row = uow.session.exec(select(Attachment)).one()
        assert content_of(row) == LETTER and row.sha256
        assert row.stored_as is None and row.content == LETTER  # in the store itself: backups carry it
        if store.backend == "sqlite":
            assert stat.S_IMODE(Path(store.engine.url.database or "").stat().st_mode) == 0o600
    with store.uow() as uow:
        casework.advance_letter(uow, actor=sam, case_number=number, step="inform")
    with store.uow(readonly=True) as uow:
        work = case_work(uow.session, case_number=number, viewer=None)
    assert len(work.follow_ups) == 2 and work.missing_to_close == [] and not work.follow_up_overdue
    with store.uow() as uow:
        closed = close_case(uow, actor=sam, case_number=number, expected_version=_version(store, number))
    assert closed.status == "closed" and closed.next_deadline is None


def test_an_area_offices_concern_is_acknowledged_extended_and_answered_with_its_deadlines_moving(
        store: Store, staff: dict[str, Actor]) -> None:
    area = load_profile("area_offices")
    pat = staff["program_specialist"]
    opened = datetime(2026, 11, 23, 10, tzinfo=NY)
    case = call(store, pat, area, call_type="concern", category="Transportation", opened_at=opened).case
    ack, written = datetime(2026, 11, 30, 23, 59, 59, tzinfo=NY), datetime(2026, 12, 10, 23, 59, 59, tzinfo=NY)
    assert case.acknowledge_by == ack and case.respond_by == written and case.next_deadline == ack
    with store.uow() as uow:
        after_ack = meet_clock(uow, actor=pat, case_number=case.case_number, expected_version=case.version,
                               kind="acknowledge", note="Called Ms Gomez")
    assert after_ack.acknowledge_by is None and after_ack.next_deadline == after_ack.next_follow_up_by
    with store.uow() as uow, pytest.raises(StaleCase):
        meet_clock(uow, actor=pat, case_number=case.case_number, expected_version=case.version, kind="reply")
    with store.uow() as uow, pytest.raises(RuleRefused, match="no reply clock"):
        meet_clock(uow, actor=pat, case_number=case.case_number, expected_version=None, kind="reply")
    with store.uow() as uow:
        extended = extend_clock(uow, actor=pat, profile=area, case_number=case.case_number,
                                expected_version=after_ack.version, kind="written_response",
                                new_due=date(2026, 12, 17), notice="Letter: we need one more week")
    assert extended.respond_by == datetime(2026, 12, 17, 23, 59, 59, tzinfo=NY)
    # Re-typing (a complaint now) recomputes the deadlines; the met acknowledgement and the extension stay.
    with store.uow() as uow:
        retyped = update_case(uow, actor=staff["supervisor"], profile=area, case_number=case.case_number,
                              expected_version=extended.version, changes=CaseUpdate(call_type="complaint")).case
    assert retyped.acknowledge_by is None and retyped.respond_by == extended.respond_by
    with store.uow() as uow:
        answered = meet_clock(uow, actor=pat, case_number=case.case_number, expected_version=retyped.version,
                              kind="written_response", note="Written response mailed")
    assert answered.respond_by is None and answered.next_deadline == min(
        d for d in (answered.next_follow_up_by, answered.resolve_by) if d)
    with store.uow(readonly=True) as uow:
        events = [(e.kind, e.event) for e in uow.session.exec(select(ClockEvent).order_by(ClockEvent.id))]
    assert ("acknowledge", "met") in events and ("written_response", "extended") in events
    assert ("written_response", "met") in events and ("intake", "missed") in events  # logged a week late


def test_a_late_logged_call_records_its_missed_intake_and_a_timely_one_does_not(
        store: Store, staff: dict[str, Actor]) -> None:
    late = call(store, staff["agent"], opened_at=at(2026, 11, 23, 9)).case
    timely = call(store, staff["agent"], caller_name="Rosa Diaz", phone="2135550177").case
    assert "Logged late: received Mon 23 Nov 09:00, to be logged within 24 hours (by Tue 24 Nov 09:00)" \
        in late.routing_notes
    assert "Logged late" not in timely.routing_notes
    with store.uow(readonly=True) as uow:
        missed = list(uow.session.exec(select(ClockEvent).where(ClockEvent.kind == "intake")))
    assert [e.case_id for e in missed] == [late.id]


def test_follow_up_overdue_is_flagged_and_the_plan_only_fits_concerns_within_their_timeline(
        store: Store, staff: dict[str, Actor]) -> None:
    pat = staff["program_specialist"]
    concern = call(store, pat, call_type="concern", category="Transportation", opened_at=at(2026, 11, 23)).case
    with store.uow(readonly=True) as uow:
        assert case_work(uow.session, case_number=concern.case_number, viewer=None).follow_up_overdue
        assert not case_work(uow.session, case_number=concern.case_number,
                             now=at(2026, 11, 24), viewer=None).follow_up_overdue
    with store.uow() as uow, pytest.raises(Exception, match="resolution target"):
        set_plan(uow, actor=pat, profile=lausd(), case_number=concern.case_number, expected_version=None,
                 steps=[("Meet the parents", date(2027, 3, 1))])
    inquiry = call(store, pat, caller_name="Rosa Diaz", phone="2135550177", category="Enrollment").case
    with store.uow() as uow, pytest.raises(RuleRefused, match="no prescribed plan"):
        set_plan(uow, actor=pat, profile=lausd(), case_number=inquiry.case_number, expected_version=None,
                 steps=[("Send the form", date(2026, 11, 24))])


def _complaint_with_signed_letter(store: Store, staff: dict[str, Actor], tmp_path: Path) -> str:
    """A complaint resolved by the specialist, its letter approved by the supervisor and the signed copy attached."""
    sam, sue = staff["specialist"], staff["supervisor"]
    number = call(store, sam, call_type="complaint", category="Transportation").case.case_number
    with store.uow() as uow:
        casework.set_resolution(uow, actor=sam, case_number=number,
                                data=ResolutionUpdate(response="Fixed", alleged_violation="IDEA 300.101"))
    submit_letter(store, sam, number)
    with store.uow() as uow:
        casework.advance_letter(uow, actor=sue, case_number=number, step="approve")
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(LETTER)
    with store.uow() as uow:
        casework.advance_letter(uow, actor=sam, case_number=number, step="attach", attachment=signed)
    return number


def test_marking_abuse_removes_the_signed_letter_and_erasing_a_caller_reaches_clock_notes_and_the_plan(
        store: Store, staff: dict[str, Actor], tmp_path: Path) -> None:
    from calldesk.store.services.cases import mark_abuse
    from calldesk.store.services.retention import caller_erase

    sam = staff["specialist"]
    number = _complaint_with_signed_letter(store, staff, tmp_path)
    with store.uow(readonly=True) as uow:
        letter = uow.session.exec(select(Attachment)).one()
        assert letter.stored_as is None and content_of(letter) == LETTER  # the signed bytes, kept in the database
    # A row an earlier release wrote names its copy on disk: marking the call must remove that copy too.
    legacy = tmp_path / "attachments" / "signed-by-an-earlier-release.pdf"
    legacy.parent.mkdir()
    legacy.write_bytes(LETTER)
    with store.uow() as uow:
        uow.session.exec(select(Attachment)).one().stored_as = str(legacy)
        uow.commit()
    with store.uow() as uow:
        mark_abuse(uow, actor=sam, case_number=number)
    with store.uow(readonly=True) as uow:
        assert list(uow.session.exec(select(Attachment))) == []
    assert not legacy.exists()

    other = call(store, staff["program_specialist"], call_type="concern", category="Transportation",
                 caller_name="Rosa Diaz", phone="2135550177").case
    with store.uow() as uow:
        set_plan(uow, actor=sam, profile=lausd(), case_number=other.case_number, expected_version=None,
                 steps=[("Call Rosa Diaz back", date.today() + timedelta(days=1))])
    inquiry = call(store, staff["program_specialist"], call_type="inquiry", needs_follow_up=True,
                   category="Enrollment", caller_name="Rosa Diaz", phone="2135550177").case
    with store.uow() as uow:
        meet_clock(uow, actor=sam, case_number=inquiry.case_number, expected_version=None, kind="reply",
                   note="Called Rosa Diaz back")
    with store.uow() as uow:
        caller_erase(uow, actor=staff["admin"], profile=lausd(), who="2135550177")
    with store.uow(readonly=True) as uow:
        notes = [e.note for e in uow.session.exec(select(ClockEvent))]
        steps = [p.step for p in uow.session.exec(select(PlanStep))]
    assert notes and not any("Rosa Diaz" in n for n in notes) and steps and not any("Rosa Diaz" in s for s in steps)


def test_a_backup_carries_the_signed_letter_and_a_restore_brings_it_back(
        store: Store, staff: dict[str, Actor], admin: Actor, tmp_path: Path) -> None:
    """The letter lives in the store (both backends), so the store's own backup and restore keep it."""
    from calldesk.store.db import maintenance
    from calldesk.store.db.restore import restore
    from calldesk.store.services.attachments import signed_letter

    number = _complaint_with_signed_letter(store, staff, tmp_path)
    saved = maintenance.backup(store.engine, store.url, tmp_path / "backup.calldesk")
    with store.uow() as uow:  # the letter goes (as an abuse mark removes it) ...
        uow.session.delete(uow.session.exec(select(Attachment)).one())
        uow.commit()
    restore(store.engine, store.url, saved, actor=admin, force=True)  # ... and the backup brings it back
    with store.uow(readonly=True) as uow:
        assert signed_letter(uow.session, number, viewer=None) == ("signed.pdf", LETTER)
