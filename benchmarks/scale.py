"""Supervisors' commands at a million cases, each beside its 1 s target: `calldesk overdue` (the summary),
`overdue --json`, `queue dashboard` and `queue dashboard --json`; `overdue --all --json` (every due deadline,
streamed) is shown for its memory, without a time target. Each command is a fresh process (as cron or a
supervisor runs it): its wall time, its CPU time (a busy machine stretches the wall time, not the CPU time) and
its peak memory, with `calldesk --version` (the interpreter and the command line, nothing read) as reference.

The store is the bulk benchmark's cached N-case demo store (built once, about 8 minutes at 1M), or --store PATH.

    python -m benchmarks.scale [--cases N] [--store PATH] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.load import print_load

TARGET_S = 1.0
ROOT = Path(__file__).resolve().parents[1]
COMMANDS: list[tuple[list[str], float | None]] = [
    (["--version"], None), (["overdue"], TARGET_S), (["overdue", "--json"], TARGET_S),
    (["queue", "dashboard"], TARGET_S), (["queue", "dashboard", "--json"], TARGET_S),
    (["overdue", "--all", "--json"], None)]


def run(url: str, args: list[str]) -> tuple[float, float, int, int]:
    """One run of the command line: wall seconds, CPU seconds, peak RSS (MiB) and bytes written."""
    env = {**os.environ, "CALLDESK_DATABASE_URL": url}
    command = [sys.executable, "-c", "from calldesk.launch import main; main()", *args]
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile("w+") as stderr:
        began = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        if os.waitstatus_to_exitcode(status) not in (0, 2):  # overdue exits 2 when something is breached
            stderr.seek(0)
            raise SystemExit(f"calldesk {' '.join(args)} failed: {stderr.read()[-2000:]}")
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, stdout.tell()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, default=None, help="an existing store (SQLite file) to measure")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    if args.store is None:
        from benchmarks.bulk_data import demo_store

        args.store, _, _ = demo_store(args.cases)
    url = f"sqlite:///{args.store}"
    print(f"Supervisors' commands on {args.store.name} (SQLite), median of {args.repeat} fresh processes")
    print_load()
    print(f"  {'command':<34}{'wall':>8}{'cpu':>8}{'peak':>9}{'output':>10}   target")
    ok = True
    for command, target in COMMANDS:
        runs = [run(url, command) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss, size = max(r[2] for r in runs), runs[-1][3]
        verdict = ""
        if target is not None:
            good = wall <= target
            ok &= good
            verdict = f"<= {target:g} s   {'ok' if good else 'MISSED'}"
        label = "calldesk " + " ".join(command)
        print(f"  {label:<34}{wall:>7.2f}s{cpu:>7.2f}s{rss:>6} MB{size / 1024:>8.0f} kB   {verdict}")
    print_load()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
