"""calldesk's side of the startup benchmark: the real `calldesk` start (CLI, settings, desk), to a new call.

Run as a subprocess by benchmarks/startup.py with CALLDESK_DATABASE_URL set. It goes through the console
script's own path (calldesk.launch.main) and differs only in one thing: the app leaves once the intake screen is
ready by the same test as the bare app's (benchmarks/probe.py): a character typed into the first field is on
screen, every tab mounted; it writes "ready" and the phase times to fd 1. ctrl+n is pressed as a person
presses it: half a second after the desk is on screen (the store is opening then, in its thread), not before.
It pauses the cycle collector before it loads the app, as the console script does (calldesk.collector),
because it loads the app itself, to subclass it.
"""

from __future__ import annotations

import sys
import time

STARTED = time.perf_counter()
PRESS_AFTER = 0.5  # seconds after the desk shows: a person sees it, then presses ctrl+n (not before it is drawn)


def main() -> None:
    import calldesk.launch  # the console script's module

    imported_cli = time.perf_counter()
    calldesk.launch.collector.pause()  # as main() does before it loads the app (here: to subclass it first)
    from benchmarks.probe import on_next_paint, stop_when_typed
    from calldesk import app as desk_app
    from calldesk.screens.intake.screen import IntakeScreen

    imported_app = time.perf_counter()

    class ProbeApp(desk_app.CalldeskApp):
        """The real app, plus one thing: it leaves once a character typed into the new call is on screen."""

        def on_mount(self) -> None:
            super().on_mount()
            marks: dict[str, float] = {}

            def press() -> None:
                marks["pressed"] = time.perf_counter()
                self.simulate_key("ctrl+n")  # as the terminal sends it: the app's binding takes it

            def shown() -> None:  # the desk is on screen: the person reaches for ctrl+n
                marks["shown"] = time.perf_counter()
                self.set_timer(PRESS_AFTER, press)

            on_next_paint(self, shown)

            def form_is_up() -> bool:
                screen = self.screen  # polled every 5 ms: no DOM query (the bare app's test is as cheap)
                return isinstance(screen, IntakeScreen) and screen.form_ready

            def report() -> str:
                phases = (imported_cli - STARTED, imported_app - imported_cli, marks["shown"] - imported_app,
                          marks["pressed"] - marks["shown"], time.perf_counter() - marks["pressed"])
                return " ".join(f"{p:.4f}" for p in phases)

            stop_when_typed(self, form_is_up, report)

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
