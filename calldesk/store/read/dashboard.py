"""What supervisors watch beyond the queue, all SQL aggregates (no case is loaded into Python):

- trends: repeated issues at one school or department (the profile's threshold within its window);
- coverage: open callbacks and follow-ups of staff absent more than an open day;
- the dashboard: volumes by week, category and type, SLA compliance, the backlog's age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Date, Integer, and_, case, cast, func, literal_column, select
from sqlmodel import Session

from calldesk.models import Callback, Case, User
from calldesk.rules.calendar import calendar_for
from calldesk.rules.callbacks import covering_supervisor_needed
from calldesk.rules.profile import Profile
from calldesk.store.db.users import Actor, check
from calldesk.store.read.counting import counted

T = Case.__table__.c  # type: ignore[attr-defined]
BACKLOG_AGES = ((0, 2), (3, 5), (6, 10), (11, 15), (16, 30), (31, None))  # days open


@dataclass(frozen=True)
class Trend:
    kind: str  # school | department
    place: str
    cases: int
    window_days: int


@dataclass(frozen=True)
class CoverItem:
    """An absent colleague's open work their supervisor should cover."""

    absent: str
    absent_since: date
    supervisor: str | None
    what: str  # callback | follow-up
    due: datetime | None
    case_number: str | None
    callback_id: int | None


@dataclass(frozen=True)
class Dashboard:
    weeks: list[tuple[date, int]]  # Monday of the week -> cases opened
    by_category: list[tuple[str, int]]
    by_type: list[tuple[str, int]]
    closed: int  # closed in the period with a resolution deadline
    closed_on_time: int
    open_breached: int
    open_total: int
    backlog: list[tuple[str, int]]  # "0-2 days" -> open cases

    @property
    def compliance(self) -> float | None:
        return None if not self.closed else self.closed_on_time / self.closed


def _reader(session: Session, actor: Actor) -> None:
    check(session, actor, "report")


def trends(session: Session, *, actor: Actor, profile: Profile, now: datetime) -> list[Trend]:
    """Schools and departments with at least the profile's trend threshold of cases in its window, most first."""
    _reader(session, actor)
    since = now - timedelta(days=profile.trend_window_days)
    found: list[Trend] = []
    for kind, column in (("school", T.school), ("department", T.department)):
        query = (select(column, func.count()).where(T.opened_at >= since, column.is_not(None), column != "",
                                                     counted())
                 .group_by(column).having(func.count() >= profile.trend_threshold)
                 .order_by(func.count().desc()).limit(50))
        found += [Trend(kind, place, int(n), profile.trend_window_days) for place, n in session.execute(query)]
    return sorted(found, key=lambda t: -t.cases)


def coverage(session: Session, *, actor: Actor, profile: Profile, now: datetime) -> list[CoverItem]:
    """Open callbacks and open cases' follow-ups of every colleague absent more than one open day."""
    _reader(session, actor)
    calendar = calendar_for(profile)
    today = calendar.local(now).date()
    away = [u for u in session.execute(select(User.username, User.absent_since, User.supervisor)  # type: ignore[call-overload]
                                       .where(User.absent_since.is_not(None)))  # type: ignore[union-attr]
            if covering_supervisor_needed(absent_since=u[1], today=today, calendar=calendar)]
    items: list[CoverItem] = []
    for username, since, supervisor in away:
        callbacks = session.execute(select(Callback.id, Callback.due_at, Case.case_number)  # type: ignore[call-overload]
                                    .outerjoin(Case, Case.id == Callback.case_id)  # type: ignore[arg-type]
                                    .where(Callback.assigned_to == username, Callback.done_at.is_(None))  # type: ignore[union-attr]
                                    .order_by(Callback.due_at))
        items += [CoverItem(username, since, supervisor, "callback", due, number, cid)
                  for cid, due, number in callbacks]
        follow_ups = session.execute(select(T.case_number, T.next_follow_up_by)
                                     .where(T.assigned_to == username, T.status == "open",
                                            T.next_follow_up_by.is_not(None)).order_by(T.next_follow_up_by))
        items += [CoverItem(username, since, supervisor, "follow-up", due, number, None) for number, due in follow_ups]
    return items


def _weeks(session: Session, *, profile: Profile, period: ColumnElement[bool]) -> dict[date, int]:
    """Cases opened per week of the agency's time zone (its weeks start on its Mondays, not UTC's), by the
    Monday that starts the week; weeks with no case are left out."""
    if session.get_bind().dialect.name == "postgresql":
        local_day = cast(func.timezone(profile.timezone, T.opened_at), Date)
        per_week: dict[date, int] = {}
        for when, n in session.execute(select(local_day, func.count()).where(period).group_by(local_day)):  # type: ignore[call-overload]
            monday = when - timedelta(days=when.weekday())
            per_week[monday] = per_week.get(monday, 0) + int(n)
        return per_week
    # SQLite has no time zones: count per UTC quarter hour (every zone's offset is whole quarters), then the
    # profile's zone names each quarter's local day (at most 96 rows a day, however many cases). SQLite keeps
    # "YYYY-MM-DD HH:MM:SS..." text: cut, not strftime (a third of the time at 1M cases). The quarter is cast back
    # to an integer: SQLAlchemy's "/" is a true division (a group per minute, not per quarter).
    hour = func.substr(T.opened_at, 1, 13)
    quarter = cast(cast(func.substr(T.opened_at, 15, 2), Integer) / 15, Integer)
    found: dict[date, int] = {}
    for at_hour, part, n in session.execute(select(hour, quarter, func.count()).where(period).group_by(hour, quarter)):
        day = datetime.fromisoformat(f"{at_hour}:{int(part) * 15:02d}+00:00").astimezone(profile.tz).date()
        monday = day - timedelta(days=day.weekday())
        found[monday] = found.get(monday, 0) + int(n)
    return found


def dashboard(session: Session, *, actor: Actor, profile: Profile, now: datetime, weeks: int = 26) -> Dashboard:
    """The dashboard's figures over the last `weeks` weeks (volumes by the agency's weeks, compliance) and now
    (the backlog)."""
    _reader(session, actor)
    since = now - timedelta(weeks=weeks)
    period = and_(T.opened_at >= since, counted())  # a merged duplicate is counted once, as its survivor
    per_week = _weeks(session, profile=profile, period=period)
    # Categories and types in one pass over the period (grouped by the expression, not the column: an index in
    # category order would read every case ever opened).
    category = func.coalesce(T.category, literal_column("'(none)'"))
    categories: dict[str, int] = {}
    types: dict[str, int] = {}
    for name, kind, n in session.execute(select(category, T.call_type, func.count()).where(period)
                                         .group_by(category, T.call_type)):
        categories[str(name)] = categories.get(str(name), 0) + int(n)
        types[str(kind)] = types.get(str(kind), 0) + int(n)
    closed_row = session.execute(select(
        func.count(), func.coalesce(func.sum(case((T.closed_at <= T.resolve_by, 1), else_=0)), 0))
        .where(T.status == "closed", T.closed_at >= since, T.resolve_by.is_not(None), counted())).one()
    open_row = session.execute(select(
        func.count(), func.coalesce(func.sum(case((T.next_deadline < now, 1), else_=0)), 0))
        .where(T.status == "open")).one()
    buckets = []
    for low, high in BACKLOG_AGES:
        condition = [T.status == "open", T.opened_at <= now - timedelta(days=low)]
        if high is not None:
            condition.append(T.opened_at > now - timedelta(days=high + 1))
        buckets.append(case((and_(*condition), 1), else_=0))
    ages = session.execute(select(*(func.coalesce(func.sum(b), 0) for b in buckets))
                           .where(T.status == "open")).one()
    labels = [f"{low}-{high} days" if high is not None else f"over {low - 1} days" for low, high in BACKLOG_AGES]
    return Dashboard(weeks=sorted(per_week.items()), by_category=_most_first(categories)[:10],
                     by_type=_most_first(types), closed=int(closed_row[0]),
                     closed_on_time=int(closed_row[1]), open_breached=int(open_row[1]), open_total=int(open_row[0]),
                     backlog=[(label, int(n)) for label, n in zip(labels, ages, strict=True)])


def _most_first(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


__all__ = ["Dashboard", "Trend", "CoverItem", "trends", "coverage", "dashboard"]
