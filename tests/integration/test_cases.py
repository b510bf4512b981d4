"""Case services on both backends: deadlines, audit, StaleCase, idempotent saves, routing, permissions."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from calldesk.errors import InvalidInput, MissingFields, PermissionDenied, RuleRefused, StaleCase
from calldesk.models import (
    AuditEvent,
    Case,
    CaseCreate,
    CaseLink,
    CaseUpdate,
    FollowUpCreate,
    ResolutionUpdate,
    StoreSecret,
)
from calldesk.store.db.audit import PERSONAL_MARK, case_history, event_changes
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services import escalation
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.assignments import reassign
from calldesk.store.services.cases import close_case, open_case, update_case
from tests.integration.helpers import LA, at, call, lausd, submit_letter


def _count(store: Store, model: type) -> int:
    with store.uow(readonly=True) as uow:
        return int(uow.session.exec(select(func.count()).select_from(model)).one())


def test_complaint_gets_its_deadlines_in_business_days(store: Store, staff: dict[str, Actor]) -> None:
    outcome = call(store, staff["agent"], call_type="complaint", category="Transportation",
                   opened_at=at(2026, 11, 23, 10))
    case = outcome.case
    assert case.tier == "complaint" and case.owner_role == "specialist"
    assert case.case_number == "2026-000001"
    # 15 business days from Mon 23 Nov 2026, Thanksgiving skipped: end of Tue 15 Dec.
    resolve = case.resolve_by.astimezone(LA)  # type: ignore[union-attr]
    assert (resolve.date().isoformat(), resolve.hour) == ("2026-12-15", 23)
    follow_up = case.next_follow_up_by.astimezone(LA)  # type: ignore[union-attr]
    assert follow_up.date().isoformat() == "2026-11-25"
    assert case.next_deadline == case.next_follow_up_by


def test_opening_a_case_audits_every_field_it_set(store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], claim="The bus never came.").case
    with store.uow(readonly=True) as uow:
        events = uow.session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id)).all()
    # One event for the opening, holding every field it set (old -> new).
    assert len(events) == 1 and events[0].field is None
    by_field = event_changes(events[0])
    # Personal data is audited by reference (the event's case id), never by value: erasure can reach it.
    assert by_field["caller_name"] == (None, PERSONAL_MARK)
    assert by_field["phone"] == (None, PERSONAL_MARK) and all(e.case_id == case.id for e in events)
    trail = " ".join(f"{e.old} {e.new} {e.changes}" for e in events)
    # (The fingerprints' hex digits left out: "555" turns up in one now and then.)
    trail = re.sub(r"hmac:[0-9a-f]+", "hmac:", trail)
    assert "Maria" not in trail and "555" not in trail and "gomez" not in trail.lower()
    assert all(e.actor == "ana" and e.action == "case.open" for e in events)
    # Free text is audited by a keyed fingerprint only, never verbatim, and not by a plain (guessable) hash.
    claim = by_field["claim"][1] or ""
    assert "bus never came" not in claim and claim.startswith("[text 19 chars hmac:")
    plain = hashlib.sha256(b"The bus never came.").hexdigest()
    assert plain[:12] not in claim and claim.split("hmac:")[1].rstrip("]") == hmac.new(
        _key(store), b"The bus never came.", hashlib.sha256).hexdigest()[:32]


def _key(store: Store) -> bytes:
    with store.uow(readonly=True) as uow:
        return bytes.fromhex(uow.session.exec(select(StoreSecret.value).where(StoreSecret.name == "audit")).one())


def test_update_audits_old_and_new_and_recomputes_deadlines(store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], opened_at=at(2026, 11, 23, 10)).case
    assert case.tier == "inquiry_immediate" and case.next_follow_up_by is None
    with store.uow() as uow:
        outcome = update_case(uow, actor=staff["agent"], profile=lausd(), case_number=case.case_number,
                              expected_version=case.version, changes=CaseUpdate(call_type="concern",
                                                                                claim="The bus never came"))
    assert outcome.case.tier == "concern" and outcome.case.version == case.version + 1
    assert outcome.case.resolve_by.astimezone(LA).date().isoformat() == "2026-12-08"  # type: ignore[union-attr]
    assert any("recomputed" in r for r in outcome.reasons)
    with store.uow(readonly=True) as uow:
        skipped = ["case.open", "clock.intake_missed"]  # the call is logged a week late
        trail = uow.session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                          col(AuditEvent.action).not_in(skipped))).all()
        events = {(e.action, name): change for e in trail for name, change in event_changes(e).items()}
        assert [e.action for e in trail] == ["case.update", "case.retriage"]  # one event per change
        history = case_history(uow.session, {case.id: case.case_number})  # type: ignore[dict-item]
        assert [h.action for h in history][-2:] == ["case.update", "case.retriage"]
    assert events[("case.update", "call_type")] == ("inquiry", "concern")
    assert events[("case.retriage", "tier")] == ("inquiry_immediate", "concern")


def test_two_agents_editing_one_case_get_stale_case_not_an_overwrite(store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"]).case
    loaded_version = case.version  # both agents loaded this version
    with store.uow() as uow:
        update_case(uow, actor=staff["agent"], profile=lausd(), case_number=case.case_number,
                    expected_version=loaded_version, changes=CaseUpdate(school="Roosevelt High"))
    with store.uow() as uow, pytest.raises(StaleCase, match="saved by someone else"):
        update_case(uow, actor=staff["program_specialist"], profile=lausd(), case_number=case.case_number,
                    expected_version=loaded_version, changes=CaseUpdate(school="Lincoln High"))
    with store.uow(readonly=True) as uow:
        assert uow.session.exec(select(Case)).one().school == "Roosevelt High"


def test_a_retried_save_creates_no_duplicate(store: Store, staff: dict[str, Actor]) -> None:
    data = CaseCreate(caller_name="Maria Gomez", phone="2135550142", category="Enrollment", client_id="retry-1")
    with store.uow() as uow:
        first = open_case(uow, actor=staff["agent"], profile=lausd(), data=data)
    with store.uow() as uow:
        again = open_case(uow, actor=staff["agent"], profile=lausd(), data=data)
    assert again.case.case_number == first.case.case_number and not again.created
    assert _count(store, Case) == 1


def test_bad_input_is_refused_and_the_store_is_unchanged(store: Store, staff: dict[str, Actor]) -> None:
    events = _count(store, AuditEvent)
    with pytest.raises(InvalidInput, match="not a valid phone number|not a phone number") as bad_phone:
        call(store, staff["agent"], phone="555")
    assert bad_phone.value.field == "phone"
    with pytest.raises(InvalidInput, match="not a category"):
        call(store, staff["agent"], category="Weather")
    with pytest.raises(InvalidInput, match="NUL"):
        call(store, staff["agent"], claim="bad\x00text")
    with pytest.raises(InvalidInput, match="caller's name, phone or email"):
        call(store, staff["agent"], caller_name="", phone=None)
    assert _count(store, Case) == 0 and _count(store, AuditEvent) == events


def test_due_process_is_documented_and_closed_at_once(store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], call_type="complaint", due_process=True).case
    assert case.status == "closed" and case.close_reason == "already in due process"
    assert not case.reportable and case.next_deadline is None


def test_special_education_concern_goes_to_the_coordinator(store: Store, staff: dict[str, Actor]) -> None:
    outcome = call(store, staff["agent"], call_type="concern", category="Special education (CSE)",
                   claim="IEP services not delivered", evidence="Missed 3 sessions")
    assert outcome.case.owner_role == "supervisor"
    assert any("coordinator" in r for r in outcome.reasons)


def test_repeat_caller_second_case_is_a_linked_concern(store: Store, staff: dict[str, Actor]) -> None:
    first = call(store, staff["agent"], category="Transportation", opened_at=at(2026, 11, 2)).case
    second = call(store, staff["agent"], phone="213-555-0142", caller_name="M. Gomez",
                  category="Transportation", claim="The bus is late again", opened_at=at(2026, 11, 14))
    assert second.repeat is not None and second.repeat.linked_case_number == first.case_number
    assert second.case.call_type == "concern" and second.case.tier == "concern"
    assert second.case.owner_role == "program_specialist"
    assert "12 days ago about Transportation" in second.repeat.message
    with store.uow(readonly=True) as uow:
        link = uow.session.exec(select(CaseLink)).one()
    assert (link.case_id, link.linked_case_id, link.kind) == (second.case.id, first.id, "repeat")


def test_not_a_repeat_outside_the_window_or_about_something_else(store: Store, staff: dict[str, Actor]) -> None:
    call(store, staff["agent"], category="Transportation", opened_at=at(2026, 9, 1))
    late = call(store, staff["agent"], category="Transportation", opened_at=at(2026, 11, 14))
    other = call(store, staff["agent"], category="Enrollment", opened_at=at(2026, 11, 15))
    assert late.repeat is None and other.repeat is None and other.case.tier == "inquiry_immediate"


def test_three_cases_at_one_school_flag_a_trend(store: Store, staff: dict[str, Actor]) -> None:
    for day, phone in [(2, "2135550101"), (9, "2135550102")]:
        assert call(store, staff["agent"], school="Roosevelt High", phone=phone, caller_name=f"c{day}",
                    opened_at=at(2026, 11, day)).trend is None
    third = call(store, staff["agent"], school="Roosevelt High", phone="2135550103", caller_name="c3",
                 opened_at=at(2026, 11, 16))
    assert third.trend is not None and third.trend.count == 3


def test_discrimination_is_tracked_but_routed_and_not_reportable(store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], call_type="complaint", category="Discrimination").case
    assert not case.reportable and case.route_to and "civil rights" in case.route_to.lower()


def test_only_supervisors_reassign(store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"]).case
    for role in ("agent", "program_specialist", "specialist", "admin"):
        with store.uow() as uow, pytest.raises(PermissionDenied, match="Only supervisors may reassign"):
            reassign(uow, actor=staff[role], case_number=case.case_number, to_user="pat")
    with store.uow() as uow:
        moved = reassign(uow, actor=staff["supervisor"], case_number=case.case_number, to_user="pat")
    assert moved.assigned_to == "pat"


def test_follow_up_moves_the_next_due_date(store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], call_type="concern", category="Transportation",
                opened_at=at(2026, 11, 16)).case
    assert case.next_follow_up_by.astimezone(LA).date().isoformat() == "2026-11-18"  # type: ignore[union-attr]
    with store.uow() as uow:
        casework.add_follow_up(uow, actor=staff["program_specialist"], profile=lausd(),
                               case_number=case.case_number, data=FollowUpCreate(done="Called the school"))
    with store.uow(readonly=True) as uow:
        row = uow.session.exec(select(Case)).one()
    assert row.next_follow_up_by is not None and row.next_follow_up_by > case.next_follow_up_by  # type: ignore[operator]


def test_closing_needs_a_resolution_and_a_violation_needs_the_letter(store: Store, staff: dict[str, Actor],
                                                                   tmp_path: Path) -> None:
    case = call(store, staff["agent"], call_type="complaint", category="Transportation").case
    sam, sue = staff["specialist"], staff["supervisor"]
    with store.uow() as uow, pytest.raises(MissingFields, match="Resolution tab"):
        close_case(uow, actor=sam, case_number=case.case_number)
    with store.uow() as uow:
        casework.set_resolution(uow, actor=sam, case_number=case.case_number,
                                data=ResolutionUpdate(response="Route restored", alleged_violation="IDEA 300.101"))
    with store.uow() as uow, pytest.raises(MissingFields, match="approval of the letter"):
        close_case(uow, actor=sam, case_number=case.case_number)
    with store.uow() as uow, pytest.raises(PermissionDenied):
        casework.advance_letter(uow, actor=sam, case_number=case.case_number, step="approve")
    submit_letter(store, sam, case.case_number)  # the words the supervisor reads
    letter = tmp_path / "2026-000001.pdf"
    letter.write_bytes(b"%PDF-1.4 signed")
    for actor, step, path in [(sue, "approve", None), (sam, "attach", letter), (sam, "inform", None)]:
        with store.uow() as uow:
            casework.advance_letter(uow, actor=actor, case_number=case.case_number, step=step, attachment=path)
    with store.uow() as uow:
        assert close_case(uow, actor=sam, case_number=case.case_number).status == "closed"


def test_escalation_climbs_the_ladder_and_stops_at_the_top(store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], call_type="concern", category="Transportation").case
    for level in (1, 2):
        with store.uow() as uow:
            escalated = escalation.escalate(uow, actor=staff["program_specialist"], profile=lausd(),
                                          case_number=case.case_number, reason="Parent unsatisfied")
        assert escalated.escalation_level == level
    with store.uow() as uow, pytest.raises(RuleRefused, match="top"):
        escalation.escalate(uow, actor=staff["supervisor"], profile=lausd(), case_number=case.case_number,
                          reason="Again")


def test_a_resolution_save_with_nothing_written_is_refused_and_blanks_nothing(store: Store,
                                                                              staff: dict[str, Actor]) -> None:
    # The one rule every interface's save meets (desk dialog, CLI, web): a save edits the resolution, never empties it.
    number = call(store, staff["agent"], call_type="concern", category="Transportation").case.case_number
    sam = staff["specialist"]
    with store.uow() as uow:
        casework.set_resolution(uow, actor=sam, case_number=number,
                                data=ResolutionUpdate(response="Route restored", outcome="Resolved"))
    for blank in (ResolutionUpdate(), ResolutionUpdate(response="  ", outcome="\n")):
        with store.uow() as uow, pytest.raises(InvalidInput, match="Write the response or the outcome") as refused:
            casework.set_resolution(uow, actor=sam, case_number=number, data=blank)
        assert refused.value.field == "response"
    with store.uow() as uow:  # a save with words in it replaces the resolution as typed
        kept = casework.set_resolution(uow, actor=sam, case_number=number,
                                       data=ResolutionUpdate(response="Route restored", outcome="Family informed"))
    assert (kept.response, kept.outcome) == ("Route restored", "Family informed")
