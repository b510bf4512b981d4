"""Finding cases and a person's work: read-only queries for the case workspace, My work and the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

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
from calldesk.rules.contact import normalise_name, phone_digits
from calldesk.rules.profile import Profile
from calldesk.store.audit import HistoryEntry
from calldesk.store.cases import get_case
from calldesk.store.handling import case_history
from calldesk.store.queries import follow_ups_for

CASE_NUMBER = re.compile(r"^\d{4}-\d{1,6}$")
PHONE_LIKE = re.compile(r"^[\d\s().+\-]{7,}$")
TOP = "\U0010ffff"  # the largest code point: `key >= p AND key < p + TOP` is a prefix match an index can serve


def _prefix(column: object, text: str) -> ColumnElement[bool]:
    return and_(col(column) >= text, col(column) < text + TOP)  # type: ignore[arg-type]


def find_conditions(text: str, *, region: str = "US") -> list[ColumnElement[bool]]:
    """What `text` may be, as indexed conditions: a case number, a phone typed any way, an email, the start of
    a caller's name, or the start of a school's name."""
    typed = " ".join(text.split())
    if not typed:
        return []
    if CASE_NUMBER.match(typed):
        year, number = typed.split("-")
        exact = f"{year}-{int(number):06d}"
        return [col(Case.case_number) == exact, _prefix(Case.case_number, typed)]
    if "@" in typed:
        return [col(Case.email) == typed.lower()]
    if PHONE_LIKE.match(typed):
        digits = phone_digits(typed, region)
        return [col(Case.phone_digits) == digits] if digits else []
    conditions = [_prefix(Case.caller_name_key, normalise_name(typed)), _prefix(Case.school, typed)]
    if typed[:1].islower():  # "roose" finds "Roosevelt High" too
        conditions.append(_prefix(Case.school, typed[:1].upper() + typed[1:]))
    return conditions


def find_cases(session: Session, text: str, *, include_closed: bool = True, region: str = "US",
               limit: int = 50) -> list[CasePublic]:
    """Cases matching `text` (see find_conditions), open ones first, then the newest."""
    conditions = find_conditions(text, region=region)
    if not conditions:
        return []
    query = select(Case).where(or_(*conditions))
    if not include_closed:
        query = query.where(Case.status == "open")
    query = query.order_by((col(Case.status) != "open"), col(Case.opened_at).desc()).limit(limit)
    return [CasePublic.model_validate(c) for c in session.exec(query)]


def list_cases(session: Session, *, status: str = "open", limit: int = 500) -> list[CasePublic]:
    """Cases by status ("open", "closed" or "all"): open ones by next deadline, closed ones newest first."""
    query = select(Case)
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


def case_view(session: Session, case_number: str) -> CaseView:
    """The case numbered `case_number` with its follow-ups, resolution, students, disclosures, audit trail
    (oldest first) and links; NotFound if there is none."""
    case = get_case(session, case_number)
    assert case.id is not None
    resolution = session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    students = session.exec(select(Student).where(Student.case_id == case.id).order_by(col(Student.id))).all()
    disclosures = session.exec(select(Disclosure).where(Disclosure.case_id == case.id)
                               .order_by(col(Disclosure.id))).all()
    links: list[CaseLinkView] = []
    rows = session.exec(select(CaseLink).where(or_(col(CaseLink.case_id) == case.id,
                                                   col(CaseLink.linked_case_id) == case.id))
                        .order_by(col(CaseLink.created_at))).all()
    others = {c.id: c.case_number for c in session.exec(select(Case).where(col(Case.id).in_(
        {r.linked_case_id for r in rows} | {r.case_id for r in rows})))}
    for row in rows:
        outgoing = row.case_id == case.id
        links.append(CaseLinkView(row.kind, others[row.linked_case_id if outgoing else row.case_id],
                                  "to" if outgoing else "from", row.reason, row.created_at))
    return CaseView(CasePublic.model_validate(case), follow_ups_for(session, case.id),
                    ResolutionPublic.model_validate(resolution) if resolution else None,
                    [StudentPublic.model_validate(s) for s in students],
                    [DisclosurePublic.model_validate(d) for d in disclosures],
                    case_history(session, case.case_number), links)


@dataclass
class WorkItem:
    """One line of My work: what is due, on which case (or callback), by when."""

    kind: str  # "case", "follow-up", "acknowledgement", "written response", "callback"
    what: str
    due: datetime | None
    overdue: bool
    case_number: str | None = None
    callback_id: int | None = None


# The case's own clocks, as My work names them (other clocks join this list as they are added).
CASE_CLOCKS = (("next_follow_up_by", "follow-up"), ("acknowledge_by", "acknowledgement"),
               ("respond_by", "written response"))


MY_WORK_CASES = 200  # the soonest open cases My work lists (a specialist with more works from the queue)


def my_work(session: Session, *, profile: Profile, username: str, now: datetime,
            today: date | None = None, limit: int = MY_WORK_CASES) -> list[WorkItem]:
    """What `username` must do, soonest first (nothing due last): their `limit` soonest open cases (assigned to
    them, or opened by them and assigned to nobody) by next deadline, each clock of those cases that is due, and
    the callbacks they must return (callbacks_for: theirs, and those they cover for absent staff).

    Bounded: a user who opened hundreds of thousands of cases (a bulk import) got every one of them read."""
    from calldesk.store.callbacks import callbacks_for

    mine = or_(col(Case.assigned_to) == username,
               and_(col(Case.assigned_to).is_(None), col(Case.opened_by) == username))
    query = (select(Case).where(Case.status == "open", mine)
             .order_by(col(Case.next_deadline).asc().nulls_last(), col(Case.id)).limit(max(1, limit)))
    items: list[WorkItem] = []
    for case in session.exec(query):
        label = f"{case.call_type}: {case.category or 'no category'} · {case.caller_name or 'no name'}"
        due = case.next_deadline
        items.append(WorkItem("case", label, due, due is not None and due < now, case_number=case.case_number))
        for name, kind in CASE_CLOCKS:
            when = getattr(case, name)
            if when is not None:
                items.append(WorkItem(kind, f"{kind} due on {case.case_number}", when, when < now,
                                      case_number=case.case_number))
    day = today or now.date()
    for callback in callbacks_for(session, profile=profile, username=username, today=day):
        number = None
        if callback.case_id is not None:
            number = session.exec(select(Case.case_number).where(Case.id == callback.case_id)).first()
        who = callback.caller_name or callback.phone or "a caller"
        items.append(WorkItem("callback", f"call back {who}", callback.due_at, callback.due_at < now,
                              case_number=number, callback_id=callback.id))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(items, key=lambda i: (i.due is None, i.due or far))
