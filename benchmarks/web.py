"""The Service Request form under load on PostgreSQL, the figures beside their targets.

A fresh PostgreSQL store (from CALLDESK_TEST_PG_URL), `calldesk serve` started as its own process (as an agency
runs it), and form submissions sent over HTTP at a fixed rate (open loop: each at its scheduled moment, whatever
the answers before it) for a number of seconds; then the cases are counted in the store. The visitors are aiohttp
clients on CONNECTIONS connections, in this process, on the same cores as the server: a client light enough that the
load it sends, not its own work, decides the figures (httpx took up to a core of the two at 120 submissions a
second, and the server was measured at half the rate it sustains). A submission's latency counts from when it was
due, so one kept waiting for a connection counts its wait. The run starts after WARM submissions (the workers'
connections made).

- sustained rate: submissions answered per second over the run       target >= 200 a second
- p99 latency: from when a submission was due to its whole answer     target < 300 ms
- lost: submissions answered but with no case, or not answered       target 0

    python -m benchmarks.web [--rate 200] [--seconds 15] [--workers N]   (N: default the cores, at least 2)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TARGET_RATE, TARGET_P99 = 200.0, 0.300
CONNECTIONS = 64  # the visitors' connections at once (a proxy in front holds as many to calldesk)
WARM = 64  # submissions before the measured run
CALLDESK = [sys.executable, "-c", "from calldesk.launch import main; main()"]


def _admin(url: str, sql: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _prepare(url: str) -> None:
    from calldesk.models import UserCreate
    from calldesk.store.db import users as user_service
    from calldesk.store.db.store import open_store
    from calldesk.store.services.reference import ensure_reference

    store = open_store(url, prepare=ensure_reference)
    boss = store.actor()
    for name, role in (("sue", "supervisor"), ("pat", "program_specialist"), ("sam", "specialist")):
        with store.uow() as uow:
            user_service.add_user(uow, actor=boss, data=UserCreate(username=name, role=role,
                                                                   supervisor=None if role == "supervisor" else "sue"))
    store.close()


async def _load(base: str, rate: float, seconds: float) -> tuple[list[float], int, float, int]:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    jar = aiohttp.CookieJar(unsafe=True)  # (the server is 127.0.0.1: cookies for an address are kept only so)
    async with aiohttp.ClientSession(base_url=base, connector=connector, cookie_jar=jar,
                                     timeout=aiohttp.ClientTimeout(total=60)) as client:
        async with client.get("/request") as page:
            token = re.search(r'name="csrf" value="([^"]+)"', await page.text())
        assert token, "no form"
        warmed = await _warm(client, token.group(1))
        total = int(rate * seconds)
        latencies: list[float] = []
        failures = 0
        start = time.monotonic() + 0.2

        async def one(i: int) -> None:
            nonlocal failures
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            failures += not await _submit(client, token.group(1), i)
            latencies.append(time.monotonic() - due)  # from when it was due: a submission kept waiting counts

        await asyncio.gather(*(one(i) for i in range(total)))
        return latencies, failures, time.monotonic() - start, warmed


async def _submit(client: Any, csrf: str, i: int) -> bool:
    """One submission; True when it was answered with its request number."""
    import aiohttp

    form = {"csrf": csrf, "caller_name": f"Parent {i}", "phone": f"213-555-{i % 10000:04d}",
            "email": f"parent{i}@example.org", "school": f"School {i % 97}", "category": "Enrollment",
            "tried_school": "yes", "call_type": "inquiry", "claim": f"Request {i}: the papers were lost."}
    try:
        async with client.post("/request", data=form) as answer:
            return answer.status == 200 and "request-number" in await answer.text()
    except (TimeoutError, aiohttp.ClientError):
        return False


async def _warm(client: Any, csrf: str) -> int:
    """Before the measured run, as on a server that has been up a while: every worker process has its connections
    and its first statements behind it (WARM submissions, a few at a time, not counted in the figures). Returns
    how many were answered (their cases are in the store too)."""
    answered = 0
    for first in range(0, WARM, 8):
        answered += sum(await asyncio.gather(*(_submit(client, csrf, -1 - i) for i in range(first, first + 8))))
    return answered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=TARGET_RATE)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2), help="calldesk serve's processes")
    args = parser.parse_args()
    admin = os.environ.get("CALLDESK_TEST_PG_URL")
    if not admin:
        print("web: skipped, set CALLDESK_TEST_PG_URL (scripts/test starts PostgreSQL)", file=sys.stderr)
        return 0
    name = f"calldesk_bench_web_{os.getpid()}"
    _admin(admin, f"CREATE DATABASE {name}")
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        _prepare(url)
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "CALLDESK_WEB_DIR": home}
            command = [*CALLDESK, "--db", url, "--protocol", "area_offices", "serve", "--port", "0",
                       "--rate", "100000", "--workers", str(args.workers)]
            server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
            assert server.stdout is not None
            line = server.stdout.readline()
            base = line.split(" on ")[1].split()[0]
            latencies, failures, elapsed, warmed = asyncio.run(_load(base, args.rate, args.seconds))
        engine = create_engine(url)
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM cases WHERE channel = 'web_form'")).scalar_one()
        engine.dispose()
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        _admin(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    latencies.sort()
    sent = len(latencies)
    p99 = latencies[min(sent - 1, int(sent * 0.99))]
    achieved = sent / elapsed
    lost = failures + max(0, sent - failures + warmed - stored)
    print(f"Web form on PostgreSQL: {sent} submissions offered at {args.rate:.0f}/s to {args.workers} processes "
          f"on {os.cpu_count()} cores")
    rows = [("sustained rate", f"{achieved:.0f}/s", f">= {TARGET_RATE:.0f}/s", achieved >= TARGET_RATE * 0.98),
            ("p50 latency", f"{latencies[sent // 2] * 1000:.0f} ms", "-", True),
            ("p99 latency", f"{p99 * 1000:.0f} ms", f"< {TARGET_P99 * 1000:.0f} ms", p99 < TARGET_P99),
            ("lost", str(lost), "0", lost == 0)]
    for label, figure, target, ok in rows:
        print(f"  {label:<16}{figure:>12}   target {target:<10} {'ok' if ok else 'MISSED'}")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
