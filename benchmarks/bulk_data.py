"""Demo data, bulk import and caller lookup at scale, each beside its target and a reference from the same run.

1. `calldesk demo --cases N` (a subprocess: its time and peak RSS) against inserting the very same rows (cases,
   follow-ups, callbacks, links, resolutions and their audit events, read back from the demo store) into an
   empty migrated store with plain sqlite3 executemany. Target: <= 3x, bounded memory.
2. `calldesk case import` of M rows (a CSV made from the demo store's cases) against inserting the rows it wrote
   (cases, intake clocks, repeat links and their audit events) with plain sqlite3 executemany. Target: <= 3x,
   bounded memory.
3. Caller lookup on the N-case store: a phone typed in a format, a partial number, an email, a name prefix, a
   common name with a phone (history + repeat priors). Target: <= 5 ms per query.
4. `open_case` for a busy caller at N against the same at 1,000 cases. Target: <= 1.2x.
5. The lookups on PostgreSQL, over the same N demo cases (copied in with COPY, the copy the queue benchmark's
   `--store` uses too), when CALLDESK_BENCH_PG_URL or CALLDESK_TEST_PG_URL names a server.

The N-case store is built once and reused from /tmp/calldesk-bench when N and the seed match.

    python -m benchmarks.bulk_data [--cases N] [--import-rows M] [--only demo|import|lookups]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.load import print_load

CACHE = Path("/tmp/calldesk-bench")
SEED = 1
DEMO_RATIO, IMPORT_RATIO, LOOKUP_MS, OPEN_RATIO = 3.0, 3.0, 5.0, 1.2
TABLES = ("cases", "resolution", "followup", "callback", "caselink", "auditevent")
IMPORT_TABLES = ("cases", "clockevent", "caselink", "auditevent")  # every row an import writes
BATCH = 5000
ROOT = Path(__file__).resolve().parents[1]


def _calldesk(url: str, *args: str) -> tuple[float, int, str]:
    """Run the calldesk command line; its wall time, the child's peak RSS (KiB) and its stdout."""
    env = {**os.environ, "CALLDESK_DATABASE_URL": url}
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        started = time.perf_counter()
        command = [str(Path(sys.executable).parent / "calldesk"), *args]
        child = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        if child.returncode != 0 and not (child.returncode == 1 and "import" in args):
            raise SystemExit(f"calldesk {' '.join(args)} failed: {stderr.read()[-2000:]}")
        return elapsed, usage.ru_maxrss, stdout.read()


def _empty_store(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    _calldesk(url, "db", "upgrade")
    return url


def demo_store(cases: int) -> tuple[Path, float, int]:
    """The cached N-case demo store (built now if missing): its path, build seconds and peak RSS (KiB)."""
    CACHE.mkdir(exist_ok=True)
    from calldesk.store.db.schema import HEAD

    path = CACHE / f"demo-{cases}-s{SEED}-{HEAD}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        built = json.loads(meta.read_text())
        return path, built["seconds"], built["rss_kib"]
    url = _empty_store(path)
    seconds, rss, _ = _calldesk(url, "demo", "--cases", str(cases), "--seed", str(SEED), "--json")
    meta.write_text(json.dumps({"seconds": seconds, "rss_kib": rss}))
    return path, seconds, rss


def raw_copy(source: Path, target: Path, tables: tuple[str, ...] = TABLES, where: str = "") -> float:
    """Seconds to insert `source`'s rows of `tables` into an empty migrated store with plain executemany
    (reading them back is not counted)."""
    _empty_store(target)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA synchronous=NORMAL")
    dst.execute("DROP TRIGGER IF EXISTS auditevent_no_update")
    timed = 0.0
    for table in tables:
        columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")
                   if not (table == "auditevent" and r[1] == "id")]  # the trail numbers its own events
        if table != "auditevent":
            dst.execute(f"DELETE FROM {table}")  # the store's own first rows (none for cases)
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        cursor = src.execute(f"SELECT {names} FROM {table} {where if table in ('cases', 'auditevent') else ''}")
        while rows := cursor.fetchmany(BATCH):
            started = time.perf_counter()
            dst.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            dst.commit()
            timed += time.perf_counter() - started
    src.close()
    dst.close()
    return timed


def import_file(source: Path, rows: int, target: Path) -> Path:
    """A CSV of the demo store's first `rows` cases, as an office would export them."""
    columns = ("client_id", "caller_name", "relationship", "phone", "email", "language", "channel", "source",
               "school", "department", "category", "subcategory", "call_type", "claim", "needs_follow_up",
               "urgent", "special_education", "safety", "opened_at")
    con = sqlite3.connect(source)
    with target.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        cursor = con.execute(f"SELECT {', '.join(columns)} FROM cases WHERE status = 'open' OR 1 "
                             f"ORDER BY id LIMIT {rows}")
        for row in cursor:
            values = list(row)
            values[0] = f"import-{values[0]}"
            values[12] = "concern" if values[12] == "compliment" else values[12]
            values[14:18] = ["yes" if v else "no" for v in values[14:18]]
            values[18] = str(values[18]).replace(" ", "T") + "+00:00"
            writer.writerow(values)
    con.close()
    return target


MAXIMA: dict[str, float] = {}  # the slowest run of each figure, printed beside its median


def _median_ms(run: Callable[[], object], repeat: int = 30, name: str = "") -> float:
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    MAXIMA[name] = max(times)
    return statistics.median(times)


def lookup_figures(url: str) -> dict[str, float]:
    """Median ms per lookup on the store at `url`."""
    from datetime import UTC, datetime

    from calldesk.rules.repeat import CallerKey
    from calldesk.store.db.engine import make_engine
    from calldesk.store.db.uow import UnitOfWork
    from calldesk.store.db.users import Actor
    from calldesk.store.read.queries import caller_history, lookup_callers, priors_for_caller

    agent = Actor("demo.agent1", "agent")  # an agent's view: the visibility rule narrows every lookup

    engine = make_engine(url)
    with engine.connect() as conn:
        from sqlalchemy import text

        phone, email = conn.execute(text("SELECT phone, email FROM cases WHERE phone IS NOT NULL AND email IS NOT "
                                         "NULL ORDER BY id DESC LIMIT 1")).one()
        common = conn.execute(text("SELECT caller_name_key FROM cases GROUP BY caller_name_key "
                                   "ORDER BY count(*) DESC LIMIT 1")).scalar_one()
    national = phone[2:]
    typed = f"({national[:3]}) {national[3:6]}-{national[6:]}"
    now = datetime.now(UTC)
    figures: dict[str, float] = {}
    with UnitOfWork(engine, readonly=True) as uow:
        s = uow.session
        for what, typed_in in (("phone typed (213) 555-0142", typed), ("partial phone (6 digits)", national[:6]),
                               ("email", email), ("name prefix 'mar'", "mar")):
            figures[what] = _median_ms(lambda t=typed_in: lookup_callers(s, t, viewer=agent), name=what)
        key = CallerKey(phone.lstrip("+"), None, common)

        def both() -> None:
            caller_history(s, viewer=agent, phone_digits=key.phone_digits, name=common)
            priors_for_caller(s, key, since_days=30, now=now)

        what = f"common name '{common}' + phone (history and priors)"
        figures[what] = _median_ms(both, name=what)
    engine.dispose()
    return figures


def open_case_ms(url: str, repeat: int = 15) -> float:
    """Median ms of open_case for the store's busiest caller (the repeat and trend checks at their worst)."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from calldesk.models import CaseCreate
    from calldesk.profiles import load_profile
    from calldesk.store.db.store import open_store
    from calldesk.store.services.cases import open_case

    store = open_store(url, create=False)
    profile = load_profile("lausd")
    actor = store.actor()
    with store.engine.connect() as conn:
        name, phone, school = conn.execute(text(
            "SELECT caller_name, phone, school FROM cases WHERE phone = (SELECT phone FROM cases WHERE phone IS "
            "NOT NULL GROUP BY phone ORDER BY count(*) DESC LIMIT 1) ORDER BY id DESC LIMIT 1")).one()
    count = iter(range(10**6))

    def one() -> None:
        with store.uow() as uow:
            open_case(uow, actor=actor, profile=profile, data=CaseCreate(
                caller_name=name, phone=phone, school=school, category="Transportation", call_type="concern",
                claim="The bus was late again.", client_id=f"bench-{time.time_ns()}-{next(count)}",
                opened_at=datetime.now(UTC)))

    figure = _median_ms(one, repeat, name=url)
    store.close()
    return figure


def pg_lookups(path: Path, cases: int) -> dict[str, float] | None:
    """The lookups on PostgreSQL, over the same demo cases as on SQLite: the store at `path` copied in with COPY
    (shared with the queue benchmark's copy of it)."""
    if not (os.environ.get("CALLDESK_BENCH_PG_URL") or os.environ.get("CALLDESK_TEST_PG_URL")):
        return None
    from benchmarks.queue import _pg_url, copy_to_postgres
    from calldesk.store.db.schema import HEAD

    os.environ.setdefault("CALLDESK_TEST_PG_URL", os.environ.get("CALLDESK_BENCH_PG_URL", ""))
    target = _pg_url(cases, HEAD, "demo_")
    assert target is not None
    copy_to_postgres(path, target, cases)
    return lookup_figures(target)


def _line(what: str, value: float, target: float, unit: str = "x") -> bool:
    ok = value <= target
    print(f"  {what:<62} {value:>9.2f} {unit:<3} target <= {target:g} {unit:<3} {'ok' if ok else 'MISSED'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=None, help="rows for the import (default: --cases)")
    parser.add_argument("--lookups-only", action="store_true", help="only the lookups and open_case (on the cached "
                                                                    "stores)")
    parser.add_argument("--only", choices=("demo", "import", "lookups"), default=None,
                        help="one part only (the parts of a 1M run can then run one after another)")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    n, m = args.cases, args.import_rows or args.cases
    only = "lookups" if args.lookups_only else args.only
    ok = True
    print(f"Bulk data and caller lookup at {n:,} demo cases (SQLite; cache {CACHE})")
    print_load()
    path, demo_seconds, demo_rss = demo_store(n)
    if only in (None, "demo"):
        ok &= demo_figures(path, n, demo_seconds, demo_rss)
    if only in (None, "import"):
        ok &= import_figures(path, m)
    if only in (None, "lookups"):
        ok &= _lookups(path, n)
    return 0 if ok else 1


def demo_figures(path: Path, n: int, demo_seconds: float, demo_rss: int) -> bool:
    raw = raw_copy(path, CACHE / "raw-demo.db")
    ok = _line(f"calldesk demo --cases {n:,}: {demo_seconds:.1f} s vs raw executemany {raw:.1f} s",
               demo_seconds / raw, DEMO_RATIO)
    print(f"  {'peak RSS of calldesk demo':<62} {demo_rss / 1024:>9.1f} MB")
    print("  (one run each: the demo build is timed once when the store is built and cached)")
    (CACHE / "raw-demo.db").unlink(missing_ok=True)
    return ok


def import_figures(path: Path, m: int) -> bool:
    ok = True
    source = import_file(path, m, CACHE / f"import-{m}.csv")
    url = _empty_store(CACHE / "import.db")
    seconds, rss, out = _calldesk(url, "case", "import", str(source), "--json")
    imported = json.loads(out)["imported"]
    raw = raw_copy(CACHE / "import.db", CACHE / "raw-import.db", tables=IMPORT_TABLES)
    ok &= _line(f"case import of {m:,} rows ({imported:,} new): {seconds:.1f} s vs raw {raw:.1f} s",
                seconds / raw, IMPORT_RATIO)
    print(f"  {'peak RSS of calldesk case import':<62} {rss / 1024:>9.1f} MB")
    print("  (one run each: the import and its reference)")
    return ok


def _lookups(path: Path, n: int) -> bool:
    ok = True

    for what, ms in lookup_figures(f"sqlite:///{path}").items():
        ok &= _line(f"lookup: {what} (max {MAXIMA[what]:.1f})", ms, LOOKUP_MS, "ms")

    small = CACHE / "demo-1000-open.db"
    url_small = _empty_store(small)
    _calldesk(url_small, "demo", "--cases", "1000", "--seed", str(SEED))
    at_small = open_case_ms(url_small)
    big = CACHE / f"open-{n}.db"
    shutil.copy(path, big)
    at_big = open_case_ms(f"sqlite:///{big}")
    big.unlink()
    print(f"  (open_case: median of 15 runs; max {MAXIMA[f'sqlite:///{big}']:.1f} ms at {n:,}, "
          f"{MAXIMA[url_small]:.1f} ms at 1,000)")
    ok &= _line(f"open_case, busy caller: {at_big:.1f} ms at {n:,} vs {at_small:.1f} ms at 1,000",
                at_big / at_small, OPEN_RATIO)

    pg = pg_lookups(path, n)
    if pg is None:
        print("  PostgreSQL: not measured (set CALLDESK_BENCH_PG_URL)")
    else:
        print(f"PostgreSQL, the same {n:,} demo cases (copied in with COPY)")
        for what, ms in pg.items():
            ok &= _line(f"lookup: {what} (max {MAXIMA[what]:.1f})", ms, LOOKUP_MS, "ms")
    return ok


if __name__ == "__main__":
    sys.exit(main())
