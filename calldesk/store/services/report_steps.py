"""The reporting chain's steps marked done by the people who do them (OC CCTS III.B), and where a period's chain
stands: a step is done only when someone marked it, never because a draft report exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from calldesk.errors import InvalidInput, PermissionDenied, RuleRefused
from calldesk.models import ReportStepDone, utcnow
from calldesk.rules.permissions import ROLE_LABELS
from calldesk.rules.profile import Profile
from calldesk.rules.reporting import (
    ChainDate,
    Period,
    StepDone,
    StepStatus,
    chain_status,
    find_step,
    monthly_chain,
    quarterly_chain,
)
from calldesk.rules.shown import day_words
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise


def _rows(session: Session, profile: Profile, period: Period) -> list[ReportStepDone]:
    return list(session.scalars(select(ReportStepDone).where(
        col(ReportStepDone.protocol) == profile.name, col(ReportStepDone.kind) == period.kind,
        col(ReportStepDone.period) == period.label).order_by(col(ReportStepDone.id))))


def _received(rows: list[ReportStepDone], received: date | None) -> date | None:
    """The day the CEO's quarterly report arrived: as given, else as recorded with the quarter's first step."""
    return received or next((r.received_on for r in rows if r.received_on is not None), None)


def period_chain(profile: Profile, period: Period, received: date | None) -> list[ChainDate]:
    """The period's dated steps: the month's, or the quarter's counted from the day its report was received."""
    if period.kind == "monthly":
        return monthly_chain(profile, period)
    return quarterly_chain(profile, received) if received is not None else []


def _done(profile: Profile, rows: list[ReportStepDone]) -> dict[str, StepDone]:
    return {r.step: StepDone(r.done_by, r.done_at.astimezone(profile.tz).date()) for r in rows}


def chain_of(session: Session, profile: Profile, period: Period, *, today: date,
             received: date | None = None) -> list[StepStatus]:
    """Where the period's chain stands `today`, from the steps people marked done (read-only)."""
    rows = _rows(session, profile, period)
    chain = period_chain(profile, period, _received(rows, received))
    return chain_status(chain, today=today, done=_done(profile, rows))


@dataclass
class MarkedStep:
    """A step just marked done, and the period's chain as it now stands."""

    step: StepStatus
    chain: list[StepStatus]


def mark_step(uow: UnitOfWork, *, actor: Actor, profile: Profile, period: Period, step: str,
              received: date | None = None, now: datetime | None = None) -> MarkedStep:
    """Mark one step of the period's reporting chain done, by `actor`, now; a quarter's chain needs the day the
    CEO's quarterly report was `received` (once: later steps find it). Refused for someone whose role the profile
    does not give the step, and for a step already marked."""
    actor = authorise(uow, actor, "mark_report_step")
    session = uow.session
    rows = _rows(session, profile, period)
    arrived = _received(rows, received)
    if period.kind == "quarterly" and arrived is None:
        raise InvalidInput("A quarter's chain starts when the CEO's quarterly report arrives: give the day it was "
                           "received (--received YYYY-MM-DD).", field="received")
    chain = period_chain(profile, period, arrived)
    found = find_step(chain, step)
    if not actor.sole and actor.role not in found.by:
        who = " or ".join(ROLE_LABELS.get(role, role) + "s" for role in found.by)
        raise PermissionDenied(f"Only {who} mark \"{found.label}\" done.")
    earlier = next((r for r in rows if r.step == step), None)
    now = now or utcnow()
    if earlier is not None:
        today = now.astimezone(profile.tz).date()
        raise RuleRefused(f"\"{found.label}\" was already marked done by {earlier.done_by} on "
                          f"{day_words(earlier.done_at.astimezone(profile.tz).date(), this_year=today.year)}.")
    row = ReportStepDone(protocol=profile.name, kind=period.kind, period=period.label, step=step,
                         received_on=arrived if period.kind == "quarterly" else None, done_by=actor.username,
                         done_at=now)
    session.add(row)
    uow.flush()
    audit.record(session, actor=actor.username, action="report.step", entity="reportstep", entity_id=row.id,
                 field=step, new=f"{period.kind} {period.label} done")
    uow.commit()
    session.refresh(row)  # (PostgreSQL stamps who and when for a staff login)
    statuses = chain_status(chain, today=now.astimezone(profile.tz).date(), done=_done(profile, [*rows, row]))
    return MarkedStep(next(s for s in statuses if s.step == step), statuses)
