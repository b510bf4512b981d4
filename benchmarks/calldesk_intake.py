"""calldesk's side of the startup benchmark: the real `calldesk` start (CLI, settings, desk), to a new call.

Run as a subprocess by benchmarks/startup.py with CALLDESK_DATABASE_URL set. It goes through the console
script's own path (calldesk.launch.main) and differs only in one thing: the app leaves once the intake screen is
mounted with a field focused (the agent can type), after writing "ready" and the phase times to fd 1.
"""

from __future__ import annotations

import os
import sys
import time

STARTED = time.perf_counter()


def main() -> None:
    import calldesk.launch  # the console script's module

    imported_cli = time.perf_counter()
    from calldesk import app as desk_app
    from calldesk.screens.intake import IntakeScreen

    imported_app = time.perf_counter()

    class ProbeApp(desk_app.CalldeskApp):
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
                phases = (imported_cli - STARTED, imported_app - imported_cli, reached - imported_app)
                os.write(1, ("ready " + " ".join(f"{p:.4f}" for p in phases) + "\n").encode())
            if screen.form.ready and self.desk.ready:  # leave once the store is open too (not timed)
                self.exit()

        def run(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            super().run(headless=True, size=(120, 36))

    real_app = desk_app.CalldeskApp
    desk_app.CalldeskApp = ProbeApp  # type: ignore[misc]  # run_desk builds the app class it finds here
    try:
        sys.argv = ["calldesk"]
        calldesk.launch.main()
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            raise
    finally:
        desk_app.CalldeskApp = real_app  # type: ignore[misc]


if __name__ == "__main__":
    main()
