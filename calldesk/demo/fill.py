"""Demo data: a store filled with realistic synthetic cases, in bulk, each opened by the builder `open_case` uses
(calldesk.store.services.new_case_rows) against the cases generated before it (kept in memory, so the bulk path never
queries
per case). The calls, callers and later histories come from the generator (calldesk.demo): two years of dates,
most older cases closed with a resolution, follow-ups and callbacks; no abuse details.

The rows go in by batched multi-row inserts (one transaction per batch), each case with its audit events
(one per change, calldesk.store.db.audit). Deterministic for a seed; a rerun with the same seed adds only the
cases not yet there.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text
from sqlmodel import SQLModel, col

from calldesk.demo.calls import call_fields, callers, days, draw, schools
from calldesk.demo.history import DemoRows, DemoSummary, case_history, opener, own
from calldesk.demo.memory import Memory
from calldesk.models import Callback, Case, CaseLink, FollowUp, Resolution, User, utcnow
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import Profile, role_label
from calldesk.store.db import audit
from calldesk.store.db.bulk import bulk_connection, insert_rows
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.services.new_case_rows import caller_key, case_row, decide, opening_records

__all__ = ["DemoSummary", "fill_demo"]

Progress = Callable[[int, int], None]
STAFF = (("agent", 8), ("program_specialist", 4), ("specialist", 3), ("supervisor", 2))
BATCH = 5000


def _known_staff(uow: UnitOfWork) -> dict[str, list[str]]:
    """Demo staff per role (made once per store), to own, work and close the cases."""
    session = uow.session
    staff: dict[str, list[str]] = defaultdict(list)
    rows = []
    present = set(session.execute(select(col(User.username))).scalars())
    for role, count in STAFF:
        for n in range(1, count + 1):
            name = f"demo.{role.replace('_', '')}{n}"
            staff[role].append(name)
            if name not in present:
                rows.append({"username": name, "full_name": f"Demo {role_label(role)} {n}", "role": role,
                             "active": True, "created_at": utcnow()})
    if rows:
        session.execute(insert(User), rows)
    return staff


def _next_ids(uow: UnitOfWork) -> dict[str, int]:
    tables = {"cases": Case, "followup": FollowUp, "callback": Callback, "caselink": CaseLink,
              "resolution": Resolution}
    return {name: int(uow.session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one())  # type: ignore[attr-defined]
            for name, model in tables.items()}


def fill_demo(uow: UnitOfWork, actor: Actor, profile: Profile, cases: int, seed: int = 1, *,
              progress: Progress | None = None, now: datetime | None = None, years: int = 2,
              batch: int = BATCH) -> DemoSummary:
    """Add `cases` synthetic cases spread over the last `years` years (admins only); commits every `batch`
    cases. Deterministic for `seed` (and `now`); cases of this seed already in the store are skipped."""
    actor = authorise(uow, actor, "maintain_store")
    started = datetime.now()
    summary = DemoSummary()
    session = uow.session
    now = now or utcnow()
    calendar = calendar_for(profile)
    rng = random.Random(seed)
    prefix = f"demo-{seed}-"
    present = int(session.execute(select(func.count()).select_from(Case)
                                  .where(col(Case.client_id).startswith(prefix))).scalar_one())
    summary.skipped = min(present, cases)
    staff = _known_staff(uow)
    ids = _next_ids(uow)
    counters = dict(session.execute(text("SELECT year, last FROM casecounter")).all())  # type: ignore[arg-type]
    key = audit.audit_key(session)
    summary.callers = max(1, cases * 2 // 5)
    caller_of = callers(seed)
    places = schools(profile)
    memory = Memory()
    out = DemoRows()
    start = now - timedelta(days=365 * years)
    done = 0
    window = timedelta(days=max(profile.repeat_window_days, profile.trend_window_days) + 2)
    for number, (day, count) in enumerate(days(start, 365 * years, cases, profile)):
        if number % 30 == 29:
            memory.forget(day - window)
        minutes = sorted(rng.randrange(8 * 60, 17 * 60) for _ in range(count))
        for minute in minutes:
            opened_at = (day + timedelta(minutes=minute, seconds=rng.randrange(60))).astimezone(now.tzinfo)
            if opened_at > now:
                opened_at = now - timedelta(seconds=count - done % max(count, 1))
            index = done
            done += 1
            drawn = draw(rng, caller_of(int(summary.callers * rng.random() ** 2)),  # a few callers call often
                         profile.categories, places)
            fields = call_fields(drawn)
            # Logged as received (never late); routed to a role (the history gives it to a person).
            opening = decide(profile, fields=fields, opened_at=opened_at, logged_at=opened_at,
                             priors=memory.priors(caller_key(fields)),
                             trend=memory.trend(profile, fields["school"], opened_at))
            summary.repeats += opening.repeat is not None
            summary.trends += opening.trend is not None
            if index < present:
                continue  # written by an earlier run of this seed
            year = calendar.local(opened_at).year
            counters[year] = counters.get(year, 0) + 1
            ids["cases"] += 1
            who = opener(drawn, staff)
            row = case_row(profile, opening, fields=fields, client_id=f"{prefix}{index}", opener=who,
                           case_number=f"{year}-{counters[year]:06d}", opened_at=opened_at, logged_at=opened_at,
                           abuse=False)
            row["id"] = ids["cases"]
            own(row, drawn, staff)
            linked = out.case_id(opening.repeat.linked_case_number) if opening.repeat else None
            records = opening_records(row, row["id"], opening, actor=who, at=opened_at, key=key, linked_id=linked)
            for link in records["caselink"]:  # the demo numbers its rows itself (sequences moved on at the end)
                ids["caselink"] += 1
                link["id"] = ids["caselink"]
            out.tables["cases"].append(row)
            out.extend(records)
            case_history(rng, profile, row, drawn, now, ids, out, summary, key)
            memory.add(row)
            out.remember(row["case_number"], row["id"])
            summary.cases += 1
            if len(out.tables["cases"]) >= batch:
                _flush(uow, out, counters)
                if progress:
                    progress(done, cases)
    audit.record(session, actor=actor.username, action="store.demo", entity="store", entity_id=f"seed {seed}",
                 field="cases", old=None, new=summary.cases)
    _flush(uow, out, counters)
    _reset_sequences(uow)
    uow.commit()
    if progress:
        progress(cases, cases)
    summary.audit_events = out.audit_count + 1
    summary.seconds = (datetime.now() - started).total_seconds()
    return summary


def _flush(uow: UnitOfWork, out: DemoRows, counters: dict[int, int]) -> None:
    """Write one batch: one driver executemany per table, the years' counters, commit."""
    session = uow.session
    connection = bulk_connection(session)
    tables = SQLModel.metadata.tables
    for name, rows in out.tables.items():
        if rows:
            insert_rows(connection, tables[name], rows)
    for year, last in counters.items():
        session.execute(text("INSERT INTO casecounter (year, last) VALUES (:y, :n) "
                             "ON CONFLICT (year) DO UPDATE SET last = excluded.last"), {"y": year, "n": last})
    session.commit()
    out.clear()


def _reset_sequences(uow: UnitOfWork) -> None:
    """PostgreSQL: the serial columns continue after the ids the fill gave explicitly."""
    if uow.engine.dialect.name != "postgresql":
        return
    for table in ("cases", "followup", "callback", "caselink", "resolution", "app_user"):
        uow.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))
