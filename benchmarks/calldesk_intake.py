"""calldesk's side of the startup benchmark: open the store, start the desk, open a new call, exit.

Run as a subprocess by benchmarks/startup.py with the store's URL. The moment the intake screen is mounted and
the caller name field has focus (the agent can type), it writes "ready" and the seconds each phase took straight
to file descriptor 1 (Textual captures print() while it runs), then exits.
"""

from __future__ import annotations

import os
import sys
import time

STARTED = time.perf_counter()


def main(url: str) -> None:
    from calldesk.store.store import open_store  # the store's stack: sqlalchemy, sqlmodel, alembic, models

    imported_store = time.perf_counter()
    from calldesk.app import CalldeskApp  # textual, the screens, the rules
    from calldesk.screens.intake import IntakeScreen

    imported_app = time.perf_counter()

    class ProbeApp(CalldeskApp):
        """The real app, plus one thing: it leaves as soon as the intake screen is up."""

        def on_mount(self) -> None:
            super().on_mount()
            self.call_after_refresh(self.run_action, "new_call")
            self.signalled = False
            self.set_interval(0.005, self._leave_when_ready)

        def _leave_when_ready(self) -> None:
            screen = self.screen
            if not (isinstance(screen, IntakeScreen) and screen.is_mounted and self.focused is not None):
                return
            if not self.signalled:
                self.signalled = True
                reached = time.perf_counter()
                phases = (imported_store - STARTED, imported_app - imported_store, opened - imported_app,
                          reached - opened)
                os.write(1, ("ready " + " ".join(f"{p:.4f}" for p in phases) + "\n").encode())
            if screen.form.ready:  # leave once the other tabs are mounted too (not timed)
                self.exit(True)  # type: ignore[arg-type]

    store = open_store(url, configured_user="bench")
    opened = time.perf_counter()
    try:
        if not ProbeApp(store, store.actor()).run(headless=True, size=(120, 36)):
            sys.exit("calldesk did not reach the intake screen")
    finally:
        store.close()


if __name__ == "__main__":
    main(sys.argv[1])
