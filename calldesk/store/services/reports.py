"""Monthly and quarterly reports: counted by SQL GROUP BY in the store, frozen when approved.

No case is loaded into Python: every count is one aggregate row; non-reportable matters are listed by
pseudonym only, and a school or department is named as the exports name it (a caller's name or number typed into
it taken out: calldesk.rules.redaction), so nothing personal reaches a report.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, literal_column, select, union_all
from sqlmodel import Session, col

from calldesk.errors import NotFound, RuleRefused
from calldesk.models import Case, Report, StoreSecret, utcnow
from calldesk.rules.own_settings import own_settings_note
from calldesk.rules.profile import Profile
from calldesk.rules.redaction import KnownPII, Redactor, pseudonym
from calldesk.rules.reporting import Difference, Period, StepStatus, differences, months_ending, period_from_label
from calldesk.rules.shown import moment_words
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise, check
from calldesk.store.read.counting import counted
from calldesk.store.services.callbacks import callback_timeliness
from calldesk.store.services.report_steps import chain_of

NONE = "(none)"
LISTED_NOT_REPORTABLE = 500  # non-reportable cases listed one by one; the rest are counted by route


def pseudonym_secret(session: Session) -> str:
    """The store's pseudonym key, made on first use (the caller's transaction commits it)."""
    found = session.get(StoreSecret, "pseudonym")
    if found is None:
        found = StoreSecret(name="pseudonym", value=secrets.token_hex(32))
        session.add(found)
        session.flush()
    return found.value


def _text(value: str) -> Any:
    # Inlined, not bound: PostgreSQL cannot type a bare parameter inside UNION ALL or CASE.
    return literal_column(f"'{value}'")


def sla_outcome() -> Any:
    """The SLA bucket of a case as SQL (rules.reporting.sla_outcome): open (breached when a clock was met late),
    closed late when a clock was met late, closed with no deadline the profile defines (no target: neither met nor
    breached), closed by its resolve_by (on time), or late."""
    missed = col(Case.late_clocks) > 0
    return case(
        ((col(Case.status) == "open") & missed, _text("breached")),
        (col(Case.status) == "open", _text("open")),
        (missed, _text("late")),
        (col(Case.resolve_by).is_(None), _text("no_target")),
        (col(Case.closed_at) <= col(Case.resolve_by), _text("on_time")),
        else_=_text("late"),
    )


_PLACE = func.coalesce(col(Case.school), col(Case.department), NONE)


def _dimensions() -> dict[str, Any]:
    return {
        "call_type": col(Case.call_type),
        "category": func.coalesce(col(Case.category), NONE),
        "channel": col(Case.channel),
        "place": _PLACE,
        "tier": func.coalesce(col(Case.tier), NONE),
        "source": col(Case.source),
        "sla": sla_outcome(),
    }


def _in_period(profile: Profile, start: datetime, end: datetime) -> Any:
    return and_(col(Case.protocol) == profile.name, col(Case.opened_at) >= start, col(Case.opened_at) < end,
                counted())


def counts_query(profile: Profile, start: datetime, end: datetime) -> Select[Any]:
    """One statement: (dimension, key, count) for every dimension over the period's reportable cases."""
    where = and_(_in_period(profile, start, end), col(Case.reportable).is_(True))
    parts = [select(_text(name).label("dimension"), expression.label("key"), func.count().label("n"))
             .where(where).group_by(expression) for name, expression in _dimensions().items()]
    return union_all(*parts)  # type: ignore[return-value]


class PlaceNames:
    """Each place (a school or department) as a report may name it: anything shaped like a phone, email, SSN or
    street address taken out, and where a case's caller's name is typed into its place, that caller's details
    too (names, phones, emails, addresses). The database finds those cases (`check`): the report's own cases,
    then in the trend's earlier months only the places the report's own cases do not hold, so nothing is read
    twice and no case is loaded but those."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.checked: set[str] = set()
        self.known: dict[str, list[tuple[str | None, ...]]] = {}
        self.shapes = Redactor()
        self.shown: dict[str, str] = {}

    def check(self, where: Any, places: Iterable[str] | None = None) -> None:
        """Read the callers typed into the places of the cases matching `where` (of `places` only, if given)."""
        typed_in = and_(col(Case.caller_name) != "", func.lower(_PLACE).contains(func.lower(col(Case.caller_name))))
        query = select(_PLACE, col(Case.caller_name), col(Case.phone), col(Case.email), col(Case.address)) \
            .where(where, typed_in).distinct()
        if places is not None:
            places = sorted(set(places) - self.checked)
            if not places:
                return
            query = query.where(_PLACE.in_(places))
        for place, *details in self.session.execute(query):
            self.known.setdefault(str(place), []).append(tuple(details))

    def __call__(self, place: str) -> str:
        self.checked.add(place)  # (its cases in the checked window were read: `check` read them)
        if place not in self.shown:
            rows = self.known.get(place)
            redactor = self.shapes if not rows else Redactor(KnownPII(
                names=[r[0] for r in rows if r[0]], phones=[r[1] for r in rows if r[1]],
                emails=[r[2] for r in rows if r[2]], addresses=[r[3] for r in rows if r[3]]))
            self.shown[place] = place if place == NONE else redactor.place(place)
        return self.shown[place]


def _trend_months(period: Period) -> list[Period]:
    return period.months() if period.kind == "quarterly" else months_ending(period.first, 3)


def _trends(session: Session, profile: Profile, period: Period, named: PlaceNames) -> dict[str, Any]:
    months = _trend_months(period)
    bounds = [month.bounds(profile) for month in months]
    bucket = case(*[(and_(col(Case.opened_at) >= s, col(Case.opened_at) < e), literal_column(str(i)))
                    for i, (s, e) in enumerate(bounds)], else_=literal_column("-1"))
    where = and_(_in_period(profile, bounds[0][0], bounds[-1][1]), col(Case.reportable).is_(True))
    rows = [(str(name), int(index), int(n)) for name, index, n in session.execute(
        select(_PLACE, bucket, func.count()).where(where).group_by(_PLACE, bucket)) if index >= 0]
    named.check(where, {name for name, _, _ in rows})  # (the places the period's own cases did not hold)
    places: dict[str, list[int]] = {}
    for name, index, n in rows:
        places.setdefault(named(name), [0] * len(months))[index] += n
    return {"months": [m.label for m in months], "places": dict(sorted(places.items()))}


def _not_reportable(session: Session, profile: Profile, start: datetime, end: datetime, secret: str
                    ) -> dict[str, Any]:
    where = and_(_in_period(profile, start, end), col(Case.reportable).is_(False))
    route = func.coalesce(col(Case.route_to), NONE)
    category = func.coalesce(col(Case.category), NONE)
    routes = [{"route_to": str(r), "category": str(c), "count": int(n)} for r, c, n in session.execute(
        select(route, category, func.count()).where(where).group_by(route, category).order_by(route, category))]
    listed = session.execute(
        select(col(Case.case_number), category, route, col(Case.opened_at)).where(where)
        .order_by(col(Case.opened_at)).limit(LISTED_NOT_REPORTABLE))
    cases = [{"case": pseudonym(number, secret), "category": str(c), "route_to": str(r),
              "opened_on": local_day(profile, opened)} for number, c, r, opened in listed]
    return {"total": sum(r["count"] for r in routes), "routes": routes, "cases": cases}


def local_day(profile: Profile, moment: datetime | None) -> str:
    """A moment as the agency's local date (ISO), or "" for none."""
    return moment.astimezone(profile.tz).date().isoformat() if moment else ""


def report_numbers(session: Session, profile: Profile, period: Period, *, secret: str,
                   now: datetime | None = None) -> dict[str, Any]:
    """The report's numbers as plain JSON-ready data (counts only, cases named by pseudonym)."""
    start, end = period.bounds(profile)
    counts: dict[str, dict[str, int]] = {}
    named = PlaceNames(session)
    named.check(and_(_in_period(profile, start, end), col(Case.reportable).is_(True)))
    for dimension, key, n in session.execute(counts_query(profile, start, end)):
        shown = named(str(key)) if dimension == "place" else str(key)
        by_key = counts.setdefault(str(dimension), {})
        by_key[shown] = by_key.get(shown, 0) + int(n)  # (two places may be named alike once redacted)
    return {
        "protocol": profile.name,
        "kind": period.kind,
        "period": period.label,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "generated_at": (now or utcnow()).isoformat(timespec="seconds"),
        "total": sum(counts.get("call_type", {}).values()),
        "counts": {name: dict(sorted(counts.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0])))
                   for name in _dimensions()},
        "trends": _trends(session, profile, period, named),
        "not_reportable": _not_reportable(session, profile, start, end, secret),
        # LA DCFS: the share of the period's callbacks returned on time (the memo exists because calls were not).
        "callbacks": callback_timeliness(session, since=start, until=end).as_dict(),
    }


@dataclass
class ReportRun:
    """A report as shown: its stored id and state, the numbers, and changes since approval."""

    report_id: int
    status: str
    numbers: dict[str, Any]
    run_by: str
    approved_by: str | None = None
    approved_at: datetime | None = None
    differences: list[Difference] = field(default_factory=list)
    chain: list[StepStatus] = field(default_factory=list)
    footnote: str = ""  # which numbers are the agency's own settings, not its seed's


def _stored(session: Session, profile: Profile, period: Period) -> Report | None:
    return session.scalars(select(Report).where(
        col(Report.protocol) == profile.name, col(Report.kind) == period.kind,
        col(Report.period) == period.label)).first()


def run_report(uow: UnitOfWork, *, actor: Actor, profile: Profile, period: Period,
               now: datetime | None = None) -> ReportRun:
    """Count the period now and keep it as the period's draft; an approved report keeps its frozen numbers
    and the run says what changed since."""
    actor = authorise(uow, actor, "report")
    session = uow.session
    now = now or utcnow()
    numbers = report_numbers(session, profile, period, secret=pseudonym_secret(session), now=now)
    report = _stored(session, profile, period)
    changes: list[Difference] = []
    if report is not None and report.status == "approved":
        frozen = json.loads(report.numbers)
        changes = differences(frozen, numbers)
        action, shown = "report.rerun", frozen
    else:
        if report is None:
            report = Report(protocol=profile.name, kind=period.kind, period=period.label, numbers="",
                            run_by=actor.username)
        report.numbers, report.run_by, report.run_at = json.dumps(numbers), actor.username, now
        session.add(report)
        action, shown = "report.run", numbers
    uow.flush()
    assert report.id is not None
    audit.record(session, actor=actor.username, action=action, entity="report", entity_id=report.id,
                 field="period", new=f"{period.kind} {period.label}")
    uow.commit()
    return ReportRun(report.id, report.status, shown, report.run_by, report.approved_by, report.approved_at,
                     changes, chain_of(session, profile, period, today=now.astimezone(profile.tz).date()),
                     own_settings_note(profile))


def approve_report(uow: UnitOfWork, *, actor: Actor, profile: Profile, report_id: int,
                   now: datetime | None = None) -> ReportRun:
    """Approve a draft report: its numbers are frozen from now on, with who approved it and when."""
    actor = authorise(uow, actor, "approve_report")
    session = uow.session
    report = session.get(Report, report_id)
    if report is None or report.protocol != profile.name:
        raise NotFound(f"No {profile.name} report numbered {report_id}; run `calldesk report monthly` first.")
    now = now or utcnow()
    if report.status == "approved":
        when = moment_words(report.approved_at, tz=profile.tz, today=now.astimezone(profile.tz).date()) \
            if report.approved_at else "earlier"
        raise RuleRefused(f"Report {report_id} was already approved by {report.approved_by} on {when}.")
    report.status, report.approved_by, report.approved_at = "approved", actor.username, now
    session.add(report)
    audit.record(session, actor=actor.username, action="report.approve", entity="report", entity_id=report_id,
                 field="status", old="draft", new="approved")
    uow.commit()
    period = period_from_label(report.period)
    return ReportRun(report_id, report.status, json.loads(report.numbers), report.run_by, report.approved_by,
                     report.approved_at, [], chain_of(session, profile, period,
                                                      today=now.astimezone(profile.tz).date()),
                     own_settings_note(profile))


@dataclass
class ReportStatus:
    """Where a month's report stands: its stored state and each chain step's date and state."""

    period: str
    report_id: int | None
    status: str
    chain: list[StepStatus]


def report_status(session: Session, *, actor: Actor, profile: Profile, period: Period, today: date,
                  received: date | None = None) -> ReportStatus:
    """Which step of the period's reporting chain is done (marked by whom, when), due or overdue (read-only); a
    quarter's chain needs the day the CEO's quarterly report was `received` (or a step marked with it)."""
    check(session, actor, "report")
    report = _stored(session, profile, period)
    return ReportStatus(period.label, report.id if report else None, report.status if report else "not run",
                        chain_of(session, profile, period, today=today, received=received))
