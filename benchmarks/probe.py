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


def on_paint_showing(app: App[Any], shows: Callable[[], bool], callback: Callable[[], None]) -> None:
    """Call `callback` once, at the first paint of the app's screen made when `shows()` holds (checked as it
    paints: the frame holds what `shows` sees). Installed before the key is sent, it catches that very paint; a
    hook installed once the value is seen could miss it and stop at the next one (a cursor blink, up to 0.5 s
    later)."""
    display = app._display

    def painted(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None and screen is app.screen and shows():
            app._display = display  # type: ignore[method-assign]
            callback()

    app._display = painted  # type: ignore[method-assign]


def on_next_paint(app: App[Any], callback: Callable[[], None]) -> None:
    """Call `callback` once, when the app next paints its screen."""
    on_paint_showing(app, lambda: True, callback)


def stop_when_typed(app: App[Any], form_is_up: Callable[[], bool], report: Callable[[], str]) -> None:
    """Poll every 5 ms; once `form_is_up()`, type "x"; once it is painted, write "ready <report()>" to fd 1, exit."""
    state = {"typed": False}

    def poll() -> None:
        if state["typed"]:
            return
        focused = app.focused
        if focused is not None and form_is_up():
            state["typed"] = True
            on_paint_showing(app, lambda: getattr(app.focused, "value", None) == "x", finish)
            app.post_message(events.Key("x", "x"))

    def finish() -> None:
        os.write(1, f"ready {report()}\n".encode())
        app.exit()

    app.set_interval(0.005, poll)
