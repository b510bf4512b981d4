"""The readiness point both startup subjects stop at: a character typed into the first field is on screen.

Used by the bare Textual app and by calldesk alike (it imports Textual only), so both clocks stop at the same
moment: the form's screen is up with its first field focused, every tab is mounted (reachable), the key "x" was
delivered to the focused field, its value holds it, and the screen has since been painted (the app handed a
frame to its output: headless, the frame is composed and dropped, which costs the same work).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App


def on_next_paint(app: App[Any], callback: Callable[[], None]) -> None:
    """Call `callback` once, when the app next paints its screen."""
    display = app._display

    def painted(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None and screen is app.screen:
            app._display = display  # type: ignore[method-assign]
            callback()

    app._display = painted  # type: ignore[method-assign]


def stop_when_typed(app: App[Any], form_is_up: Callable[[], bool], report: Callable[[], str]) -> None:
    """Poll every 5 ms; once `form_is_up()`, type "x"; once it is painted, write "ready <report()>" to fd 1, exit."""
    state = {"typed": False, "done": False}

    def poll() -> None:
        if state["done"]:
            return
        focused = app.focused
        if not state["typed"]:
            if focused is not None and form_is_up():
                state["typed"] = True
                app.post_message(events.Key("x", "x"))
            return
        if getattr(focused, "value", None) == "x":
            state["done"] = True
            on_next_paint(app, finish)

    def finish() -> None:
        os.write(1, f"ready {report()}\n".encode())
        app.exit()

    app.set_interval(0.005, poll)
