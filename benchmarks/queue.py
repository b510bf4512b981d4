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
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGETS = {"first_page_ms": 300.0, "filter_ms": 150.0, "last_page_ms": 300.0, "rss_mb": 120.0}
LABELS = {"first_page_ms": "F4 to first page rendered", "filter_ms": "filter change (category) rendered",
          "last_page_ms": "End: last page rendered", "rss_mb": "resident memory, queue open"}
USER = "bench"


def build_store(url: str, cases: int) -> None:
    """The one place the benchmark's store is made: `calldesk demo` (calldesk.store.demo) where this build has
    it, else the reports benchmark's bulk insert of realistic rows (cached)."""
    try:
        from calldesk.store.demo import fill_demo  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        fill_demo = None
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        if fill_demo is None:
            from benchmarks.reports import build_store as bulk

            bulk(path, cases)
            return
    _build_with_demo(url, cases, fill_demo)


def _build_with_demo(url: str, cases: int, fill_demo: Any) -> None:
    from calldesk.profiles import load_profile
    from calldesk.store.store import open_store

    store = open_store(url, configured_user=USER)
    try:
        with store.uow(readonly=True) as uow:
            from sqlalchemy import func, select

            from calldesk.models import Case

            present = int(uow.session.execute(select(func.count()).select_from(Case)).scalar_one())
        if present >= cases:
            return
        if fill_demo is None:
            raise SystemExit("PostgreSQL needs calldesk demo (calldesk.store.demo) to build its store")
        with store.uow() as uow:
            fill_demo(uow, store.actor(), load_profile("lausd"), cases)
    finally:
        store.close()


def copy_to_postgres(sqlite_path: Path, pg_url: str, cases: int) -> None:
    """Without `calldesk demo`: the SQLite store's cases copied into a migrated PostgreSQL store (COPY)."""
    import sqlite3

    import psycopg
    from sqlalchemy.engine import make_url

    from calldesk.store.store import open_store

    store = open_store(pg_url, configured_user=USER)
    store.close()
    conninfo = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as pg:
        if pg.execute("SELECT count(*) FROM cases").fetchone()[0] >= cases:  # type: ignore[index]
            return
        pg.execute("TRUNCATE cases CASCADE")
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


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _measure(url: str) -> dict[str, float]:
    from calldesk.app import CalldeskApp
    from calldesk.profiles import load_profile
    from calldesk.screens.queue import QueueScreen
    from calldesk.store.queue import QueueFilter
    from calldesk.store.store import open_store
    from calldesk.widgets.queue_table import QueueTable

    store = open_store(url, configured_user=USER, create=False)
    app = CalldeskApp(store, store.actor(), load_profile("lausd"))
    figures: dict[str, float] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()  # the desk is up and the next call prepared, as a person sees it
        await pilot.pause()
        await asyncio.sleep(float(os.environ.get("CALLDESK_BENCH_SETTLE", "1.0")))

        async def until(check: Any) -> None:
            while not check():
                await asyncio.sleep(0.002)
            app.export_screenshot()  # the whole screen rendered with the page's rows, as the next frame would be

        # Keys posted as a terminal would send them (Pilot.press also waits for the app to go idle: not timed).
        began = time.perf_counter()
        app.simulate_key("f4")
        await until(lambda: isinstance(app.screen, QueueScreen) and app.screen.page is not None)
        figures["first_page_ms"] = (time.perf_counter() - began) * 1000
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.page is not None
        if not screen.page.rows:
            raise SystemExit("the queue is empty: the store was not built")
        await app.workers.wait_for_complete()  # the count, read apart from the page
        wanted = QueueFilter(category="Transportation")
        began = time.perf_counter()
        screen.filters = wanted
        screen.restart()
        await until(lambda: screen.page is not None and screen.page.filters == wanted and screen.page.rows)
        figures["filter_ms"] = (time.perf_counter() - began) * 1000
        await app.workers.wait_for_complete()
        began = time.perf_counter()
        screen.query_one(QueueTable).focus()
        app.simulate_key("end")
        await until(lambda: screen.page is not None and screen.page.at_end and not screen.page.at_start)
        figures["last_page_ms"] = (time.perf_counter() - began) * 1000
        figures["rss_mb"] = _rss_mb()
    store.close()
    return figures


def _pg_url(cases: int) -> str | None:
    admin = os.environ.get("CALLDESK_TEST_PG_URL")
    if not admin:
        return None
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from calldesk.store.engine import normalise_url

    name = f"calldesk_bench_queue_{cases}"
    engine = create_engine(normalise_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).first():
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return make_url(normalise_url(admin)).set(database=name).render_as_string(hide_password=False)


def _report(backend: str, cases: int, figures: dict[str, float]) -> bool:
    ok = True
    print(f"Supervisor queue over {cases:,} cases ({backend}, 80x24, headless)")
    print(f"  {'figure':<40}{'value':>12}  {'target':>10}")
    for key, target in TARGETS.items():
        value = figures[key]
        unit = "MB" if key == "rss_mb" else "ms"
        passed = value <= target
        ok &= passed
        print(f"  {LABELS[key]:<40}{value:>9.1f} {unit}  {'<= ' + f'{target:.0f} {unit}':>10}  "
              f"{'PASS' if passed else 'FAIL'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="How many cases the store holds.")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process: measure this store's URL
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(asyncio.run(_measure(args.measure))))
        return 0
    path = Path(tempfile.gettempdir()) / f"calldesk-bench-queue-{args.cases}.db"
    urls: dict[str, str] = {}
    if args.backend in ("sqlite", "both"):
        urls["SQLite"] = f"sqlite:///{path}"
    if args.backend in ("postgres", "both"):
        pg = _pg_url(args.cases)
        if pg is None:
            print("PostgreSQL skipped: set CALLDESK_TEST_PG_URL", file=sys.stderr)
        else:
            urls["PostgreSQL"] = pg
    build_store(f"sqlite:///{path}", args.cases)  # also the source of PostgreSQL's rows without calldesk demo
    ok = True
    for backend, url in urls.items():
        if backend == "PostgreSQL":
            try:
                import calldesk.store.demo  # type: ignore[import-not-found, unused-ignore]  # noqa: F401

                build_store(url, args.cases)
            except ImportError:
                copy_to_postgres(path, url, args.cases)
        child = subprocess.run([sys.executable, "-m", "benchmarks.queue", "--measure", url],
                               capture_output=True, text=True, timeout=600)
        if child.returncode != 0:
            print(child.stderr[-2000:], file=sys.stderr)
            return 1
        ok &= _report(backend, args.cases, json.loads(child.stdout.strip().splitlines()[-1]))
        print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
