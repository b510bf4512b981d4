"""Small helpers for the team's tests: every step on the person's own connection (their login, their calldesk user);
the owner's connection only to set up and to look behind the rules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import col, func, select

from calldesk.models import AuditEvent, Case, utcnow
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import Profile
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor
from calldesk.store.read.my_work import WorkItem, my_work
from calldesk.store.read.one_case import get_case
from tests.conftest import Team


@contextmanager
def acting(team: Team, who: str) -> Iterator[tuple[UnitOfWork, Actor]]:
    """A unit of work on `who`'s own connection, with `who`'s calldesk user."""
    actor = team.actor(who)
    with team.store(who).uow() as uow:
        yield uow, actor


def version(team: Team, who: str, number: str) -> int:
    """The version of case `number` as `who` reads it (on their own connection)."""
    actor = team.actor(who)
    with team.store(who).uow(readonly=True) as uow:
        return get_case(uow.session, number, viewer=actor).version


def behind(team: Team, number: str) -> Case:
    """Case `number` as the owner sees it (behind every rule)."""
    with team.owner.uow(readonly=True) as uow:
        return get_case(uow.session, number, viewer=None)


def owner_rows(team: Team, query: Any) -> list[Any]:
    """Rows of a query run by the owner."""
    with team.owner.uow(readonly=True) as uow:
        return list(uow.session.exec(query))


def trail(team: Team, *, case_id: int | None = None) -> list[AuditEvent]:
    """The audit trail (of one case, or all of it), oldest first, read by the owner."""
    query = select(AuditEvent).order_by(col(AuditEvent.id))
    if case_id is not None:
        query = query.where(AuditEvent.case_id == case_id)
    return owner_rows(team, query)


def events(team: Team) -> int:
    """How many audit events the store holds (read by the owner)."""
    with team.owner.uow(readonly=True) as uow:
        return uow.session.exec(select(func.count()).select_from(AuditEvent)).one()


def work_of(team: Team, who: str, profile: Profile, *, now: datetime | None = None) -> list[WorkItem]:
    """`who`'s My work, read on their own connection."""
    actor = team.actor(who)
    with team.store(who).uow(readonly=True) as uow:
        return my_work(uow.session, profile=profile, viewer=actor, now=now or utcnow())


def sql(team: Team, who: str, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    """A statement run on `who`'s own connection, bypassing calldesk (what psql would let them do)."""
    with team.store(who).engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(statement), params)]


def business_days_ago(profile: Profile, days: int, *, today: date | None = None) -> date:
    """The business day `days` open days before today (the agency's today)."""
    calendar = calendar_for(profile, day_kind="business")
    day = today or calendar.local(utcnow()).date()
    for _ in range(days):
        day -= timedelta(days=1)
        while not calendar.is_open_day(day):
            day -= timedelta(days=1)
    return day


def agency_today(profile: Profile) -> date:
    return calendar_for(profile).local(utcnow()).date()
