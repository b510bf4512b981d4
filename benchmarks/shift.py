"""Calls back to back on the real app (headless, 120x36, a temp SQLite store, an agent signed in), as a shift goes.

The measures of benchmarks/back_to_back.py, f10_next.py and shift_memory.py: a call ends (Escape, or F10 saving
and closing it), ctrl+n and a character follow at once, and the clock stops when that character is in the next
call's first field and the screen has been painted since (benchmarks/probe.py). Each prints its figures beside its
target, with the load average.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BURN = Path(__file__).resolve().parents[2] / "shared" / "tools" / "burn"
# A call that F10 can close: an answered transportation inquiry.
ANSWERED = {"category": "Transportation", "subcategory": "Late or missed bus",
            "response": "Bus 12 runs 10 minutes late this week."}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def report(title: str, times: list[float], *, median_ms: float, max_ms: float | None = None) -> bool:
    """Print median, spread (10th-90th percentile) and max beside the targets; True when they are met."""
    deciles = statistics.quantiles(times, n=10)
    median, worst = statistics.median(times), max(times)
    ok = median <= median_ms and (max_ms is None or worst <= max_ms)
    target = f"median <= {median_ms:.0f} ms" + (f", max <= {max_ms:.0f} ms" if max_ms is not None else "")
    print(f"{title} ({len(times)} calls)")
    print(f"  median {median:6.1f} ms  spread {deciles[0]:.1f}-{deciles[-1]:.1f} ms  max {worst:6.1f} ms   "
          f"target {target}   {'PASS' if ok else 'FAIL'}   [{load()}]")
    return ok


@contextmanager
def burner() -> Iterator[None]:
    """One core kept busy (../shared/tools/burn, or the same loop) while the block runs."""
    command = [str(BURN), "1", "600"] if BURN.exists() else ["sh", "-c", "while :; do :; done"]
    process = subprocess.Popen(command, start_new_session=True)
    try:
        time.sleep(0.5)
        yield
    finally:
        os.killpg(process.pid, 15)
        process.wait()


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def shift(calls: int, *, end: str, each: Callable[[int, float], None] | None = None) -> list[float]:
    """`calls` calls, each ended by `end` ("escape": nothing typed, left; "f10": answered, saved and closed) with
    ctrl+n and "x" right behind; the milliseconds from the first key of the end to "x" on screen in the next call.
    `each(n, ms)` is called after each call."""
    from textual import events
    from textual.widgets import Input

    from benchmarks.desk import agent_desk
    from benchmarks.probe import on_paint_showing
    from calldesk import collector
    from calldesk.app import CalldeskApp
    from calldesk.screens.desk import DeskScreen
    from calldesk.screens.intake.screen import IntakeScreen

    times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="calldesk-bench-") as folder:
        store, agent = agent_desk(f"sqlite:///{Path(folder) / 'calldesk.db'}")
        collector.pause()  # as the launcher does before it builds the app
        app = CalldeskApp(store, agent)
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(1000):  # the agent waits for the first call: the call's screen gets ready meanwhile
                if isinstance(app.screen, DeskScreen) and app.prepared_call is not None \
                        and app.prepared_call.form_ready:
                    break
                await asyncio.sleep(0.01)
            # The start is over: what it built is frozen out of the collector's passes, as the launched app does
            # once its store has opened (calldesk.collector; this app was given an open store).
            collector.resume()
            await pilot.press("ctrl+n")
            screen = app.screen
            assert isinstance(screen, IntakeScreen)
            for n in range(calls):
                while not screen.form_ready:
                    await asyncio.sleep(0.005)
                if end == "f10":
                    screen.form.fill({"caller_name": f"Caller {n}", **ANSWERED})
                await pilot.pause(0.05)
                before = screen.call.client_id
                typed = asyncio.Event()

                def shows_x(before: str = before) -> bool:  # the next call's first field holds the "x"
                    field = screen.form.first_field
                    return app.screen is screen and screen.call.client_id != before and isinstance(field, Input) \
                        and field.value == "x"

                on_paint_showing(app, shows_x, typed.set)
                started = time.perf_counter()
                for key, char in ((end, None), ("ctrl+n", None), ("x", "x")):
                    app.post_message(events.Key(key, char))
                await typed.wait()
                times.append((time.perf_counter() - started) * 1000)
                field = screen.form.first_field
                assert isinstance(field, Input)
                field.value = ""  # nothing worth a draft: the next Escape just leaves
                if each is not None:
                    each(n, times[-1])
        store.close()
    return times


def run(calls: int, *, end: str, each: Callable[[int, float], None] | None = None) -> list[float]:
    return asyncio.run(shift(calls, end=end, each=each))


def flat(times: list[float], skip: int) -> tuple[float, float]:
    """The median of the calls after the first `skip` and of the last as many: latency flat means close."""
    width = min(50, (len(times) - skip) // 2)
    return statistics.median(times[skip:skip + width]), statistics.median(times[-width:])
