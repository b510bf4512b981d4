"""Escalation and appeal, referrals, meetings, quality reviews and merging duplicates, on both backends."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from calldesk.errors import InvalidInput, PermissionDenied, RuleRefused, StaleCase
from calldesk.models import CaseLink, Escalation, QualityReviewCreate, ResolutionUpdate
from calldesk.profiles import load_profile
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.history import case_history
from calldesk.store.read.one_case import get_case
from calldesk.store.services import escalation
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services import referrals_meetings_reviews as handling
from calldesk.store.services.cases import close_case
from tests.integration.helpers import at, call

ROCHESTER = load_profile("rochester")
AREA = load_profile("area_offices")


def _version(store: Store, number: str) -> int:
    with store.uow(readonly=True) as uow:
        return get_case(uow.session, number, viewer=None).version


def test_a_rochester_concern_climbs_its_whole_ladder_then_stops(store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation").case.case_number
    # Each rung's people take it, never the one it climbs from: with one supervisor, sue takes the first rung, the
    # second waits in the supervisors' queue (only sue could, and it climbs from her), sue takes the third.
    for level, person in ((1, "sue"), (2, None), (3, "sue")):
        with store.uow() as uow:
            case = escalation.escalate(uow, actor=staff["program_specialist"], profile=ROCHESTER, case_number=number,
                                       reason=f"Parent not satisfied ({level})",
                                       expected_version=_version(store, number))
        assert case.escalation_level == level and case.owner_role == "supervisor" and case.assigned_to == person
    with store.uow() as uow, pytest.raises(RuleRefused, match="top of the Rochester.*Superintendent's Office"):
        escalation.escalate(uow, actor=staff["supervisor"], profile=ROCHESTER, case_number=number, reason="Again")
    with store.uow(readonly=True) as uow:
        rows = escalation.escalations_for(uow.session, get_case(uow.session, number, viewer=None).id or 0)
    assert [r.title for r in rows] == ["District Coordinator, Office of Parent Engagement", "Chief of Schools",
                                      "Superintendent's Office"]
    assert {r.by_user for r in rows} == {"pat"} and rows[0].reason == "Parent not satisfied (1)"


def test_an_escalation_takes_the_version_the_user_saw_and_a_reason(store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], call_type="concern", category="Transportation").case.case_number
    seen = _version(store, number)
    with store.uow() as uow:
        escalation.escalate(uow, actor=staff["agent"], profile=ROCHESTER, case_number=number, reason="First",
                            expected_version=seen)
    with store.uow() as uow, pytest.raises(StaleCase):
        escalation.escalate(uow, actor=staff["agent"], profile=ROCHESTER, case_number=number, reason="Second",
                            expected_version=seen)
    with store.uow() as uow, pytest.raises(InvalidInput, match="Say why"):
        escalation.escalate(uow, actor=staff["agent"], profile=ROCHESTER, case_number=number, reason="  ")
    with store.uow(readonly=True) as uow:
        assert get_case(uow.session, number, viewer=None).escalation_level == 1


def _decided_area_case(store: Store, staff: dict[str, Actor]) -> str:
    number = call(store, staff["agent"], AREA, call_type="concern", category="Transportation").case.case_number
    with store.uow() as uow:
        casework.set_resolution(uow, actor=staff["program_specialist"], case_number=number,
                                data=ResolutionUpdate(response="The route is restored from Monday."))
    with store.uow() as uow:
        close_case(uow, actor=staff["supervisor"], case_number=number, profile=AREA)
    return number


def test_an_appeal_within_five_school_days_escalates_and_reopens(store: Store, staff: dict[str, Actor]) -> None:
    number = _decided_area_case(store, staff)
    with store.uow() as uow:
        case = escalation.appeal(uow, actor=staff["program_specialist"], profile=AREA, case_number=number,
                                 reason="Written appeal: the route is still missing")
    # Area Offices step 4: the written appeal asks "that the matter be reviewed by the Associate Superintendent",
    # the ladder's level 2 (the Instructional Director, level 1, is who a concern is referred to, not the appeal).
    assert case.status == "open" and case.escalation_level == 2 and case.closed_at is None
    with store.uow(readonly=True) as uow:
        row = uow.session.exec(select(Escalation).where(Escalation.case_id == case.id)).one()
    assert row.kind == "appeal" and row.title == "Associate Superintendent"


def test_an_appeal_after_the_window_is_refused_and_changes_nothing(store: Store, staff: dict[str, Actor]) -> None:
    number = _decided_area_case(store, staff)
    with store.uow(readonly=True) as uow:
        closed_at = get_case(uow.session, number, viewer=None).closed_at
    assert closed_at is not None
    late = closed_at + timedelta(days=21)
    with store.uow() as uow, pytest.raises(RuleRefused, match="too late.*5 school days"):
        escalation.appeal(uow, actor=staff["program_specialist"], profile=AREA, case_number=number,
                          reason="Late appeal", received_at=late)
    with store.uow(readonly=True) as uow:
        case = get_case(uow.session, number, viewer=None)
    assert case.status == "closed" and case.escalation_level == 0


def test_an_appeal_needs_a_decision(store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], AREA, call_type="concern", category="Transportation").case.case_number
    with store.uow() as uow, pytest.raises(RuleRefused, match="no decision to appeal"):
        escalation.appeal(uow, actor=staff["agent"], profile=AREA, case_number=number, reason="Appeal")


def test_the_principal_involved_refers_directly_to_the_instructional_director(
        store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], AREA, call_type="concern", category="Transportation",
                  claim="The principal refused to meet the parent.").case.case_number
    with store.uow() as uow:
        case = escalation.escalate(uow, actor=staff["agent"], profile=AREA, case_number=number,
                                   reason="The concern is about the principal", principal_involved=True)
    assert case.escalation_level == 1
    with store.uow() as uow, pytest.raises(RuleRefused, match="already with the Instructional Director"):
        escalation.escalate(uow, actor=staff["agent"], profile=AREA, case_number=number, reason="Again",
                            principal_involved=True)
    with store.uow(readonly=True) as uow:
        row = uow.session.exec(select(Escalation).where(Escalation.case_id == case.id)).one()
    assert row.kind == "direct" and row.title == "Instructional Director"


def test_referral_meeting_and_the_parent_satisfied(store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                  opened_at=at(2026, 11, 30, 9)).case.case_number  # (before the meeting it sets up)
    with store.uow() as uow:
        referral = handling.refer(uow, actor=staff["agent"], case_number=number, kind="safety",
                                  contact="Director J. Smith", note="Fight at the bus stop")
    assert referral.office == "Safety and Security" and referral.contact == "Director J. Smith"
    with store.uow() as uow, pytest.raises(InvalidInput, match="not a referral"):
        handling.refer(uow, actor=staff["agent"], case_number=number, kind="police", contact="x")
    with store.uow() as uow, pytest.raises(InvalidInput, match="at least two"):
        handling.schedule_meeting(uow, actor=staff["agent"], case_number=number, kind="mediation",
                                  when=at(2026, 12, 1, 15), parties=["Parent"])
    with store.uow() as uow:
        meeting = handling.schedule_meeting(uow, actor=staff["agent"], case_number=number, kind="mediation",
                                            when=at(2026, 12, 1, 15), parties=["Parent", "Principal", "Teacher"],
                                            place="School 12")
    assert meeting.parties == "Parent, Principal, Teacher" and meeting.scheduled_for == at(2026, 12, 1, 15)
    with store.uow() as uow:
        done = handling.record_meeting_outcome(uow, actor=staff["agent"], case_number=number,
                                               meeting_id=meeting.id, outcome="Seat change agreed",
                                               parent_satisfied=False, expected_version=_version(store, number))
    assert done.parent_satisfied is False and done.outcome == "Seat change agreed" and done.outcome_by == "ana"
    with store.uow(readonly=True) as uow:
        case_id = get_case(uow.session, number, viewer=None).id or 0
        assert [r.kind for r in handling.referrals_for(uow.session, case_id)] == ["safety"]
        assert handling.meetings_for(uow.session, case_id)[0].outcome_at is not None


def test_a_meeting_before_the_case_was_opened_is_refused_and_nothing_is_written(
        store: Store, staff: dict[str, Actor]) -> None:
    # Rochester keeps New York time: the case opened Mon 30 Nov 2026 09:30 there (06:30 in Los Angeles).
    number = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                  opened_at=at(2026, 11, 30, 6, 30)).case.case_number
    before = _version(store, number)
    for when in (at(2026, 11, 1, 15), at(2026, 11, 30, 6, 29)):  # a month before; a minute before
        with store.uow() as uow, pytest.raises(InvalidInput) as refused:
            handling.schedule_meeting(uow, actor=staff["agent"], case_number=number, kind="mediation", when=when,
                                      parties=["Parent", "Principal"])
        assert refused.value.field == "when"
        # (the opening's year is said when it is not this year's)
        assert re.fullmatch(r"The meeting cannot be before the case was opened \(Mon 30 Nov( 2026)? 09:30\): "
                            r"give a later time\.", refused.value.message), refused.value.message
    with store.uow(readonly=True) as uow:
        case = get_case(uow.session, number, viewer=None)
        assert handling.meetings_for(uow.session, case.id or 0) == [] and case.version == before
    with store.uow() as uow:  # the minute the case was opened is not before it
        meeting = handling.schedule_meeting(uow, actor=staff["agent"], case_number=number, kind="mediation",
                                            when=at(2026, 11, 30, 6, 30), parties=["Parent", "Principal"])
    assert meeting.scheduled_for == at(2026, 11, 30, 6, 30)


def test_a_quality_review_is_a_supervisors_with_checklist_score_and_comment(
        store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"]).case.case_number
    review = QualityReviewCreate(contact_accurate=True, labelled_right=True, claim_evidence_written=False,
                                 urgency=True, follow_ups_on_time=True, score=4, comment="Write the evidence out.")
    with store.uow() as uow, pytest.raises(PermissionDenied):
        handling.review_case(uow, actor=staff["specialist"], case_number=number, data=review)
    with store.uow() as uow, pytest.raises(InvalidInput, match="1 to 5"):
        handling.review_case(uow, actor=staff["supervisor"], case_number=number,
                             data=review.model_copy(update={"score": 9}))
    with store.uow() as uow, pytest.raises(InvalidInput, match="comment"):
        handling.review_case(uow, actor=staff["supervisor"], case_number=number,
                             data=review.model_copy(update={"comment": ""}))
    with store.uow() as uow:
        saved = handling.review_case(uow, actor=staff["supervisor"], case_number=number, data=review)
    assert saved.score == 4 and saved.reviewed_by == "sue" and not saved.claim_evidence_written


def test_a_merge_closes_the_duplicate_and_the_survivor_shows_both_histories(
        store: Store, staff: dict[str, Actor]) -> None:
    survivor = call(store, staff["agent"], caller_name="Maria Gomez", phone="2135550142").case.case_number
    duplicate = call(store, staff["agent"], caller_name="Rosa Diaz", phone="2135550177",
                     category="Transportation").case.case_number
    with store.uow() as uow, pytest.raises(PermissionDenied):
        handling.merge_cases(uow, actor=staff["agent"], case_number=duplicate, into=survivor)
    with store.uow() as uow, pytest.raises(RuleRefused, match="itself"):
        handling.merge_cases(uow, actor=staff["supervisor"], case_number=survivor, into=survivor)
    with store.uow() as uow:
        kept = handling.merge_cases(uow, actor=staff["supervisor"], case_number=duplicate, into=survivor,
                                    reason="Same bus complaint", expected_version=_version(store, duplicate))
    assert kept.case_number == survivor and kept.status == "open"
    with store.uow(readonly=True) as uow:
        gone = get_case(uow.session, duplicate, viewer=None)
        link = uow.session.exec(select(CaseLink).where(CaseLink.case_id == gone.id)).one()
        history = case_history(uow.session, survivor, viewer=None)
        assert escalation.merged_into(uow.session, gone) == survivor
    assert gone.status == "closed" and gone.close_reason == f"merged into {survivor}"
    assert link.kind == "merged" and link.reason == "Same bus complaint"
    opened = {(h.case_number, name) for h in history if h.action == "case.open" for name in h.changes}
    assert (survivor, "category") in opened and (duplicate, "category") in opened
    assert any(h.case_number == survivor and h.changes.get("merged_from", (None, None))[1] == duplicate
               for h in history)
    with store.uow() as uow, pytest.raises(RuleRefused, match="already merged"):
        handling.merge_cases(uow, actor=staff["supervisor"], case_number=duplicate, into=survivor)
    with store.uow() as uow, pytest.raises(RuleRefused, match="merged into"):
        escalation.escalate(uow, actor=staff["supervisor"], profile=ROCHESTER, case_number=duplicate, reason="x")


def test_the_survivors_history_shows_only_the_merged_cases_its_reader_may_see_on_both_backends(
        store: Store, staff: dict[str, Actor]) -> None:
    # A case a person may not see does not exist for them, its trail included: on PostgreSQL row-level security
    # says so; the store says the same on SQLite.
    survivor = call(store, staff["agent"], caller_name="Maria Gomez", phone="2135550142").case.case_number
    duplicate = call(store, staff["supervisor"], caller_name="Maria Gomez", phone="2135550142",
                     call_type="concern", category="Transportation").case.case_number  # pat's: not ana's
    with store.uow() as uow:
        handling.merge_cases(uow, actor=staff["supervisor"], case_number=duplicate, into=survivor)
    with store.uow(readonly=True) as uow:
        hers = {h.case_number for h in case_history(uow.session, survivor, viewer=staff["agent"])}
        theirs = {h.case_number for h in case_history(uow.session, survivor, viewer=staff["supervisor"])}
    assert hers == {survivor} and theirs == {survivor, duplicate}
