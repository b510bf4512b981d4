"""The cycle collector during a start: off while calldesk loads its code and builds its first screens, then on.

Loading Textual, Rich, the rules and (on the connect thread) the database code builds a few hundred thousand
objects that live as long as the process. The collector's passes over them during the start find almost nothing to
free and cost about 0.1 s of the agent's wait for the desk and the first call. So the launcher pauses the collector
as it starts, and the app resumes it once the store has opened (or as it leaves, or after START_AT_MOST seconds):
`gc.freeze` then moves everything alive into the permanent generation, which later passes skip, and the collector
runs as usual on everything made from then on. Only what the start built is frozen; what a frozen object holds on
to after it is released (a call's screen, when the first call was taken before the store opened) is freed by
reference counting, but not a cycle among such objects.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

START_AT_MOST = 10.0  # seconds: the collector is back on by then, whatever the store does
_paused = False


def pause() -> None:
    """Turn the collector off for the start (the launcher, before calldesk's code loads); a no-op when it is off."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """The start is over: freeze what it built out of the collector's passes, and turn the collector back on.

    Only undoes `pause` (a no-op when pause did not turn it off, as in tests that build the app directly)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """The collector paused for the block (the admin CLI loading its commands)."""
    pause()
    try:
        yield
    finally:
        resume()
