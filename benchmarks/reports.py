"""The monthly report at realistic monthly volumes, beside the same GROUP BY queries written as raw SQL.

For each monthly volume (10,000, 100,000 and 1,000,000 cases in the reported month, October 2026) a SQLite
store is built once with bulk inserts and cached in the temp folder. It holds more than the month: a year of
months at that volume (at most 2,000,000 cases in all, so the 1M store holds September and October), so the
report picks its month out of a store that holds others, as it does at an agency. Then, alternating (11 times
at 10,000 a month, 5 at 100,000, 3 at 1,000,000): calldesk's `run_report` (SQLAlchemy statements, pseudonyms,
the stored draft and its audit event, one commit) and the equivalent raw SQL through sqlite3 (the counts by
every dimension, the trend by school and month, the non-reportable routes and list, merged duplicates left out
as calldesk leaves them out). The medians count. Target: at most 2x the raw SQL.

    python -m benchmarks.reports [--per-month N[,N...]]
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
from zoneinfo import ZoneInfo

from benchmarks.load import print_load

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
LA = ZoneInfo("America/Los_Angeles")
REPORTED = (2026, 10)
MOST_CASES = 2_000_000  # a store holds a year of months at the volume, or fewer months past this
PER_MONTH = (10_000, 100_000, 1_000_000)


def _when(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime(SQLITE_TIME) if moment else None


def _month(year: int, month: int) -> tuple[datetime, int]:
    """A month's first moment in Los Angeles (as UTC) and its length in seconds."""
    first = datetime(year, month, 1, tzinfo=LA)
    following = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=LA)
    return first.astimezone(UTC), int((following - first).total_seconds())


def months_held(per_month: int) -> list[tuple[int, int]]:
    """The months a store at `per_month` holds, the reported one (October 2026) last."""
    count = min(12, max(2, MOST_CASES // per_month))
    return [(2026 - (m <= 0), (m - 1) % 12 + 1) for m in range(REPORTED[1] - count + 1, REPORTED[1] + 1)]


def _rows(start: int, count: int, rng: random.Random, month: tuple[int, int]) -> list[tuple[object, ...]]:
    month_start, seconds = _month(*month)
    rows = []
    for n in range(start, start + count):
        call_type = rng.choice(CALL_TYPES)
        category = rng.choice(CATEGORIES)
        opened = month_start + timedelta(seconds=rng.randrange(seconds - 3600))
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


def build_store(path: Path, cases: int, per_month: int | None = None) -> None:
    """A migrated store with `cases` cases, built with bulk inserts (cached: reused when already complete): all
    in October 2026, or `per_month` in each month of months_held(per_month)."""
    months = months_held(per_month) if per_month else [REPORTED]
    per_month = per_month or cases
    if path.exists():
        with sqlite3.connect(path) as conn:
            try:
                if conn.execute("SELECT count(*) FROM cases").fetchone()[0] == cases:
                    return
            except sqlite3.DatabaseError:
                pass
        path.unlink()
    from calldesk.store.db.store import open_store

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
    start = 0
    while start < cases:  # batches that never straddle two months
        month = months[min(start // per_month, len(months) - 1)]
        size = min(BATCH, cases - start, per_month - start % per_month)
        conn.executemany(f"INSERT INTO cases ({COLUMNS}) VALUES ({marks})", _rows(start, size, rng, month))
        conn.commit()
        start += size
        print(f"\r  building the store: {start:,} / {cases:,} cases", end="", file=sys.stderr)
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
    # The same cases as calldesk's: the month's, less the duplicates merged into another case.
    where = ("protocol = 'lausd' AND opened_at >= ? AND opened_at < ? "
             "AND id NOT IN (SELECT case_id FROM caselink WHERE kind = 'merged')")
    sla = ("CASE WHEN status = 'open' AND late_clocks > 0 THEN 'breached' WHEN status = 'open' THEN 'open' "
           "WHEN late_clocks > 0 THEN 'late' WHEN resolve_by IS NULL THEN 'no_target' "
           "WHEN closed_at <= resolve_by THEN 'on_time' ELSE 'late' END")
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
    from calldesk.store.db.store import open_store
    from calldesk.store.services.reports import run_report

    store = open_store(url, configured_user="bench")
    try:
        actor = store.actor()
        began = time.perf_counter()
        with store.uow() as uow:
            run = run_report(uow, actor=actor, profile=profile, period=month_period("2026-10"))  # type: ignore[arg-type]
        return time.perf_counter() - began, int(run.numbers["total"] + run.numbers["not_reportable"]["total"])
    finally:
        store.close()


def _runs(per_month: int) -> int:
    """More runs where one is short (a tenth of a second at 10,000 a month: the machine's noise is larger)."""
    return 3 if per_month >= 1_000_000 else 5 if per_month >= 100_000 else 11


def measure(per_month: int, profile: object) -> bool:
    """The report over a store holding `per_month` cases a month; prints the figures, True if within target."""
    cases = per_month * len(months_held(per_month))
    path = Path(tempfile.gettempdir()) / f"calldesk-bench-reports-{per_month}-a-month.db"
    build_store(path, cases, per_month)
    url = f"sqlite:///{path}"
    calldesk_report(url, profile)  # warm the page cache and the imports once, untimed
    raw_times, desk_times = [], []
    found = 0
    for _ in range(_runs(per_month)):
        raw_times.append(raw_sql(path, profile))
        seconds, found = calldesk_report(url, profile)
        desk_times.append(seconds)
    raw, desk = statistics.median(raw_times), statistics.median(desk_times)
    ratio = desk / raw
    ok = ratio <= TARGET_RATIO and found == per_month
    print(f"  {per_month:>10,} {cases:>11,} {raw:>9.3f} s {desk:>9.3f} s {ratio:>7.2f}x   <= {TARGET_RATIO:.1f}x  "
          f"{'PASS' if ok else 'FAIL'}" + ("" if found == per_month else f"  (counted {found:,})"))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-month", default=",".join(str(n) for n in PER_MONTH),
                        help="the cases in the reported month, comma separated")
    args = parser.parse_args(argv)
    from calldesk.profiles import load_profile

    profile = load_profile("lausd")
    print("Monthly report (October 2026) at monthly volumes (SQLite, median of 11, 5 and 3 runs)")
    print_load()
    print(f"  {'a month':>10} {'in store':>11} {'raw SQL':>11} {'calldesk':>11} {'ratio':>8}   target")
    ok = all([measure(int(n), profile) for n in args.per_month.split(",")])
    print_load()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
