"""Referrals, meetings, merging duplicates and the supervisor's quality review: what each must hold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from calldesk.errors import InvalidInput, RuleRefused

# kind -> the office a case goes to (Rochester OPE: safety and security; OC CCTS: discrimination allegations).
REFERRAL_KINDS: dict[str, str] = {
    "safety": "Safety and Security",
    "civil_rights": "Civil rights coordinator",
}
MEETING_KINDS: tuple[str, ...] = ("mediation", "resolution")
# The LAUSD coordinator column's quality assurance points, in the protocol's order: (field, words).
REVIEW_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("contact_accurate", "Contact information accurate"),
    ("labelled_right", "Call labelled right (type, category)"),
    ("claim_evidence_written", "Claim and evidence well written"),
    ("urgency", "Sense of urgency"),
    ("follow_ups_on_time", "Follow-ups on time (every 48 hours)"),
)
SCORE_RANGE = (1, 5)


def review_points(checklist: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The profile's checklist as (name, words) (its `[[review_checklist]]`), or the five points above if none."""
    return tuple(checklist) or REVIEW_CHECKLIST


def reviewed_person(*, assigned_to: str | None, opened_by: str) -> str:
    """Whose work a quality review of a case is about: its assignee at the review, else who took the call."""
    return assigned_to or opened_by


def review_marks(points: Sequence[tuple[str, str]], met: Sequence[str]) -> dict[str, bool]:
    """Each point of the checklist, met or not; InvalidInput naming the points for a name not on it."""
    names = [name for name, _ in points]
    unknown = [m for m in met if m not in names]
    if unknown:
        raise InvalidInput(f"'{unknown[0]}' is not a checklist point: {', '.join(names)}.", field="met")
    return {name: name in met for name in names}


def referral_office(kind: str) -> str:
    """The office a referral of `kind` goes to; InvalidInput naming the kinds for any other."""
    if kind not in REFERRAL_KINDS:
        raise InvalidInput(f"'{kind}' is not a referral: choose {' or '.join(REFERRAL_KINDS)}.", field="kind")
    return REFERRAL_KINDS[kind]


def meeting_parties(kind: str, parties: Sequence[str]) -> list[str]:
    """The meeting's parties, cleaned; a mediation or resolution meeting needs the parent and someone else."""
    if kind not in MEETING_KINDS:
        raise InvalidInput(f"'{kind}' is not a meeting: choose {' or '.join(MEETING_KINDS)}.", field="kind")
    names = [p.strip() for p in parties if p.strip()]
    if len(names) < 2:
        raise InvalidInput("Name every party to the meeting (at least two, separated by commas).", field="parties")
    return names


def check_review(*, score: int, met: Sequence[bool], comment: str) -> None:
    """A review's score is 1 to 5, and a point of the checklist not met is explained in the comment."""
    low, high = SCORE_RANGE
    if not low <= score <= high:
        raise InvalidInput(f"The score is from {low} to {high}.", field="score")
    if not all(met) and not comment.strip():
        raise InvalidInput("Say in the comment what to improve on the points not met.", field="comment")


@dataclass(frozen=True)
class MergeSide:
    """What the merge rule needs of each case."""

    case_number: str
    protocol: str
    merged_into: str | None  # the survivor's number when this case was itself merged away


def check_merge(merged: MergeSide, survivor: MergeSide) -> None:
    """Refuse (RuleRefused) a merge that cannot be: into itself, across agencies, or of an already merged case."""
    if merged.case_number == survivor.case_number:
        raise RuleRefused("A case cannot be merged into itself.")
    if merged.merged_into is not None:
        raise RuleRefused(f"Case {merged.case_number} was already merged into {merged.merged_into}.")
    if survivor.merged_into is not None:
        raise RuleRefused(f"Case {survivor.case_number} was merged into {survivor.merged_into}: "
                          f"merge into {survivor.merged_into} instead.")
    if merged.protocol != survivor.protocol:
        raise RuleRefused("Cases of different agencies cannot be merged.")
