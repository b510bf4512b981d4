"""The supervisor queue at 1,000,000 cases, on SQLite and on PostgreSQL, each figure beside its target.

The store is built once and cached (SQLite: a file in the temp folder; PostgreSQL: a database beside the test
server's, from CALLDESK_TEST_PG_URL, skipped without it). Each backend is measured in a fresh process running
the real app headless at 80x24, signed in as the store's admin (who sees the whole queue):

- F4 to the first page rendered              <= 300 ms
- a filter change to its first page rendered  <= 150 ms
- End (the last page of the queue) rendered   <= 300 ms
- resident memory with the queue open         <= 120 MB

    python -m benchmarks.queue [--cases N] [--backend sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.load import print_load

TARGETS = {"first_page_ms": 300.0, "filter_ms": 150.0, "last_page_ms": 300.0, "rss_mb": 120.0}
LABELS = {"first_page_ms": "F4 to first page rendered", "filter_ms": "filter change (category) rendered",
          "last_page_ms": "End: last page rendered", "rss_mb": "resident memory, queue open"}
REPEAT = 3  # filter changes and Ends per process
FILTER_CATEGORIES = ("Transportation", "Enrollment", "Facilities")
USER = "bench"  # the store's admin, who built it (every bulk row is opened by them)
SUPERVISOR = "queue_bench"  # who the queue is measured as on SQLite: a supervisor, the queue's real user


def add_supervisor(url: str, admin: str | None = USER) -> None:
    """The measuring supervisor, added once through the users service (an admin's `user add`; `admin` None: the
    OS login, the first admin of a store `calldesk demo` filled)."""
    from calldesk.errors import InvalidInput
    from calldesk.models.people import UserCreate
    from calldesk.store.db.store import open_store
    from calldesk.store.db.users import add_user

    store = open_store(url, configured_user=admin, create=False)
    try:
        with store.uow() as uow:
            add_user(uow, actor=store.actor(), data=UserCreate(username=SUPERVISOR, full_name="Queue benchmark",
                                                                 role="supervisor"))
    except InvalidInput:
        pass  # added by an earlier run
    finally:
        store.close()


def build_store(path: Path, cases: int) -> None:
    """The SQLite store: the reports benchmark's bulk insert of realistic rows through the real migrations
    (about a minute for 1M; `calldesk demo` at 1M took 50 min when this was written), then the supervisor."""
    from benchmarks.reports import build_store as bulk

    bulk(path, cases)
    add_supervisor(f"sqlite:///{path}")


def copy_to_postgres(sqlite_path: Path, pg_url: str, cases: int) -> None:
    """The SQLite store's cases copied into a migrated PostgreSQL store with COPY: the same rows on both."""
    import sqlite3

    import psycopg
    from sqlalchemy.engine import make_url

    from calldesk.store.db.store import open_store

    store = open_store(pg_url, configured_user=USER)
    store.close()
    conninfo = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as pg:
        if pg.execute("SELECT count(*) FROM cases").fetchone()[0] >= cases:  # type: ignore[index]
            return
        pg.execute("TRUNCATE cases CASCADE")
        pg.execute("SET TIME ZONE 'UTC'")  # SQLite's times are UTC without a zone
        source = sqlite3.connect(sqlite_path)
        columns = [r[1] for r in source.execute("PRAGMA table_info(cases)")]
        names = ", ".join(f'"{c}"' for c in columns)
        began = time.perf_counter()
        with pg.cursor().copy(f"COPY cases ({names}) FROM STDIN") as copy:
            for n, row in enumerate(source.execute(f"SELECT {names} FROM cases")):
                copy.write_row(row)
                if n % 50_000 == 0:
                    print(f"\r  copying to PostgreSQL: {n:,} / {cases:,}", end="", file=sys.stderr)
        pg.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")
        pg.commit()
        pg.autocommit = True
        pg.execute("ANALYZE cases")
        print(f"\r  copied {cases:,} cases in {time.perf_counter() - began:.0f} s".ljust(60), file=sys.stderr)


async def _settled(app: Any) -> None:
    """Every worker of the app done (one the app cancelled on purpose, such as a superseded prefetch, counts)."""
    from textual.worker import WorkerCancelled

    while True:
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


def _frame(app: Any) -> str:
    """One full frame of the screen as the terminal receives it (what App._display writes: the compositor's
    full update rendered to escape sequences), not an SVG export, which costs several frames."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return str(update.render_segments(app.console))


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _measure(url: str) -> dict[str, list[float]]:
    """One fresh app: its first F4 (the figure a person meets first), then REPEAT filter changes and Ends."""
    from calldesk.app import CalldeskApp
    from calldesk.profiles import load_profile
    from calldesk.screens.queue.screen import QueueScreen
    from calldesk.store.db.store import open_store
    from calldesk.store.read.queue import QueueFilter
    from calldesk.widgets.queue_table import QueueTable

    store = open_store(url, configured_user=SUPERVISOR, create=False)  # PostgreSQL: its login role
    app = CalldeskApp(store, store.actor(), load_profile("lausd"))
    figures: dict[str, list[float]] = {key: [] for key in TARGETS}
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(app)  # the desk is up and the next call prepared, as a person sees it
        await pilot.pause()
        await asyncio.sleep(float(os.environ.get("CALLDESK_BENCH_SETTLE", "1.0")))

        async def until(check: Any) -> float:
            while not check():
                await asyncio.sleep(0.002)
            _frame(app)  # the whole screen rendered with the page's rows, as the terminal gets it
            return time.perf_counter()

        # Keys posted as a terminal would send them (Pilot.press also waits for the app to go idle: not timed).
        began = time.perf_counter()
        app.simulate_key("f4")
        done = await until(lambda: isinstance(app.screen, QueueScreen) and app.screen.page is not None)
        figures["first_page_ms"].append((done - began) * 1000)
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.page is not None
        if not screen.page.rows:
            raise SystemExit("the queue is empty: the store was not built")
        table = screen.query_one(QueueTable)
        for n in range(REPEAT):
            await _settled(app)  # the count, read apart from the page
            wanted = QueueFilter(category=FILTER_CATEGORIES[n % len(FILTER_CATEGORIES)])
            began = time.perf_counter()
            screen.filters = wanted
            screen.restart()
            done = await until(lambda w=wanted: screen.page is not None and screen.page.filters == w  # type: ignore[misc]
                               and bool(screen.page.rows))
            figures["filter_ms"].append((done - began) * 1000)
        screen.filters = QueueFilter()
        screen.restart()
        for _ in range(REPEAT):
            await _settled(app)
            table.focus()
            app.simulate_key("home")
            await until(lambda: screen.page is not None and screen.page.at_start and not screen.page.at_end)
            await _settled(app)
            began = time.perf_counter()
            app.simulate_key("end")
            done = await until(lambda: screen.page is not None and screen.page.at_end and not screen.page.at_start)
            figures["last_page_ms"].append((done - began) * 1000)
        figures["rss_mb"].append(_rss_mb())
    store.close()
    return figures


def _pg_url(cases: int, head: str, kind: str = "") -> str | None:
    admin = os.environ.get("CALLDESK_TEST_PG_URL")
    if not admin:
        return None
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from calldesk.store.db.engine import normalise_url

    name = f"calldesk_bench_queue_{kind}{cases}_{head}"
    engine = create_engine(normalise_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).first():
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return make_url(normalise_url(admin)).set(database=name).render_as_string(hide_password=False)


def _report(backend: str, cases: int, figures: dict[str, list[float]]) -> bool:
    ok = True
    print(f"Supervisor queue over {cases:,} cases ({backend}, 80x24, headless)")
    print_load()
    print(f"  {'figure':<40}{'median':>9} {'max':>9}  {'runs':>4}  {'target':>10}")
    for key, target in TARGETS.items():
        values = figures[key]
        unit = "MB" if key == "rss_mb" else "ms"
        median, worst = statistics.median(values), max(values)
        passed = median <= target
        ok &= passed
        print(f"  {LABELS[key]:<40}{median:>6.1f} {unit}{worst:>6.1f} {unit}  {len(values):>4}  "
              f"{'<= ' + f'{target:.0f} {unit}':>10}  {'PASS' if passed else 'FAIL'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="How many cases the store holds.")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=10, help="Fresh processes per backend (each: 1 F4, "
                        f"{REPEAT} filter changes, {REPEAT} Ends).")
    parser.add_argument("--store", type=Path, help="Measure this SQLite store (a `calldesk demo` store, say, "
                        "migrated to the current schema) instead of building one; PostgreSQL gets its cases.")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process: measure this store's URL
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(asyncio.run(_measure(args.measure))))
        return 0
    from calldesk.store.db.schema import HEAD

    # The schema's revision in the name: a store cached by an older build is never reused.
    path = args.store or Path(tempfile.gettempdir()) / f"calldesk-bench-queue-{args.cases}-{HEAD}.db"
    urls: dict[str, str] = {}
    if args.backend in ("sqlite", "both"):
        urls["SQLite"] = f"sqlite:///{path}"
    if args.backend in ("postgres", "both"):
        pg = _pg_url(args.cases, HEAD, "demo_" if args.store else "")
        if pg is None:
            print("PostgreSQL skipped: set CALLDESK_TEST_PG_URL", file=sys.stderr)
        else:
            urls["PostgreSQL"] = pg
    if args.store:
        add_supervisor(f"sqlite:///{path}", admin=None)
    else:
        build_store(path, args.cases)  # also the source of PostgreSQL's rows
    print(f"Store: {path} " + ("(given: --store)" if args.store else "(built: the reports benchmark's bulk rows)"))
    ok = True
    for backend, url in urls.items():
        if backend == "PostgreSQL":
            copy_to_postgres(path, url, args.cases)
        figures: dict[str, list[float]] = {key: [] for key in TARGETS}
        for run in range(args.runs):  # a fresh process each: every F4 is the first after start
            print(f"\r  {backend}: run {run + 1} / {args.runs}", end="", file=sys.stderr)
            child = subprocess.run([sys.executable, "-m", "benchmarks.queue", "--measure", url],
                                   capture_output=True, text=True, timeout=600)
            if child.returncode != 0:
                print(child.stderr[-2000:], file=sys.stderr)
                return 1
            for key, values in json.loads(child.stdout.strip().splitlines()[-1]).items():
                figures[key] += values
        print("\r".ljust(40), end="\r", file=sys.stderr)
        ok &= _report(backend, args.cases, figures)
        print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
