"""Finding cases and a person's work: read-only queries for the case workspace, My work and the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from calldesk.models import (
    Case,
    CaseLink,
    CasePublic,
    Disclosure,
    DisclosurePublic,
    FollowUpPublic,
    Resolution,
    ResolutionPublic,
    Student,
    StudentPublic,
)
from calldesk.models.types import max_length
from calldesk.rules.case_numbers import full_case_number, is_case_number
from calldesk.rules.contact import name_words, phone_digits
from calldesk.store.db.audit import HistoryEntry
from calldesk.store.db.users import Actor
from calldesk.store.db.visibility import sees, sees_among
from calldesk.store.read.history import case_history
from calldesk.store.read.one_case import get_case
from calldesk.store.read.queries import follow_ups_for

PHONE_LIKE = re.compile(r"^[\d\s().+\-]{7,}$")
# Find compares what was typed with a case number, a phone, an email, a school and a name's words: a text longer
# than the longest of them (the name's words) matches nothing, and is not sent (a LIKE of 100,000 characters, or
# of 30,000 words, is more than SQLite takes: "pattern too complex", "expression tree too large").
FINDABLE = max_length(Case, "caller_name_words")
TOP = "\U0010ffff"  # the largest code point: `key >= p AND key < p + TOP` is a prefix match an index can serve


def _prefix(column: object, text: str) -> ColumnElement[bool]:
    return and_(col(column) >= text, col(column) < text + TOP)  # type: ignore[arg-type]


def later_words(text: str) -> ColumnElement[bool] | None:
    """A name by the starts of any of its words, accents and case aside ("lopez", "jose" find "José María López"),
    or None when `text` is no name (a case number, an email, a phone). A name's later words are no index's first
    key: the match is read from the words index alone (a covering scan, never the cases' rows)."""
    typed = " ".join(text.split())
    if not typed or len(typed) > FINDABLE or is_case_number(typed) or "@" in typed or PHONE_LIKE.match(typed):
        return None
    words = name_words(typed)
    if not words:
        return None
    # name_words keeps letters and digits only: no LIKE wildcard can be in a typed word.
    matching = select(col(Case.id)).where(*(col(Case.caller_name_words).like(f"% {word}%") for word in words.split()))
    return col(Case.id).in_(matching)


def find_conditions(text: str, *, region: str = "US") -> list[ColumnElement[bool]]:
    """What `text` may be, as indexed conditions: a case number, a phone typed any way, an email, the start of
    a caller's name, or the start of a school's name."""
    typed = " ".join(text.split())
    if not typed or len(typed) > FINDABLE:
        return []
    if is_case_number(typed):
        return [col(Case.case_number) == full_case_number(typed), _prefix(Case.case_number, typed)]
    if "@" in typed:
        return [col(Case.email) == typed.lower()]
    if PHONE_LIKE.match(typed):
        digits = phone_digits(typed, region)
        return [col(Case.phone_digits) == digits] if digits else []
    words = name_words(typed)  # the start of the name, accents and case aside
    conditions = [_prefix(Case.caller_name_words, words)] if words else []
    conditions.append(_prefix(Case.school, typed))
    if typed[:1].islower():  # "roose" finds "Roosevelt High" too
        conditions.append(_prefix(Case.school, typed[:1].upper() + typed[1:]))
    return conditions


def find_cases(session: Session, text: str, *, viewer: Actor, include_closed: bool = True, region: str = "US",
               limit: int = 50) -> list[CasePublic]:
    """Cases `viewer` may see matching `text` (see find_conditions), open ones first, then the newest; a name also
    by the start of any of its words (later_words), read only when the indexed matches leave room."""
    conditions = find_conditions(text, region=region)
    if not conditions:
        return []

    def matching(condition: ColumnElement[bool], room: int, besides: set[int]) -> list[Case]:
        query = select(Case).where(condition, sees_among(viewer))
        if not include_closed:
            query = query.where(Case.status == "open")
        if besides:
            query = query.where(col(Case.id).not_in(besides))
        query = query.order_by((col(Case.status) != "open"), col(Case.opened_at).desc()).limit(room)
        return list(session.exec(query))

    found = matching(or_(*conditions), limit, set())
    later = later_words(text)
    if later is not None and len(found) < limit:
        found += matching(later, limit - len(found), {case.id for case in found if case.id is not None})
        found.sort(key=lambda case: (case.status != "open", -case.opened_at.timestamp()))
    return [CasePublic.model_validate(c) for c in found]


def list_cases(session: Session, *, viewer: Actor, status: str = "open", limit: int = 500) -> list[CasePublic]:
    """Cases `viewer` may see by status ("open", "closed" or "all"): open ones by next deadline, closed ones newest
    first."""
    query = select(Case).where(sees(viewer))
    if status in ("open", "closed"):
        query = query.where(Case.status == status)
    query = query.order_by((col(Case.status) != "open"), col(Case.next_deadline).asc().nulls_last(),
                           col(Case.closed_at).desc(), col(Case.opened_at).desc()).limit(limit)
    return [CasePublic.model_validate(c) for c in session.exec(query)]


@dataclass
class CaseLinkView:
    """A link seen from one case: its kind, the other case, and which way it points."""

    kind: str
    other: str
    direction: str  # "to" (this case points at the other) or "from"
    reason: str
    at: datetime


@dataclass
class CaseView:
    """Everything the case workspace and `case show` display about one case."""

    case: CasePublic
    follow_ups: list[FollowUpPublic] = field(default_factory=list)
    resolution: ResolutionPublic | None = None
    students: list[StudentPublic] = field(default_factory=list)
    disclosures: list[DisclosurePublic] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)  # with the cases merged into it
    links: list[CaseLinkView] = field(default_factory=list)
    steps: list[Any] = field(default_factory=list)  # the protocol's steps
    # (calldesk.store.read.step_states.StepState)
    names: dict[str, str] = field(default_factory=dict)  # the history's people: user name -> full name


def case_view(session: Session, case_number: str, *, viewer: Actor | None) -> CaseView:
    """The case numbered `case_number` with its follow-ups, resolution, students, disclosures, audit trail
    (oldest first) and links; NotFound if there is none."""
    case = get_case(session, case_number, viewer=viewer)
    assert case.id is not None
    resolution = session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    students = session.exec(select(Student).where(Student.case_id == case.id).order_by(col(Student.id))).all()
    disclosures = session.exec(select(Disclosure).where(Disclosure.case_id == case.id)
                               .order_by(col(Disclosure.id))).all()
    links: list[CaseLinkView] = []
    rows = session.exec(select(CaseLink).where(or_(col(CaseLink.case_id) == case.id,
                                                   col(CaseLink.linked_case_id) == case.id))
                        .order_by(col(CaseLink.created_at))).all()
    # The other case by its number when the viewer may see it; another person's case is named as such.
    others = {c.id: c.case_number for c in session.exec(select(Case).where(col(Case.id).in_(
        {r.linked_case_id for r in rows} | {r.case_id for r in rows}), sees(viewer)))}
    for row in rows:
        outgoing = row.case_id == case.id
        links.append(CaseLinkView(row.kind, others.get(row.linked_case_id if outgoing else row.case_id,
                                                       "another person's case"),
                                  "to" if outgoing else "from", row.reason, row.created_at))
    return CaseView(CasePublic.model_validate(case), follow_ups_for(session, case.id),
                    ResolutionPublic.model_validate(resolution) if resolution else None,
                    [StudentPublic.model_validate(s) for s in students],
                    [DisclosurePublic.model_validate(d) for d in disclosures],
                    case_history(session, case.case_number, viewer=viewer), links)
