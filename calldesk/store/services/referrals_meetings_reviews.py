"""Referrals, resolution/mediation meetings, supervisors' quality reviews and merging duplicates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.models import (
    Case,
    CaseLink,
    CasePublic,
    Meeting,
    MeetingCreate,
    MeetingPublic,
    QualityReview,
    QualityReviewCreate,
    QualityReviewPublic,
    Referral,
    ReferralCreate,
    ReferralPublic,
    utcnow,
)
from calldesk.profiles import load_profile
from calldesk.rules.handling import (
    REVIEW_CHECKLIST,
    MergeSide,
    check_merge,
    check_review,
    meeting_parties,
    referral_office,
    review_marks,
    review_points,
    reviewed_person,
)
from calldesk.rules.profile import Profile
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.one_case import get_case
from calldesk.store.services.cases import after_opening, load_for_change, refresh_next_deadline
from calldesk.store.services.escalation import merged_into
from calldesk.store.services.typed_fields import build


def _working(uow: UnitOfWork, case_number: str, expected_version: int | None, actor: Actor) -> Case:
    case = load_for_change(uow.session, case_number, expected_version, viewer=actor)
    if case.status == "closed":
        raise RuleRefused(f"Case {case_number} is closed.")
    return case


def _aware(moment: datetime | None, field: str) -> datetime:
    if moment is None:
        return utcnow()
    if moment.tzinfo is None:
        raise InvalidInput("The time needs a time zone.", field=field)
    return moment


def refer(uow: UnitOfWork, *, actor: Actor, case_number: str, kind: str, contact: str, note: str = "",
          expected_version: int | None = None, referred_at: datetime | None = None) -> ReferralPublic:
    """Refer the case to Safety and Security or to the civil rights coordinator, recorded with whom and when."""
    actor = authorise(uow, actor, "refer")
    office = referral_office(kind)
    if not contact.strip():
        raise InvalidInput(f"Name whom at {office} the case was referred to.", field="contact")
    data = build(ReferralCreate, kind=kind, contact=contact.strip(), note=note.strip())  # the model's limits
    case = _working(uow, case_number, expected_version, actor)
    row = Referral(**data.model_dump(), case_id=case.id, office=office,  # type: ignore[arg-type]
                   referred_by=actor.username, referred_at=_aware(referred_at, "referred_at"))
    uow.session.add(row)
    case.updated_at = utcnow()
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="case.refer", entity="referral", entity_id=row.id,
                 case_id=case.id, field="office", new=f"{office} ({row.contact})")
    uow.commit()
    return ReferralPublic.model_validate(row)


def schedule_meeting(uow: UnitOfWork, *, actor: Actor, case_number: str, kind: str, when: datetime,
                     parties: Sequence[str], place: str = "", expected_version: int | None = None) -> MeetingPublic:
    """Set up a resolution or mediation meeting with all parties (Rochester OPE)."""
    actor = authorise(uow, actor, "meeting")
    names = meeting_parties(kind, parties)
    data = build(MeetingCreate, kind=kind, scheduled_for=_aware(when, "when"), place=place.strip(),
                 parties=", ".join(names))  # the model's limits
    case = _working(uow, case_number, expected_version, actor)
    after_opening(case, data.scheduled_for, refused="The meeting cannot be", field="when")
    row = Meeting(**data.model_dump(), case_id=case.id, scheduled_by=actor.username,  # type: ignore[arg-type]
                  scheduled_at=utcnow())
    uow.session.add(row)
    case.updated_at = utcnow()
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="meeting.schedule", entity="meeting", entity_id=row.id,
                 case_id=case.id, field="scheduled_for", new=data.scheduled_for)
    uow.commit()
    return MeetingPublic.model_validate(row)


def record_meeting_outcome(uow: UnitOfWork, *, actor: Actor, case_number: str, meeting_id: int, outcome: str,
                           parent_satisfied: bool, expected_version: int | None = None) -> MeetingPublic:
    """The meeting's outcome and whether the parent was satisfied (if not, the case is escalated next)."""
    actor = authorise(uow, actor, "meeting")
    if not outcome.strip():
        raise InvalidInput("Say what the meeting agreed or decided.", field="outcome")
    case = _working(uow, case_number, expected_version, actor)
    row = uow.session.get(Meeting, meeting_id)
    if row is None or row.case_id != case.id:
        raise InvalidInput(f"No meeting {meeting_id} on case {case_number}.", field="meeting_id")
    before = {"outcome": row.outcome, "parent_satisfied": row.parent_satisfied}
    row.outcome, row.parent_satisfied = outcome.strip(), parent_satisfied
    row.outcome_by, row.outcome_at = actor.username, utcnow()
    case.updated_at = utcnow()
    uow.flush()
    audit.record_changes(uow.session, actor=actor.username, action="meeting.outcome", entity="meeting",
                         entity_id=row.id, case_id=case.id, before=before,
                         after={"outcome": row.outcome, "parent_satisfied": parent_satisfied})
    uow.commit()
    return MeetingPublic.model_validate(row)


def review_case(uow: UnitOfWork, *, actor: Actor, case_number: str, data: QualityReviewCreate,
                expected_version: int | None = None, profile: Profile | None = None) -> QualityReviewPublic:
    """A supervisor's quality review with the profile's checklist (`data.met`, by name; or the five columns), a
    score (1-5) and a comment, about the work of the case's assignee (else who opened it); a closed case can be
    reviewed too. `profile` defaults to the case's own protocol."""
    actor = authorise(uow, actor, "review_case")
    case = load_for_change(uow.session, case_number, expected_version, viewer=actor)
    chosen = profile or load_profile(case.protocol)
    # By name, the profile's checklist; else (the five columns ticked) the review covers those five points only.
    points = review_points([(p.name, p.label) for p in chosen.review_checklist]) if data.met is not None \
        else REVIEW_CHECKLIST
    met = data.met if data.met is not None else [name for name, _ in REVIEW_CHECKLIST if getattr(data, name)]
    marks = review_marks(points, met)
    check_review(score=data.score, met=list(marks.values()), comment=data.comment)
    row = QualityReview(**data.model_dump(exclude={"met", "points"}), case_id=case.id,  # type: ignore[arg-type]
                        reviewed_by=actor.username, reviewed_at=utcnow(), points=json.dumps(marks),
                        reviewed_person=reviewed_person(assigned_to=case.assigned_to, opened_by=case.opened_by))
    for name, _ in REVIEW_CHECKLIST:  # the five columns follow the checklist where it names them
        setattr(row, name, marks.get(name, False))
    row.comment = row.comment.strip()
    uow.session.add(row)
    case.updated_at = utcnow()
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="case.review", entity="qualityreview",
                 entity_id=row.id, case_id=case.id, field="score", new=row.score)
    uow.commit()
    return QualityReviewPublic.model_validate(row)


def merge_cases(uow: UnitOfWork, *, actor: Actor, case_number: str, into: str, reason: str = "",
                expected_version: int | None = None) -> CasePublic:
    """Merge a duplicate into the case that survives (OC CCTS consolidation): the duplicate is closed as merged
    and points to the survivor, whose history shows both. Returns the survivor."""
    actor = authorise(uow, actor, "link_cases")
    session = uow.session
    merged = load_for_change(session, case_number, expected_version, viewer=actor)
    survivor = get_case(session, into, viewer=actor, for_update=True)
    check_merge(MergeSide(merged.case_number, merged.protocol, merged_into(session, merged)),
                MergeSide(survivor.case_number, survivor.protocol, merged_into(session, survivor)))
    why = reason.strip() or f"duplicate of {survivor.case_number}"
    session.add(CaseLink(case_id=merged.id, linked_case_id=survivor.id, kind="merged", reason=why,  # type: ignore[arg-type]
                         created_by=actor.username))
    close_reason = f"merged into {survivor.case_number}"
    before = {"status": merged.status, "close_reason": merged.close_reason}
    if merged.status != "closed":
        merged.closed_at, merged.closed_by = utcnow(), actor.username
    merged.status, merged.close_reason = "closed", close_reason
    refresh_next_deadline(merged)
    merged.updated_at = survivor.updated_at = utcnow()
    audit.record_changes(session, actor=actor.username, action="case.merge", entity="case",
                         entity_id=merged.case_number, case_id=merged.id, before=before,
                         after={"status": "closed", "close_reason": close_reason})
    audit.record(session, actor=actor.username, action="case.merge", entity="case", entity_id=survivor.case_number,
                 case_id=survivor.id, field="merged_from", new=merged.case_number)
    uow.commit()
    return CasePublic.model_validate(survivor)


def referrals_for(session: Session, case_id: int | None) -> list[ReferralPublic]:
    rows = session.exec(select(Referral).where(Referral.case_id == case_id).order_by(col(Referral.id)))
    return [ReferralPublic.model_validate(r) for r in rows]


def meetings_for(session: Session, case_id: int | None) -> list[MeetingPublic]:
    rows = session.exec(select(Meeting).where(Meeting.case_id == case_id).order_by(col(Meeting.id)))
    return [MeetingPublic.model_validate(r) for r in rows]


def reviews_for(session: Session, case_id: int | None) -> list[QualityReviewPublic]:
    rows = session.exec(select(QualityReview).where(QualityReview.case_id == case_id)
                        .order_by(col(QualityReview.id)))
    return [QualityReviewPublic.model_validate(r) for r in rows]


def merge_targets(session: Session, case: Case, *, viewer: Actor, limit: int = 40) -> list[Case]:
    """The cases `case` could be merged into (calldesk.rules.handling.check_merge: not itself, the same agency,
    not merged away), that `viewer` may see: the same caller's (phone, email or name) first, then the open
    cases of its category, then the other open cases; the newest first in each, at most `limit` in all."""
    from calldesk.store.db.visibility import sees_among

    merged_away = select(CaseLink.case_id).where(CaseLink.kind == "merged")
    base = select(Case).where(Case.protocol == case.protocol, col(Case.id) != case.id,
                              col(Case.id).not_in(merged_away), sees_among(viewer))
    same = [col(Case.phone_digits) == case.phone_digits if case.phone_digits else None,
            col(Case.email) == case.email if case.email else None,
            col(Case.caller_name_key) == case.caller_name_key if case.caller_name_key else None]
    callers = [c for c in same if c is not None]
    tiers = [or_(*callers)] if callers else []
    if case.category:
        tiers.append(and_(col(Case.category) == case.category, col(Case.status) == "open"))
    tiers.append(col(Case.status) == "open")
    found: list[Case] = []
    for condition in tiers:
        if len(found) >= limit:
            break
        found += session.exec(base.where(condition, col(Case.id).not_in([c.id for c in found]))
                              .order_by(col(Case.opened_at).desc()).limit(limit - len(found)))
    return found
