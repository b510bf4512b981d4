"""Breached and soon-due deadlines across the store: case clocks and callbacks (for cron and alerting).

A million cases hold some hundred thousand due deadlines: the summary (counts by kind and owner, the most late and
the soonest) is a few SQL aggregates, and the full list is streamed from one ordered query, never loaded whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, literal, literal_column, null, select, union_all
from sqlmodel import Session

from calldesk.models import Callback, Case, utcnow
from calldesk.store.db.users import Actor, check

# The case clocks, in the words the queue uses.
CLOCKS = {"respond_by": "response", "acknowledge_by": "acknowledgement", "next_follow_up_by": "follow-up",
          "resolve_by": "resolution"}
KINDS = (*CLOCKS.values(), "callback")
T = Case.__table__.c  # type: ignore[attr-defined]
B = Callback.__table__.c  # type: ignore[attr-defined]
STREAMED = 2000  # rows fetched at a time by the full list


@dataclass(frozen=True)
class Due:
    """One deadline that is breached or falls due within the look-ahead."""

    what: str  # response | acknowledgement | follow-up | resolution | callback
    case_number: str | None
    callback_id: int | None
    due: datetime
    breached: bool
    owner: str


@dataclass(frozen=True)
class Tally:
    """How many deadlines of one kind (or one owner's) are breached and how many fall due soon."""

    name: str
    breached: int
    soon: int


@dataclass
class OverdueSummary:
    """What `calldesk overdue` says by default: totals, by kind and by owner, the most late and the soonest."""

    breached: int = 0
    soon: int = 0
    by_kind: list[Tally] = field(default_factory=list)  # every kind, in CLOCKS' order then callbacks
    by_owner: list[Tally] = field(default_factory=list)  # most breached first
    most_late: Due | None = None  # the breached deadline that passed longest ago
    soonest: Due | None = None  # the next deadline to fall due (not yet breached)


def _owner() -> ColumnElement[Any]:
    # No bound parameter in it: PostgreSQL matches the GROUP BY to the selected expression by its text.
    return func.coalesce(func.nullif(T.assigned_to, literal_column("''")), T.owner_role)


def _open_cases(horizon: datetime) -> ColumnElement[bool]:
    # next_deadline is the soonest of the clocks: only cases with one due by the horizon are read (an index range).
    return and_(T.status == "open", T.next_deadline <= horizon)


def _open_callbacks(horizon: datetime) -> ColumnElement[bool]:
    return and_(B.done_at.is_(None), B.due_at <= horizon)


def overdue_summary(session: Session, *, actor: Actor, now: datetime | None = None,
                    within_hours: int = 24) -> OverdueSummary:
    """Counts of the open clocks past due (breached) and due within `within_hours` (soon), by kind and owner,
    with the most late and the soonest of them: aggregates in SQL, a handful of rows back."""
    check(session, actor, "report")
    now = now or utcnow()
    horizon = now + timedelta(hours=within_hours)
    kinds = {what: [0, 0] for what in KINDS}
    owners: dict[str, list[int]] = {}
    figures = []
    for column in CLOCKS:  # per clock: breached, soon, the earliest breached, the earliest soon
        c = T[column]
        late, soon = c < now, and_(c >= now, c <= horizon)
        figures += [func.sum(case((late, 1), else_=0)), func.sum(case((soon, 1), else_=0)),
                    func.min(case((late, c))), func.min(case((soon, c)))]
    earliest: dict[bool, list[tuple[datetime, str]]] = {True: [], False: []}
    rows = session.execute(select(_owner(), *figures).where(_open_cases(horizon)).group_by(_owner()))
    for owner, *counts in rows:
        mine = owners.setdefault(str(owner), [0, 0])
        for n, (column, what) in enumerate(CLOCKS.items()):
            breached, soon, first_late, first_soon = counts[4 * n:4 * n + 4]
            kinds[what][0] += int(breached or 0)
            kinds[what][1] += int(soon or 0)
            mine[0] += int(breached or 0)
            mine[1] += int(soon or 0)
            earliest[True] += [(first_late, column)] if first_late is not None else []
            earliest[False] += [(first_soon, column)] if first_soon is not None else []
    late = func.sum(case((B.due_at < now, 1), else_=0))
    callbacks = session.execute(select(func.coalesce(B.assigned_to, literal_column("''")), late, func.count())
                                .where(_open_callbacks(horizon)).group_by(B.assigned_to))
    for owner, breached, total in callbacks:
        kinds["callback"][0] += int(breached or 0)
        kinds["callback"][1] += int(total) - int(breached or 0)
        mine = owners.setdefault(str(owner), [0, 0])
        mine[0] += int(breached or 0)
        mine[1] += int(total) - int(breached or 0)
    return OverdueSummary(
        breached=sum(b for b, _ in kinds.values()), soon=sum(s for _, s in kinds.values()),
        by_kind=[Tally(what, b, s) for what, (b, s) in kinds.items()],
        by_owner=sorted((Tally(o, b, s) for o, (b, s) in owners.items() if b or s),
                        key=lambda t: (-t.breached, -t.soon, t.name)),
        most_late=_first(session, now=now, horizon=horizon, clocks=earliest[True], breached=True),
        soonest=_first(session, now=now, horizon=horizon, clocks=earliest[False], breached=False))


def _first(session: Session, *, now: datetime, horizon: datetime, clocks: list[tuple[datetime, str]],
           breached: bool) -> Due | None:
    """The earliest breached deadline (or the earliest not yet breached): the case clock found by the aggregate
    (`clocks`: each kind's earliest, by owner) read back by its time, or the earliest callback if sooner."""
    found = []
    if clocks:
        due, column = min(clocks)
        query = _queries(horizon, lambda c: c == due, only=column)[0]
        found += [row for row in [session.execute(query.limit(1)).first()] if row is not None]
    window = (lambda c: c < now) if breached else (lambda c: and_(c >= now, c <= horizon))
    callback = _queries(horizon, window, only="callback")[0]
    found += [row for row in [session.execute(callback.order_by(B.due_at, B.id).limit(1)).first()] if row is not None]
    return _due(min(found, key=lambda r: r.due), now) if found else None


def _queries(horizon: datetime, window: Any, only: str | None = None) -> list[Any]:
    """One SELECT (what, case_number, callback_id, due, owner) per kind of deadline (or the `only` clock column, or
    "callback"), each limited by `window`."""
    queries = [select(literal(what).label("what"), T.case_number.label("case_number"),
                      cast(null(), Integer).label("callback_id"), T[column].label("due"), _owner().label("owner"))
               .where(_open_cases(horizon), window(T[column])) for column, what in CLOCKS.items()
               if only in (None, column)]
    if only not in (None, "callback"):
        return queries
    queries.append(select(literal("callback").label("what"), T.case_number.label("case_number"),
                          B.id.label("callback_id"), B.due_at.label("due"),
                          func.coalesce(B.assigned_to, literal_column("''")).label("owner"))
                   .select_from(Callback.__table__.outerjoin(Case.__table__, T.id == B.case_id))  # type: ignore[attr-defined]
                   .where(_open_callbacks(horizon), window(B.due_at)))
    return queries


def _due(row: Any, now: datetime) -> Due:
    return Due(row.what, row.case_number, row.callback_id, row.due, row.due < now, row.owner)


def overdue_items(session: Session, *, actor: Actor, now: datetime | None = None,
                  within_hours: int = 24) -> Iterator[Due]:
    """Every open clock that is past due or due within `within_hours`, breached first (longest past first), then
    soonest: streamed in batches from one ordered query (read it while the session is open)."""
    check(session, actor, "report")
    now = now or utcnow()
    horizon = now + timedelta(hours=within_hours)
    every = union_all(*_queries(horizon, lambda c: c <= horizon)).subquery()
    query = select(every).order_by(every.c.due, every.c.what, every.c.case_number, every.c.callback_id)
    result = session.execute(query, execution_options={"stream_results": True, "max_row_buffer": STREAMED})
    for rows in result.partitions(STREAMED):
        for row in rows:
            yield _due(row, now)

