"""ctrl+n to typing: from the key press on the desk to a character typed into the new call's first field on screen
(the field holds it and the screen has been painted since: benchmarks/probe.py).

The real app (headless, 120x36) on a temp SQLite store, signed in; each of REPEAT calls is started from the desk
the way an agent does it (ctrl+n, then typing at once), measured, then left. Target: at most 100 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 15
TARGET_MS = 100.0


async def measure(url: str) -> list[float]:
    from textual import events
    from textual.widgets import Input

    from benchmarks.desk import agent_desk
    from benchmarks.probe import on_paint_showing
    from calldesk.app import CalldeskApp
    from calldesk.screens.desk import DeskScreen
    from calldesk.screens.intake.screen import IntakeScreen
    from calldesk.widgets.intake_form import IntakeForm

    store, agent = agent_desk(url)
    app = CalldeskApp(store, agent)
    times: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(REPEAT):
            for _ in range(500):  # the agent waits for the phone: the next call gets ready meanwhile
                prepared = app.prepared_call
                if isinstance(app.screen, DeskScreen) and prepared is not None and prepared.query(IntakeForm) \
                        and prepared.form.ready:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)
            typed = asyncio.Event()

            def shows_x() -> bool:  # the call's first field holds the "x"
                field = app.screen.query("#caller_name") if isinstance(app.screen, IntakeScreen) else None
                return bool(field) and isinstance(field.first(), Input) and field.first(Input).value == "x"

            on_paint_showing(app, shows_x, typed.set)
            started = time.perf_counter()
            app.post_message(events.Key("ctrl+n", None))
            app.post_message(events.Key("x", "x"))
            await typed.wait()
            times.append((time.perf_counter() - started) * 1000)
            app.screen.query_one("#caller_name", Input).value = ""
            await pilot.press("escape")
    store.close()
    return times


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="calldesk-bench-") as folder:
        times = asyncio.run(measure(f"sqlite:///{Path(folder) / 'calldesk.db'}"))
    median, worst = statistics.median(times), max(times)
    ok = median <= TARGET_MS
    print(f"ctrl+n to typing: key press on the desk to a character in the new call's first field on screen "
          f"({REPEAT} calls, headless)")
    print(f"  median {median:6.1f} ms  max {worst:6.1f} ms   target <= {TARGET_MS:.0f} ms   {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
