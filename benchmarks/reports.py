"""The monthly report over a large store, beside the same GROUP BY queries written as raw SQL.

A SQLite store of N realistic cases (default 1,000,000, all opened in October 2026 so the report aggregates
every one) is built once with a bulk executemany insert and cached in the temp folder. Then, alternating,
several times: calldesk's `run_report` (SQLAlchemy statements, pseudonyms, the stored draft and its audit
event, one commit) and the equivalent raw SQL through sqlite3 (the counts by every dimension, the trend by
school and month, the non-reportable routes and list). The medians count. Target: at most 2x the raw SQL.

    python -m benchmarks.reports [--cases N]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPEAT = 3
TARGET_RATIO = 2.0
BATCH = 20_000
CHANNELS = ("phone", "phone", "phone", "voicemail", "email", "letter", "fax", "web_form", "walk_in")
CALL_TYPES = ("inquiry", "inquiry", "concern", "complaint", "compliment")
TIERS = {"inquiry": "inquiry_followup", "concern": "concern", "complaint": "complaint", "compliment": None}
SOURCES = ("none",) * 17 + ("board", "ceo", "superintendent")
CATEGORIES = ("Transportation", "Student placement", "Enrollment", "Special education (CSE)", "504 plans",
              "Long-term suspensions", "Safety and security", "School staff conduct", "Facilities",
              "Grades and records", "Discrimination")
SCHOOLS = tuple(f"School {n:03d}" for n in range(1, 121))
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


def _when(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime(SQLITE_TIME) if moment else None


def _rows(start: int, count: int, rng: random.Random) -> list[tuple[object, ...]]:
    month_start = datetime(2026, 10, 1, 7, tzinfo=UTC)  # 00:00 in Los Angeles
    rows = []
    for n in range(start, start + count):
        call_type = rng.choice(CALL_TYPES)
        category = rng.choice(CATEGORIES)
        opened = month_start + timedelta(seconds=rng.randrange(31 * 86400 - 3600))
        resolve_by = opened + timedelta(days=rng.choice((1, 2, 10, 15)))
        closed = opened + timedelta(days=rng.randrange(0, 25)) if rng.random() < 0.7 else None
        reportable = category != "Discrimination"
        phone = f"+1213{rng.randrange(2000000, 9999999):07d}"
        name = f"Caller {n}"
        rows.append((
            name, "parent_guardian", phone, f"caller{n}@example.org", "phone", "English", rng.choice(CHANNELS),
            rng.choice(SOURCES), rng.choice(SCHOOLS), None, category, None, call_type,
            "The parent asked about the bus route and the schedule for next week.", "", "Checked the route.",
            0, 0, 0, 0, 0, 0, f"2026-{n:07d}", uuid.UUID(int=n).hex, 1, "lausd",
            "closed" if closed else "open", phone[1:], name.casefold(), TIERS[call_type], "agent", None, "bench",
            _when(opened), _when(opened), _when(closed), "bench" if closed else None, "resolved" if closed else None,
            _when(opened + timedelta(days=1)), None, None, _when(resolve_by), None,
            None if closed else _when(resolve_by), 0, 0, 1 if reportable else 0,
            None if reportable else "civil rights coordinator",
            None if reportable else "Not reportable: discrimination allegations go to the coordinator.", ""))
    return rows


COLUMNS = ("caller_name, relationship, phone, email, preferred_contact, language, channel, source, school, "
           "department, category, subcategory, call_type, claim, evidence, steps_taken, steps_confirmed, "
           "due_process, special_education, safety, urgent, needs_follow_up, case_number, client_id, version, "
           "protocol, status, phone_digits, caller_name_key, tier, owner_role, assigned_to, opened_by, opened_at, "
           "updated_at, closed_at, closed_by, close_reason, respond_by, acknowledge_by, next_follow_up_by, "
           "resolve_by, resolve_max, next_deadline, escalation_level, abuse_marked, reportable, route_to, "
           "not_reportable_reason, routing_notes")


def build_store(path: Path, cases: int) -> None:
    """A migrated store with `cases` cases, built with bulk inserts (cached: reused when already complete)."""
    if path.exists():
        with sqlite3.connect(path) as conn:
            try:
                if conn.execute("SELECT count(*) FROM cases").fetchone()[0] == cases:
                    return
            except sqlite3.DatabaseError:
                pass
        path.unlink()
    from calldesk.store.store import open_store

    open_store(f"sqlite:///{path}", configured_user="bench").close()
    rng = random.Random(10)
    marks = ", ".join("?" for _ in COLUMNS.split(","))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    began = time.perf_counter()
    # Indexes are dropped for the load and built again after it (a sort each, much faster than row by row).
    indexes = [sql for (sql,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL")]
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' "
                                "AND sql IS NOT NULL").fetchall():
        conn.execute(f'DROP INDEX "{name}"')
    for start in range(0, cases, BATCH):
        conn.executemany(f"INSERT INTO cases ({COLUMNS}) VALUES ({marks})",
                         _rows(start, min(BATCH, cases - start), rng))
        conn.commit()
        print(f"\r  building the store: {start + BATCH:,} / {cases:,} cases", end="", file=sys.stderr)
    for sql in indexes:
        conn.execute(sql)
    conn.commit()
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(f"\r  built {cases:,} cases in {time.perf_counter() - began:.0f} s".ljust(60), file=sys.stderr)


def raw_sql(path: Path, profile: object) -> float:
    """The report's queries written by hand, through sqlite3; returns seconds."""
    from calldesk.rules.reporting import month_period

    period = month_period("2026-10")
    start, end = (_when(t) for t in period.bounds(profile))  # type: ignore[arg-type]
    months = [month_period(m).bounds(profile) for m in ("2026-08", "2026-09", "2026-10")]  # type: ignore[arg-type]
    where = "protocol = 'lausd' AND opened_at >= ? AND opened_at < ?"
    sla = ("CASE WHEN status = 'open' THEN 'open' WHEN resolve_by IS NULL OR closed_at <= resolve_by "
           "THEN 'on_time' ELSE 'late' END")
    dims = {"call_type": "call_type", "category": "coalesce(category, '(none)')", "channel": "channel",
            "place": "coalesce(school, department, '(none)')", "tier": "coalesce(tier, '(none)')",
            "source": "source", "sla": sla}
    counts = " UNION ALL ".join(f"SELECT '{d}', {e}, count(*) FROM cases WHERE {where} AND reportable = 1 "
                                f"GROUP BY {e}" for d, e in dims.items())
    bucket = "CASE " + " ".join(f"WHEN opened_at >= ? AND opened_at < ? THEN {i}" for i in range(3)) + " ELSE -1 END"
    trend = (f"SELECT coalesce(school, department, '(none)'), {bucket}, count(*) FROM cases WHERE {where} "
             f"AND reportable = 1 GROUP BY 1, 2")
    trend_args = [_when(t) for pair in months for t in pair] + [_when(months[0][0]), _when(months[-1][1])]
    conn = sqlite3.connect(path)
    began = time.perf_counter()
    conn.execute(counts, [start, end] * len(dims)).fetchall()
    conn.execute(trend, trend_args).fetchall()
    conn.execute(f"SELECT coalesce(route_to, '(none)'), coalesce(category, '(none)'), count(*) FROM cases "
                 f"WHERE {where} AND reportable = 0 GROUP BY 1, 2 ORDER BY 1, 2", [start, end]).fetchall()
    conn.execute(f"SELECT case_number, category, route_to, opened_at FROM cases WHERE {where} AND reportable = 0 "
                 f"ORDER BY opened_at LIMIT 500", [start, end]).fetchall()
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed


def calldesk_report(url: str, profile: object) -> tuple[float, int]:
    """calldesk's monthly report through the service layer; returns seconds and the count it found."""
    from calldesk.rules.reporting import month_period
    from calldesk.store.reports import run_report
    from calldesk.store.store import open_store

    store = open_store(url, configured_user="bench")
    try:
        actor = store.actor()
        began = time.perf_counter()
        with store.uow() as uow:
            run = run_report(uow, actor=actor, profile=profile, period=month_period("2026-10"))  # type: ignore[arg-type]
        return time.perf_counter() - began, int(run.numbers["total"] + run.numbers["not_reportable"]["total"])
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="How many cases the store holds.")
    args = parser.parse_args(argv)
    from calldesk.profiles import load_profile

    profile = load_profile("lausd")
    path = Path(tempfile.gettempdir()) / f"calldesk-bench-reports-{args.cases}.db"
    build_store(path, args.cases)
    url = f"sqlite:///{path}"
    calldesk_report(url, profile)  # warm the page cache and the imports once, untimed
    raw_times, desk_times = [], []
    for _ in range(REPEAT):
        raw_times.append(raw_sql(path, profile))
        seconds, found = calldesk_report(url, profile)
        desk_times.append(seconds)
    if found != args.cases:
        print(f"the report counted {found:,} cases, expected {args.cases:,}", file=sys.stderr)
        return 1
    raw, desk = statistics.median(raw_times), statistics.median(desk_times)
    ratio = desk / raw
    ok = ratio <= TARGET_RATIO
    print(f"Monthly report over {args.cases:,} cases (SQLite, median of {REPEAT} runs)")
    print(f"  {'figure':<40}{'value':>12}  {'target':>10}")
    print(f"  {'raw SQL GROUP BY (sqlite3)':<40}{raw:>10.3f} s  {'baseline':>10}")
    print(f"  {'calldesk report monthly':<40}{desk:>10.3f} s")
    print(f"  {'calldesk / raw SQL':<40}{ratio:>11.2f}x  {'<= 2.0x':>10}  {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
