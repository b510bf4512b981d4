"""`calldesk mail watch --every N`: the mailbox fetched on a timer, in one long-running process (beside
`calldesk phone listen`, not inside it: each runs as a login with its own role). No store or terminal here: the
command hands in one fetch and where its line goes."""

from __future__ import annotations

import threading
from collections.abc import Callable

from calldesk.errors import CalldeskError


def fetch_every(seconds: float, fetch: Callable[[], str], *, stop: threading.Event,
                say: Callable[[str], None]) -> int:
    """Run `fetch` now, then every `seconds` until `stop` is set, saying the line each returns; a fetch refused in
    words (the mailbox unreachable, the sign-in refused) is said and the next one tried. How many fetches ran. A
    fetch under way when `stop` is set ends first: a message is never left half kept."""
    done = 0
    while not stop.is_set():
        try:
            say(fetch())
        except CalldeskError as exc:
            say(f"The fetch failed: {exc} The next is in {seconds:g} s.")
        done += 1
        stop.wait(seconds)
    return done
