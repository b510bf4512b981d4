"""Agents saving calls at once on PostgreSQL: N desks (4, 8, 16, 32 processes), each signed in as its own agent's
login made by `db grant`, as a team runs (row-level security and the database's guards apply), save calls back to
back through the desk's save (`save_call`: routing, repeat check, number, audit, one transaction) for a few seconds.
Figures: saves a second (target: rising with N) and the 99th percentile of one save (target <= 300 ms at 32
agents); beside them, how many agents wait on a lock at a time (sampled from pg_stat_activity: a save that holds a
row others need shows there, however fast the machine), and where the CPU went: each save's in its agent's process,
in PostgreSQL's (every server process, sampled from /proc: the server is this machine's), and how busy the cores
were. The agents share the machine's cores with the server, as they would not at an agency (each desk its own PC).
Needs CALLDESK_BENCH_PG_URL or CALLDESK_TEST_PG_URL.

    python -m benchmarks.pg_agents [--agents 4,8,16,32] [--seconds 6]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time
import uuid
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from benchmarks.load import print_load

P99_MS = 300.0
AT_AGENTS = 32
ADMIN = "bench"
PASSWORD = "bench-agent"
RUN = os.getpid()  # the agents' processes are forked: they name the logins the run made
AREAS = ("213", "310", "323", "424", "562", "626", "747", "818")  # Los Angeles': each round's own callers


def _agent_name(k: int) -> str:
    return f"bench{RUN}_agent{k:02d}"  # logins are the cluster's: one set per run


def _database() -> str | None:
    admin = os.environ.get("CALLDESK_BENCH_PG_URL") or os.environ.get("CALLDESK_TEST_PG_URL")
    if not admin:
        return None
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from calldesk.store.db.engine import normalise_url

    name = f"calldesk_bench_agents_{os.getpid()}"
    engine = create_engine(normalise_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return make_url(normalise_url(admin)).set(database=name).render_as_string(hide_password=False)


def _drop(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = os.environ.get("CALLDESK_BENCH_PG_URL") or os.environ.get("CALLDESK_TEST_PG_URL") or ""
    engine = create_engine(make_url(url).set(database=make_url(admin).database or "postgres"),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")
    engine.dispose()


def _prepare(url: str, agents: int) -> None:
    """The store migrated, with `agents` agents added by the admin through the users service, each with the login
    `db grant` makes (and a password)."""
    from calldesk.models.people import UserCreate
    from calldesk.store.db.grants import grant_login
    from calldesk.store.db.store import open_store
    from calldesk.store.db.users import add_user

    store = open_store(url, configured_user=ADMIN)
    with store.uow() as uow:
        boss = store.actor()
        for k in range(agents):
            add_user(uow, actor=boss, data=UserCreate(username=_agent_name(k), full_name=f"Agent {k}", role="agent"))
    for k in range(agents):
        with store.uow() as uow:
            grant_login(uow, actor=boss, username=_agent_name(k))
            uow.session.connection().exec_driver_sql(f"ALTER ROLE \"{_agent_name(k)}\" PASSWORD '{PASSWORD}'")
            uow.commit()
    store.close()


def _drop_logins(agents: int) -> None:
    """The run's logins, once their database (which holds their grants) is gone."""
    from sqlalchemy import create_engine

    from calldesk.store.db.engine import normalise_url

    admin = os.environ.get("CALLDESK_BENCH_PG_URL") or os.environ.get("CALLDESK_TEST_PG_URL") or ""
    engine = create_engine(normalise_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for k in range(agents):
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{_agent_name(k)}"')
    engine.dispose()


def _agent(url: str, k: int, seconds: float, start: Barrier, results: Queue,  # type: ignore[type-arg]
           round_: int) -> None:
    from sqlalchemy.engine import make_url

    from calldesk.models import utcnow
    from calldesk.profiles import load_profile
    from calldesk.store.db.store import open_store
    from calldesk.store.db.users import actor_for
    from calldesk.store.services.calls import CallSave, save_call

    login = make_url(url).set(username=_agent_name(k), password=PASSWORD).render_as_string(hide_password=False)
    store = open_store(login, create=False)  # the agent's own login, as `calldesk --db` with their name
    with store.uow(readonly=True) as uow:
        actor = actor_for(uow.session, _agent_name(k))
    profile = load_profile("lausd")

    def save(i: int) -> float:
        began = time.perf_counter()
        with store.uow() as uow:
            save_call(uow, actor=actor, profile=profile, data=CallSave(
                client_id=uuid.uuid4().hex, opened_at=utcnow(), fields={
                    # Each round's callers are new (no round's saves are another's repeat calls: like with like).
                    "caller_name": f"Caller {round_} {k} {i}",
                    "phone": f"({AREAS[round_ % len(AREAS)]}) 5{k:02d}-{i % 10000:04d}",
                    "call_type": "inquiry", "category": "Enrollment", "claim": "A form was lost."}))
        return time.perf_counter() - began

    save(0)  # warm: the connection made, the profile's rules compiled
    start.wait(300)  # an agent that died before saving breaks the barrier: a refusal, not a hang
    ends = time.perf_counter() + seconds
    took: list[float] = []
    cpu = time.process_time()
    while time.perf_counter() < ends:
        took.append(save(len(took) + 1))
    results.put((took, time.process_time() - cpu))
    store.close()


class LockWatch:
    """How many of the agents' sessions wait on a lock (another's row or transaction), sampled every 20 ms from
    pg_stat_activity: the queue a save holds others in, whatever the machine's speed."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine

        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.samples: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        from sqlalchemy import text

        query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND wait_event_type = 'Lock'")
        while not self.stop.wait(0.02):
            self.samples.append(int(self.conn.execute(query).scalar_one()))

    def __enter__(self) -> LockWatch:
        from sqlalchemy import text

        self.conn = self.engine.connect()
        self.backend = int(self.conn.execute(text("SELECT pg_backend_pid()")).scalar_one())  # (not an agent's)
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(5)
        self.conn.close()
        self.engine.dispose()

    @property
    def mean(self) -> float:
        return statistics.mean(self.samples) if self.samples else 0.0


class ServerCpu:
    """The CPU the agents' PostgreSQL backends use while they save (their processes are this machine's, the
    server's own: /proc), sampled every 0.2 s until each ends, and how busy the machine's cores were meanwhile."""

    def __init__(self, exclude: int) -> None:
        self.exclude = exclude  # (the lock watch's own backend)
        self.first: dict[int, int] = {}
        self.used: dict[int, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _backends(self) -> dict[int, int]:
        ticks = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) == self.exclude:
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    name, fields = stat.read().rsplit(")", 1)
            except OSError:
                continue
            if name.endswith("(postgres"):
                values = fields.split()
                ticks[int(entry.name)] = int(values[11]) + int(values[12])  # utime + stime
        return ticks

    def _watch(self) -> None:
        while not self.stop.wait(0.2):
            for pid, ticks in self._backends().items():
                self.used[pid] = ticks

    @staticmethod
    def _machine() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # all, idle + iowait

    def __enter__(self) -> ServerCpu:
        self.first, self.machine = self._backends(), self._machine()
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(5)
        total, idle = self._machine()
        self.busy = 1 - (idle - self.machine[1]) / max(1, total - self.machine[0])

    @property
    def seconds(self) -> float:
        return sum(t - self.first.get(pid, 0) for pid, t in self.used.items()) / os.sysconf("SC_CLK_TCK")


def run(url: str, agents: int, seconds: float, round_: int = 0) -> tuple[float, float, float, float, str]:
    """N agents at once: saves a second, median and 99th percentile of one save (ms), the mean number of agents
    waiting on a lock, and where the CPU went (each save's in the agent and in PostgreSQL, the machine's use)."""
    context = mp.get_context("fork")
    start, results = context.Barrier(agents + 1), context.Queue()
    procs = [context.Process(target=_agent, args=(url, k, seconds, start, results, round_))
             for k in range(agents)]
    for p in procs:
        p.start()
    start.wait(300)  # an agent that died before saving breaks the barrier: a refusal, not a hang
    began = time.perf_counter()
    with LockWatch(url) as locks, ServerCpu(exclude=locks.backend) as server:
        reports = [results.get(timeout=seconds + 120) for _ in procs]
    elapsed = time.perf_counter() - began
    for p in procs:
        p.join(30)
    took = [t for times, _ in reports for t in times]
    agent_cpu = sum(cpu for _, cpu in reports)
    ordered = sorted(took)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    cpu = (f"CPU a save: {agent_cpu / len(took) * 1000:.1f} ms in the agent, {server.seconds / len(took) * 1000:.1f} "
           f"ms in PostgreSQL (all its processes: backends, autovacuum, WAL); the cores {server.busy:.0%} busy")
    return len(took) / elapsed, statistics.median(took) * 1000, p99 * 1000, locks.mean, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", default="4,8,16,32", help="the numbers of agents, comma separated")
    parser.add_argument("--seconds", type=float, default=6.0, help="how long each round saves")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    counts = [int(n) for n in args.agents.split(",")]
    print("Agents saving calls at once on PostgreSQL (save_call, each agent its own process and connection)")
    url = _database()
    if url is None:
        print("  not measured: set CALLDESK_BENCH_PG_URL or CALLDESK_TEST_PG_URL")
        return 0
    ok = True
    try:
        _prepare(url, max(counts))
        print(f"  {'agents':>6} {'saves/s':>9} {'median':>9} {'p99':>9} {'waiting':>8}   target")
        previous = 0.0
        for n in counts:
            rate, median, p99, waiting, cpu = run(url, n, args.seconds, round_=counts.index(n))
            rising = rate >= previous
            good = rising and (n != AT_AGENTS or p99 <= P99_MS)
            ok &= good
            target = f"saves/s rising{f'; p99 <= {P99_MS:.0f} ms' if n == AT_AGENTS else ''}"
            print(f"  {n:>6} {rate:>9.0f} {median:>6.0f} ms {p99:>6.0f} ms {waiting:>8.1f}   {target:<30} "
                  f"{'ok' if good else 'MISSED'}")
            print(f"         ({cpu})")
            print_load("         ")
            previous = rate
    finally:
        _drop(url)
        _drop_logins(max(counts))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
