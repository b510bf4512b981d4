"""The supervisor queue: one page of cases at a time by keyset paging, so the screen never holds the whole store.

Each sort column has an index (status, column, id) (migration 0007): a page is an index range read of `limit`
rows after (or before) the last row on screen, whatever the page's distance from the top. Cases with no value in
the sort column come after every other in both directions. Who sees what is applied here, in the query.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select, tuple_, union_all
from sqlmodel import Session

from calldesk.errors import InvalidInput
from calldesk.models import Case
from calldesk.models.case import QUEUE_FILTER_COLUMNS
from calldesk.rules.case_numbers import full_case_number, is_case_number
from calldesk.rules.contact import normalise_name
from calldesk.rules.sla import SLA_STATES, SlaState, sla_bounds, sla_state
from calldesk.store.db.users import Actor, actor_for, named_user
from calldesk.store.db.visibility import scope, sees
from calldesk.store.read.queries import _like_literal

T = Case.__table__.c  # type: ignore[attr-defined]
# The queue's columns a user may sort by: name -> the case column (each has an index in migration 0007).
SORTS: dict[str, Any] = {"deadline": T.next_deadline, "number": T.case_number, "opened": T.opened_at,
                         "category": T.category, "tier": T.tier, "assignee": T.assigned_to, "language": T.language,
                         "source": T.source}
STATUSES = ("open", "closed")
PAGE = 50
FEW = 5000  # SQLite: at most this many matches are sorted rather than looked for along the sort's index
PAST = "\U0010ffff"  # after every text that starts with a prefix: prefix <= x < prefix + PAST


@dataclass(frozen=True)
class QueueFilter:
    """What the supervisor narrowed the queue to; None (or "") means any."""

    status: str = "open"
    assignee: str | None = None  # a username, or "-" for nobody
    tier: str | None = None
    category: str | None = None
    place: str | None = None  # a school or a department
    sla: str | None = None  # breached | at_risk | on_track
    language: str | None = None
    source: str | None = None
    search: str = ""  # the start of a case number or of the caller's name; "claim: words" searches the claims

    def with_(self, **changes: Any) -> QueueFilter:
        return replace(self, **changes)


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue (only cases the viewer may see are read)."""

    id: int
    case_number: str
    opened_at: datetime
    category: str | None
    call_type: str
    tier: str | None
    assigned_to: str | None
    owner_role: str
    language: str
    source: str
    status: str
    next_deadline: datetime | None
    caller_name: str | None
    late_clocks: int
    sla: SlaState

    def key(self, sort: str) -> tuple[Any, int]:
        """The keyset position of this row under `sort`."""
        name = "next_deadline" if sort == "deadline" else SORTS[sort].name
        return getattr(self, name), self.id


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    at_start: bool  # nothing comes before the first row
    at_end: bool  # nothing comes after the last row
    whole_queue: bool  # False: the viewer sees only their own work
    filters: QueueFilter = field(default_factory=QueueFilter)


_COLUMNS = (T.id, T.case_number, T.opened_at, T.category, T.call_type, T.tier, T.assigned_to, T.owner_role,
            T.language, T.source, T.status, T.next_deadline, T.caller_name, T.late_clocks)


def _fixed_choices() -> dict[str, tuple[str, ...]]:
    """The filters with a fixed set of values, and those values: offered by filter_choices, checked by
    _conditions (a value outside them matches nothing, which would read as an empty queue)."""
    from calldesk.rules.profile import TIER_LABELS
    from calldesk.rules.vocabulary import SOURCES

    return {"status": STATUSES, "tier": tuple(TIER_LABELS), "source": SOURCES, "sla": SLA_STATES[:3]}


_FILTER_LABELS = {"status": "Status", "tier": "Tier", "source": "Source", "sla": "SLA state"}


def _conditions(filters: QueueFilter, *, viewer: Actor, now: datetime) -> list[ColumnElement[bool]]:
    for name, allowed in _fixed_choices().items():
        value = getattr(filters, name)
        if (value or name == "status") and value not in allowed:
            raise InvalidInput(f"{_FILTER_LABELS[name]} must be one of: {', '.join(allowed)}.", field=name)
    where: list[ColumnElement[bool]] = [T.status == filters.status]
    if scope(viewer) == "places":
        where.append(sees(viewer))
    elif scope(viewer) == "own":
        # Their own cases as an id list from two indexes, then sorted: a few thousand at most. As an OR, the
        # planner reads the whole queue in order looking for them (3.5 s at 1M for an agent with none).
        # (calldesk.store.db.visibility's rule, as index ranges: assigned, opened, handed on, or in their role's queue.)
        own = union_all(select(T.id).where(T.assigned_to == viewer.username),  # not status: its index leads
                        select(T.id).where(T.opened_by == viewer.username),
                        select(T.id).where(T.previous_assignee == viewer.username),
                        select(T.id).where(T.assigned_to.is_(None), T.owner_role == viewer.role))
        where.append(T.id.in_(own.scalar_subquery()))
    if filters.assignee == "-":
        where.append(T.assigned_to.is_(None))
    elif filters.assignee:
        where.append(T.assigned_to == filters.assignee)
    for name in ("tier", "category", "language", "source"):
        value = getattr(filters, name)
        if value:
            where.append(T[name] == value)
    if filters.place:
        where.append(or_(T.school == filters.place, T.department == filters.place))
    if filters.sla:
        low, high, none_too = sla_bounds(filters.sla, now=now)
        span = and_(*(c for c in (T.next_deadline >= low if low else None,
                                  T.next_deadline < high if high else None) if c is not None))
        span = or_(span, T.next_deadline.is_(None)) if none_too else span
        # A clock met after its due time counts as breached (rules.sla.sla_state), whatever the next deadline.
        where.append(or_(span, T.late_clocks > 0) if filters.sla == "breached" else and_(span, T.late_clocks == 0))
    term = filters.search.strip()
    words = _claim_words(term)
    if words is not None and len(words) > CLAIM_SEARCH_LIMIT:  # (SQLite takes a LIKE of at most 50,000 bytes)
        raise InvalidInput(f"Search the claims for at most {CLAIM_SEARCH_LIMIT} characters.", field="search")
    if words is not None:
        # Asked for by name: the claim's words anywhere, a scan of the cases the other filters leave (about 2 s at
        # 1M cases with no filter; a text index would be a second copy of the claim to scrub on an abuse mark).
        if words:
            where.append(T.claim.ilike(f"%{_like_literal(words)}%", escape="\\"))
    elif term:
        # Number and caller name are prefixes, each an index range (a LIKE, or the claim's words anywhere, would
        # scan the whole queue: 2 s at 1M cases). The claim is not searched here (it needs a text index).
        key = normalise_name(term)
        ranges = [and_(T.case_number >= term, T.case_number < term + PAST)]
        if is_case_number(term):  # "2026-2", as Find reads it: that case too
            ranges.append(T.case_number == full_case_number(term))
        if key:
            ranges.append(and_(T.caller_name_key >= key, T.caller_name_key < key + PAST))
        where.append(or_(*ranges))
    return where


CLAIM_SEARCH = "claim:"
CLAIM_SEARCH_LIMIT = 1000  # words searched for in the claims: a sentence, not a whole claim pasted


def _claim_words(term: str) -> str | None:
    """The words of a `claim: ...` search, or None when the search is the usual prefix one."""
    if term[:len(CLAIM_SEARCH)].lower() != CLAIM_SEARCH:
        return None
    return term[len(CLAIM_SEARCH):].strip()


def _row(values: Any, *, now: datetime) -> QueueRow:
    data = dict(values._mapping)
    state = sla_state(status=data["status"], next_deadline=data["next_deadline"], now=now,
                      late_clocks=data["late_clocks"] or 0)
    return QueueRow(**data, sla=state)


def _few_matches(session: Session, where: list[ColumnElement[bool]], filters: QueueFilter, sort: str) -> bool:
    """SQLite, a filter and another sort than the deadline: True when at most FEW cases match. SQLite would read
    the sort's index looking for them (1.6 s at 1M for a value no case has); read from the filter's index and
    sorted they cost milliseconds. Many matches are found soon along the sort's index, as it does."""
    if session.get_bind().dialect.name != "sqlite" or sort == "deadline":
        return False
    named = [name for name in QUEUE_FILTER_COLUMNS if name != sort and getattr(filters, name, None)]
    if not named:  # a place is school OR department: SQLite sorts those matches badly (seconds)
        return False
    probe = select(T.id).where(*where).limit(FEW + 1).subquery()
    return int(session.execute(select(func.count()).select_from(probe)).scalar_one()) <= FEW


def _part(session: Session, where: list[ColumnElement[bool]], column: Any, *, nulls: bool, ascending: bool,
          after: tuple[Any, int] | None, limit: int, few: bool = False) -> list[Any]:
    """Rows of one part of the order: those with a value in `column` (nulls=False) or those without."""
    conditions = [*where, column.is_(None) if nulls else column.is_not(None)]
    if after is not None:
        if nulls:
            conditions.append(T.id > after[1] if ascending else T.id < after[1])
        else:
            position = tuple_(column, T.id)
            conditions.append(position > tuple_(*after) if ascending else position < tuple_(*after))
    # The valueless part in (column, id) order too: the same order (the column is NULL throughout), and the one
    # that PostgreSQL reads from the (status, column, id) index; by id alone it scans the primary key (0.8 s at 1M).
    order = [column, T.id]
    if few:  # `column || ''` orders alike but is no index's order: SQLite reads the filter's index, then sorts
        order = [column.op("||")(literal_column("''")), T.id]
    query = (select(*_COLUMNS).where(*conditions)
             .order_by(*(c.asc() if ascending else c.desc() for c in order)).limit(limit))
    return list(session.execute(query))


def queue_page(session: Session, *, actor: Actor, now: datetime, filters: QueueFilter = QueueFilter(),
               sort: str = "deadline", descending: bool = False, after: tuple[Any, int] | None = None,
               before: tuple[Any, int] | None = None, last: bool = False, limit: int = PAGE) -> QueuePage:
    """One page of the queue in `sort` order: the first page, the one `after` a row's key, the one `before` a
    row's key, or the `last` page. An agent's page holds only the cases assigned to them or opened by them."""
    viewer = actor_for(session, actor.username)  # any signed-in user; who sees what follows their role now
    if sort not in SORTS:
        raise InvalidInput(f"Sort by one of: {', '.join(SORTS)}.", field="sort")
    column = SORTS[sort]
    if filters.assignee not in (None, "", "-"):
        named_user(session, filters.assignee)  # (a misspelt name would read as an empty queue: refused, as My work)
    where = _conditions(filters, viewer=viewer, now=now)
    few = _few_matches(session, where, filters, sort)
    forward = before is None and not last
    ascending = forward != descending  # the direction the index is read in
    position = after if forward else before
    rows: list[Any] = []
    # Forward: valued rows, then the valueless ones; backward the other way round.
    parts = (False, True) if forward else (True, False)
    in_nulls = position is not None and position[0] is None
    for nulls in parts:
        if forward and in_nulls and not nulls:
            continue  # the cursor is among the valueless rows already: no valued row comes after it
        if not forward and position is not None and not in_nulls and nulls:
            continue  # the cursor is among the valued rows: every valueless row comes after it
        keyset = position if (position is not None and in_nulls == nulls) else None
        rows += _part(session, where, column, nulls=nulls, ascending=ascending, after=keyset, few=few,
                      limit=limit + 1 - len(rows))
        if len(rows) > limit:
            break
    more = len(rows) > limit
    rows = rows[:limit]
    if not forward:
        rows.reverse()
    found = [_row(r, now=now) for r in rows]
    at_start = (after is None and not last) or (not forward and not more)
    at_end = (forward and not more) or last
    return QueuePage(found, at_start=at_start, at_end=at_end, whole_queue=scope(viewer) == "all",
                     filters=filters)


def queue_count(session: Session, *, actor: Actor, now: datetime, filters: QueueFilter = QueueFilter()) -> int:
    """How many cases the viewer's queue holds under `filters` (read apart from the page: the page never waits)."""
    viewer = actor_for(session, actor.username)
    where = _conditions(filters, viewer=viewer, now=now)
    return int(session.execute(select(func.count()).select_from(Case.__table__).where(*where)).scalar_one())  # type: ignore[attr-defined]


def queue_late(session: Session, *, actor: Actor, now: datetime,
               filters: QueueFilter = QueueFilter()) -> tuple[int, int] | None:
    """How many of the queue's cases under `filters` are breached and how many at risk (the rule of the SLA
    filter, rules.sla); None for closed cases, which have no SLA state to count."""
    if filters.status != "open":
        return None
    return tuple(queue_count(session, actor=actor, now=now, filters=filters.with_(sla=state))  # type: ignore[return-value]
                 if filters.sla in (None, state) else 0 for state in ("breached", "at_risk"))


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The values the queue's filters offer (the taxonomy and the staff, not a scan of the cases)."""
    from calldesk.models import User

    users = [u for (u,) in session.execute(select(User.username).order_by(User.username))]  # type: ignore[call-overload]
    return {"assignee": users, **{name: list(values) for name, values in _fixed_choices().items()}}
