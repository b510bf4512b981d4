"""Actions that wait for a pause in typing (a lookup, an autosave, the abuse scan): the latest request wins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message_pump import MessagePump
from textual.timer import Timer


class Debouncer:
    """Call `debounce(name, delay, callback)` at every keystroke: `callback` runs `delay` seconds after the last
    request of that name. Each request replaces the previous one of its name, whose timer is stopped."""

    def __init__(self, owner: MessagePump) -> None:
        self._owner = owner  # its timers: they stop with it
        self._timers: dict[str, Timer] = {}

    def __call__(self, name: str, delay: float, callback: Callable[[], Any]) -> None:
        if name in self._timers:
            self._timers[name].stop()

        def fire() -> Any:
            # A stopped timer's callback can still run once (Textual queues it before stop() lands): only the
            # latest timer of a name acts, as a debounce should.
            if self._timers.get(name) is not timer:
                return None
            del self._timers[name]
            return callback()

        timer = self._timers[name] = self._owner.set_timer(delay, fire, name=name)

    @property
    def pending(self) -> bool:
        """Some action is still to come."""
        return bool(self._timers)
