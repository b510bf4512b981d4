"""Through the logins (issue 20): a duplicate merged by the program specialist, a quality review and a litigation
hold by the supervisor; an agent can do none of it, neither through calldesk (PermissionDenied, nothing written) nor
straight through her own database login."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from calldesk.errors import PermissionDenied
from calldesk.models import CaseLink, LitigationHold, QualityReview, QualityReviewCreate
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor
from calldesk.store.read.history import case_history
from calldesk.store.services import referrals_meetings_reviews as handling
from calldesk.store.services import retention
from tests.conftest import TEAM_PLACES, Team
from tests.integration.helpers import call
from tests.team.helpers import acting, behind, events, owner_rows, sql, trail, version

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

REVIEW = QualityReviewCreate(contact_accurate=True, labelled_right=True, claim_evidence_written=False, urgency=True,
                             follow_ups_on_time=True, score=4, comment="Write the evidence out next time")


def _refused_for_ana(team: Team, action: Callable[[UnitOfWork, Actor], object]) -> None:
    """ana's attempt is refused by calldesk and writes nothing."""
    before = events(team)
    with acting(team, "ana") as (uow, actor), pytest.raises(PermissionDenied):
        action(uow, actor)
    assert events(team) == before


def _refused_by_the_database(team: Team, statement: str, **params: object) -> None:
    with pytest.raises(DBAPIError, match="permission denied|insufficient|calldesk:|row-level security"):
        sql(team, "ana", statement, **params)


def test_a_merge_a_review_and_a_hold_by_their_roles_and_never_by_an_agent(team: Team) -> None:
    pat, sue = team.name("pat"), team.name("sue")
    survivor = call(team.store("ana"), team.actor("ana"), call_type="concern", category="Transportation",
                    school=TEAM_PLACES, caller_name="Maria Gomez", phone="(213) 555-0142",
                    claim="The bus never came on Monday").case
    duplicate = call(team.store("bo"), team.actor("bo"), call_type="concern", category="Transportation",
                     school=TEAM_PLACES, caller_name="M. Gomez", phone=None, email="maria.gomez@example.org",
                     channel="email", claim="Nobody picked my son up on Monday").case
    assert survivor.assigned_to == duplicate.assigned_to == pat

    _refused_for_ana(team, lambda u, a: handling.merge_cases(u, actor=a, case_number=duplicate.case_number,
                                                             into=survivor.case_number))
    seen = version(team, "pat", duplicate.case_number)
    with acting(team, "pat") as (uow, actor):
        kept = handling.merge_cases(uow, actor=actor, case_number=duplicate.case_number,
                                    into=survivor.case_number, reason="The same missed bus, by phone and by email",
                                    expected_version=seen)
    assert kept.case_number == survivor.case_number and kept.status == "open"
    gone = behind(team, duplicate.case_number)
    assert (gone.status, gone.close_reason, gone.closed_by) == (
        "closed", f"merged into {survivor.case_number}", pat)
    links = owner_rows(team, select(CaseLink).where(CaseLink.case_id == duplicate.id))
    assert [(k.kind, k.linked_case_id, k.created_by) for k in links] == [("merged", survivor.id, pat)]
    with team.store("pat").uow(readonly=True) as uow:
        history = case_history(uow.session, survivor.case_number, viewer=team.actor("pat"))
    assert {h.case_number for h in history if h.action == "case.open"} == {survivor.case_number,
                                                                           duplicate.case_number}

    _refused_for_ana(team, lambda u, a: handling.review_case(u, actor=a, case_number=survivor.case_number,
                                                             data=REVIEW))
    with acting(team, "sue") as (uow, actor):
        review = handling.review_case(uow, actor=actor, case_number=survivor.case_number, data=REVIEW)
    assert review.reviewed_by == sue and review.score == 4

    _refused_for_ana(team, lambda u, a: retention.place_hold(u, actor=a, case_number=survivor.case_number,
                                                             reason="Gomez v. District"))
    with acting(team, "sue") as (uow, actor):
        retention.place_hold(uow, actor=actor, case_number=survivor.case_number, reason="Gomez v. District")
    holds = owner_rows(team, select(LitigationHold).where(LitigationHold.case_id == survivor.id))
    assert [(h.reason, h.placed_by) for h in holds] == [("Gomez v. District", sue)]
    _refused_for_ana(team, lambda u, a: retention.release_hold(u, actor=a, case_number=survivor.case_number))

    # Her own login, bypassing calldesk: the database refuses too (on a case she opened and sees).
    assert sql(team, "ana", "SELECT count(*) FROM cases WHERE id = :c", c=survivor.id) == [(1,)]
    _refused_by_the_database(team, "INSERT INTO qualityreview (case_id, contact_accurate, labelled_right, "
                                   "claim_evidence_written, urgency, follow_ups_on_time, score, comment, reviewed_by, "
                                   "reviewed_at) VALUES (:c, true, true, true, true, true, 5, 'ok', 'x', now())",
                             c=survivor.id)
    _refused_by_the_database(team, "INSERT INTO litigationhold (case_id, reason, placed_by, placed_at) "
                                   "VALUES (:c, 'mine', 'x', now())", c=survivor.id)
    _refused_by_the_database(team, "DELETE FROM litigationhold WHERE case_id = :c", c=survivor.id)
    assert len(owner_rows(team, select(LitigationHold).where(LitigationHold.case_id == survivor.id))) == 1
    assert len(owner_rows(team, select(QualityReview).where(QualityReview.case_id == survivor.id))) == 1

    with acting(team, "sue") as (uow, actor):
        retention.release_hold(uow, actor=actor, case_number=survivor.case_number)
    assert owner_rows(team, select(LitigationHold).where(LitigationHold.case_id == survivor.id)) == []
    steps = {(e.action, e.actor) for e in trail(team) if e.case_id in (survivor.id, duplicate.id)}
    assert {("case.merge", pat), ("case.review", sue), ("hold.place", sue), ("hold.release", sue),
            ("db.insert", pat), ("db.insert", sue), ("db.delete", sue)} <= steps
    assert not {actor for action, actor in steps if action in (
        "case.merge", "case.review", "hold.place", "hold.release")} & {team.name("ana"), team.name("bo")}


def test_the_database_refuses_an_agent_forging_a_merge_or_rewriting_a_review(team: Team) -> None:
    """What merge_cases and review_case refuse an agent is refused by the database as well: a "merged" link is a
    merge (link_cases), a review's score is the reviewer's (review_case)."""
    mine = [call(team.store("ana"), team.actor("ana"), caller_name=name, phone=phone, school=TEAM_PLACES).case
            for name, phone in (("Maria Gomez", "(213) 555-0142"), ("Rosa Diaz", "(213) 555-0177"))]
    assert {c.assigned_to for c in mine} == {team.name("ana")}  # inquiries she keeps: she sees both
    with acting(team, "sue") as (uow, actor):
        handling.review_case(uow, actor=actor, case_number=mine[0].case_number,
                             data=REVIEW.model_copy(update={"score": 2}))
    try:
        forged = sql(team, "ana", "INSERT INTO caselink (case_id, linked_case_id, kind, reason, created_by, "
                                  "created_at) VALUES (:a, :b, 'merged', 'forged', 'x', now()) RETURNING id",
                     a=mine[1].id, b=mine[0].id)
    except DBAPIError:
        forged = []
    try:
        rescored = sql(team, "ana", "UPDATE qualityreview SET score = 5, comment = '' WHERE case_id = :c "
                                    "RETURNING id", c=mine[0].id)
    except DBAPIError:
        rescored = []
    assert (forged, rescored) == ([], [])
