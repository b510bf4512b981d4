"""Actions that wait for a pause in typing (a lookup, an autosave, the abuse scan): the latest request wins.

An action can also have a maximum wait: typing that never pauses still gets it that often (an autosave every
`max_wait` seconds, so a crash loses at most the last moment of typing, never a whole unpaused claim).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.message_pump import MessagePump
from textual.timer import Timer


class Debouncer:
    """Call `debounce(name, delay, callback)` at every keystroke: `callback` runs `delay` seconds after the last
    request of that name, or `max_wait` seconds after the first request not yet acted on, whichever is sooner.
    Each request replaces the previous one of its name, whose timer is stopped."""

    def __init__(self, owner: MessagePump) -> None:
        self._owner = owner  # its timers: they stop with it
        self._timers: dict[str, Timer] = {}
        self._first: dict[str, float] = {}  # name -> time.monotonic() of the first request still waiting

    def __call__(self, name: str, delay: float, callback: Callable[[], Any], *, max_wait: float | None = None) -> None:
        now = time.monotonic()
        if name in self._timers:
            self._timers[name].stop()
        first = self._first.setdefault(name, now)
        if max_wait is not None:
            delay = max(0.001, min(delay, first + max_wait - now))  # (a Textual timer needs a positive delay)

        def fire() -> Any:
            # A stopped timer's callback can still run once (Textual queues it before stop() lands): only the
            # latest timer of a name acts, as a debounce should.
            if self._timers.get(name) is not timer:
                return None
            del self._timers[name]
            self._first.pop(name, None)
            return callback()

        timer = self._timers[name] = self._owner.set_timer(delay, fire, name=name)

    def cancel(self) -> None:
        """Drop every action still to come (the call they belong to has ended)."""
        for timer in self._timers.values():
            timer.stop()
        self._timers.clear()
        self._first.clear()

    @property
    def pending(self) -> bool:
        """Some action is still to come."""
        return bool(self._timers)
