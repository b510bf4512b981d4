"""The quality review's checklist is the profile's (LAUSD: the coordinator's ten points), and a supervisor reads a
summary per person (issue 22), each step through the person's own PostgreSQL login."""

from __future__ import annotations

import pytest

from calldesk.errors import InvalidInput, PermissionDenied
from calldesk.models import QualityReviewCreate
from calldesk.profiles import load_profile
from calldesk.store.read.quality import review_summary
from calldesk.store.services import referrals_meetings_reviews as handling
from tests.conftest import Team
from tests.integration.helpers import call
from tests.team.helpers import acting

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

LAUSD = load_profile("lausd")
# The seed's coordinator column, in order: contact accuracy, labelling, claim and evidence, urgency, timely
# follow-ups, coaching, paraphrasing, questioning, customer-service skills, note taking.
SEED_POINTS = ["contact_accurate", "labelled_right", "claim_evidence_written", "urgency", "follow_ups_on_time",
               "coaching", "paraphrasing", "questioning", "customer_service", "note_taking"]


def test_reviews_with_the_profiles_checklist_summed_up_per_person(team: Team) -> None:
    assert [p.name for p in LAUSD.review_checklist] == SEED_POINTS
    first = call(team.store("ana"), team.actor("ana"), LAUSD).case.case_number
    second = call(team.store("ana"), team.actor("ana"), LAUSD, caller_name="Lena Park",
                  phone="(213) 555-0199").case.case_number
    third = call(team.store("bo"), team.actor("bo"), LAUSD, caller_name="Rosa Diaz",
                 phone="(213) 555-0177").case.case_number
    with acting(team, "sue") as (uow, actor), pytest.raises(InvalidInput, match="not a checklist point"):
        handling.review_case(uow, actor=actor, case_number=first, profile=LAUSD,
                             data=QualityReviewCreate(score=5, met=["politeness"]))
    with acting(team, "sue") as (uow, actor):  # all ten met
        handling.review_case(uow, actor=actor, case_number=first, profile=LAUSD,
                             data=QualityReviewCreate(score=5, met=SEED_POINTS))
    with acting(team, "sue") as (uow, actor):  # paraphrasing and note taking missed
        row = handling.review_case(uow, actor=actor, case_number=second, profile=LAUSD, data=QualityReviewCreate(
            score=2, met=[p for p in SEED_POINTS if p not in ("paraphrasing", "note_taking")],
            comment="Paraphrase the claim back; take notes during the call"))
    assert row.reviewed_person == team.name("ana") and row.reviewed_by == team.name("sue")
    with acting(team, "vic") as (uow, actor):  # only the first point met
        handling.review_case(uow, actor=actor, case_number=third, profile=LAUSD, data=QualityReviewCreate(
            score=3, met=["contact_accurate"], comment="Work on the nine other points"))
    with acting(team, "ana") as (uow, actor), pytest.raises(PermissionDenied):
        review_summary(uow.session, viewer=actor, profile=LAUSD)
    with acting(team, "sue") as (uow, actor):
        people = {p.person: p for p in review_summary(uow.session, viewer=actor, profile=LAUSD)}
    ana, bo = people[team.name("ana")], people[team.name("bo")]
    # ana: two reviews, (5 + 2) / 2 = 3.5; paraphrasing and note taking met once of twice, the rest twice.
    assert (ana.reviews, ana.average) == (2, 3.5)
    assert ana.points["paraphrasing"] == ana.points["note_taking"] == [1, 2]
    assert ana.points["coaching"] == [2, 2]
    # bo: one review, score 3, contact accuracy 1/1 and every other point 0/1.
    assert (bo.reviews, bo.average, bo.points["contact_accurate"], bo.points["questioning"]) == (1, 3.0, [1, 1],
                                                                                               [0, 1])
