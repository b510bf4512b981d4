"""Knowing, cheaply, that some desk saved a case (what keeps every open queue live) or that the phone system's
listener kept an event (what the desk's ring line waits on).

SQLite: `PRAGMA data_version` on one held connection changes whenever another connection commits (a read of
a counter in the file header, the same cost at 1M cases as at 10). PostgreSQL: LISTEN on the channel the
`cases_changed` statement trigger (migration 0007) or the `phoneevent_changed` one (0021) notifies, so nothing
is polled at all.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine

CHANNEL = "calldesk_cases"
PHONE_CHANNEL = "calldesk_phone"  # a phone event kept (migration 0021)
POLL_SECONDS = 1.0  # SQLite: how often the counter is read


class ChangeWatch:
    """`with ChangeWatch(engine) as watch: watch.wait(2.0)` -> True when the store changed since the last wait."""

    def __init__(self, engine: Engine, *, channel: str = CHANNEL, poll: float = POLL_SECONDS) -> None:
        self.engine = engine
        self.channel, self.poll = channel, poll
        self.postgres = engine.dialect.name == "postgresql"
        self._raw: Any = None
        self._seen: int | None = None

    def __enter__(self) -> Self:
        self._raw = self.engine.raw_connection()
        driver = self._raw.driver_connection
        if self.postgres:
            self._raw.rollback()
            driver.autocommit = True
            driver.execute(f"LISTEN {self.channel}")
        else:
            self._seen = self._version()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._raw is None:
            return
        try:
            if self.postgres:
                self._raw.driver_connection.execute("UNLISTEN *")
                self._raw.driver_connection.autocommit = False
        finally:
            self._raw.close()
            self._raw = None

    def _version(self) -> int:
        cursor = self._raw.driver_connection.execute("PRAGMA data_version")
        return int(cursor.fetchone()[0])

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds; True as soon as another connection has committed a change."""
        if self.postgres:
            changed = False
            for _ in self._raw.driver_connection.notifies(timeout=timeout, stop_after=1):
                changed = True
            return changed
        deadline = time.monotonic() + timeout
        while True:
            version = self._version()
            if version != self._seen:
                self._seen = version
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(self.poll, left))
