"""The quality review summed up per person (LAUSD: the coordinator's quality assurance): for each person whose
work was reviewed, how many reviews, the average score and how often each point of the profile's checklist was
met. Supervisors only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from calldesk.errors import PermissionDenied
from calldesk.models import Case, QualityReview
from calldesk.rules.handling import REVIEW_CHECKLIST, review_points
from calldesk.rules.profile import Profile
from calldesk.store.db.users import Actor


@dataclass
class PersonReviews:
    """One person's reviews: their count, average score, and per point (name) how many met it of how many."""

    person: str
    reviews: int = 0
    total_score: int = 0
    points: dict[str, list[int]] = field(default_factory=dict)  # name -> [met, reviewed]

    @property
    def average(self) -> float:
        return round(self.total_score / self.reviews, 2) if self.reviews else 0.0


def _marks(row: QualityReview) -> dict[str, bool]:
    if row.points:
        return {str(k): bool(v) for k, v in json.loads(row.points).items()}
    return {name: bool(getattr(row, name)) for name, _ in REVIEW_CHECKLIST}  # a review made before the checklist


def review_summary(session: Session, *, viewer: Actor, profile: Profile, since: datetime | None = None,
                   until: datetime | None = None) -> list[PersonReviews]:
    """Per person (by name), the quality reviews of this protocol's cases made in [since, until)."""
    if not viewer.may("review_case"):  # who reviews cases reads the reviews (the queue's v asks the same)
        raise PermissionDenied("Only a supervisor reads the quality review summary.")
    query = (select(QualityReview, Case.opened_by).join(Case, col(Case.id) == QualityReview.case_id)
             .where(Case.protocol == profile.name))
    if since is not None:
        query = query.where(col(QualityReview.reviewed_at) >= since)
    if until is not None:
        query = query.where(col(QualityReview.reviewed_at) < until)
    names = [name for name, _ in review_points([(p.name, p.label) for p in profile.review_checklist])]
    people: dict[str, PersonReviews] = {}
    for row, opened_by in session.exec(query):
        who = row.reviewed_person or opened_by
        summary = people.setdefault(who, PersonReviews(who, points={name: [0, 0] for name in names}))
        summary.reviews += 1
        summary.total_score += row.score
        for name, met in _marks(row).items():
            counts = summary.points.setdefault(name, [0, 0])
            counts[0] += int(met)
            counts[1] += 1
    return [people[who] for who in sorted(people)]
