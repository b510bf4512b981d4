"""kill -9 during continuous typing (issue 23, item 3): the real `calldesk` in tmux, a caller's name typed key by
key at a quick typist's pace without a pause, the desk killed at a random moment 1.2-3 s in, 20 times (two desks at
once, as two agents' would be). Figures: per kill, the characters typed, kept in the draft, lost, and typed in the
last second before the kill; target: no kill loses more than the last second's characters (every change reaches
the draft within a second, pauses or not). tests/tmux/test_crash_keeps_typing.py runs a few of the same kills.

    python -m benchmarks.crash_typing [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.load import print_load
from benchmarks.terminal import GAP, Terminal, desk_env, draft_values

RUNS = 20
LANES = 2  # two desks killed at once (the machine's two cores), the runs between them
TEXT = "the bus skipped her stop twice this week and nobody called the family back about it " * 3


def calldesk_pid(term: Terminal) -> int:
    """The calldesk process in the pane (the pane's shell runs it, then sleeps)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        shell = subprocess.run(["tmux", "display", "-p", "-t", term.name, "#{pane_pid}"], capture_output=True,
                               text=True, check=True).stdout.strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise AssertionError("no calldesk process in the pane")


def typing_then_kill(term: Terminal, after: float) -> tuple[list[float], float]:
    """Type TEXT into the caller's name key by key; kill -9 calldesk `after` seconds in. The send time of each key
    typed, and the moment of the kill."""
    pid = calldesk_pid(term)
    sent: list[float] = []
    stop = threading.Event()

    def type_on() -> None:
        for char in TEXT:
            if stop.is_set():
                return
            subprocess.run(["tmux", "send-keys", "-t", term.name, "-l", char], check=True)
            sent.append(time.monotonic())
            time.sleep(GAP)

    typist = threading.Thread(target=type_on)
    typist.start()
    time.sleep(after)
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    stop.set()
    typist.join()
    return [t for t in sent if t <= killed], killed


def kills_on_one_desk(lane: int, runs: int, folder: Path) -> list[tuple[int, int, int, int, int]]:
    """Runs lane, lane + LANES, ... (below `runs`) on a desk of its own (its own store and folders): start
    calldesk, wait for the phone, ctrl+n, type, kill -9 at a random moment, read the draft. Per run: its number,
    typed, kept, lost, typed in the last second. A draft that is not what was typed fails (AssertionError)."""
    folder.mkdir()
    env, store = desk_env(folder)
    rng = random.Random(23 + lane)
    figures = []
    for run in range(lane, runs, LANES):
        term = Terminal(f"calldesk-crash-{os.getpid()}-{run}", env)
        try:
            term.wait_for("Signed in as")
            time.sleep(1.0)  # the agent waits for the phone: the call's screen and the holiday tables get ready
            term.key("C-n")
            term.wait_for("Caller name")
            sent, killed = typing_then_kill(term, rng.uniform(1.2, 3.0))  # past the first second, at random
        finally:
            term.close()
        drafts = draft_values(store) if store.exists() else []
        kept = str(drafts[-1].get("caller_name", "")) if drafts else ""
        typed = TEXT[:len(sent)]
        assert typed.startswith(kept), f"run {run}: the draft {kept!r} is not what was typed {typed!r}"
        last_second = sum(1 for t in sent if t > killed - 1.0)
        figures.append((run, len(typed), len(kept), len(typed) - len(kept), last_second))
        with sqlite3.connect(store) as conn:  # the next run starts with no unsaved call to offer back
            conn.execute("DELETE FROM draft")
    return figures


def kills(runs: int, folder: Path) -> list[tuple[int, int, int, int, int]]:
    """`runs` kills over LANES desks started two seconds apart (as people's are), sorted by run."""
    with ThreadPoolExecutor(LANES) as lanes:
        running = []
        for lane in range(LANES):
            running.append(lanes.submit(kills_on_one_desk, lane, runs, folder / f"desk{lane}"))
            time.sleep(2.0)
        return sorted(figure for lane in running for figure in lane.result())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    runs = parser.parse_args().runs
    print(f"kill -9 during continuous typing, {runs} times: typed, kept in the draft, lost, typed in the last second")
    print_load()
    with tempfile.TemporaryDirectory(prefix="calldesk-bench-crash-") as folder:
        figures = kills(runs, Path(folder))
    for run, typed_n, kept_n, lost, last in figures:
        print(f"  run {run:2d}: {typed_n:3d} {kept_n:3d} lost {lost:2d} (last second {last:2d})")
    beyond = [lost - last for _, _, _, lost, last in figures]
    worst = max(beyond)
    print(f"  most lost beyond the last second's characters: {max(worst, 0)} (target 0), "
          f"lost in all: median {sorted(f[3] for f in figures)[len(figures) // 2]}  "
          f"{'ok' if worst <= 0 else 'MISSED'}")
    print_load()
    return 0 if worst <= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
