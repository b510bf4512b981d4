"""What every screen of the desk is given: the store, who is signed in, the protocol, and the clock.

The store opens in a thread worker after the first screen is up (the UI never waits for the database code to
load); workers that need it wait for it, the UI thread only asks whether it is ready.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from calldesk.errors import CalldeskError, StoreError
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import Profile
from calldesk.rules.vocabulary import utcnow

if TYPE_CHECKING:
    from calldesk.store.db.store import Store
    from calldesk.store.db.users import Actor

Clock = Callable[[], datetime]


class Desk:
    """The signed-in desk: screens receive it from the app (attributes down), never look it up."""

    def __init__(self, profile: Profile, clock: Clock = utcnow, *, store: Store | None = None,
                 actor: Actor | None = None, practice: bool = False) -> None:
        self.profile = profile
        self.practice = practice  # the practice store: the user may act as any member of its team
        # Tests fix the clock so timers, deadlines and snapshots do not move.
        self.clock = clock
        self._store, self._actor = store, actor
        self._failure: CalldeskError | None = None
        self._opened = threading.Event()
        self._abandoned = False
        if store is not None and actor is not None:
            self._opened.set()

    def connect(self, open_store: Callable[[], Store]) -> None:
        """Open the store and sign in (in a thread worker); raises the refusal if either fails."""
        try:
            store = open_store()
            if self._abandoned:  # the app left meanwhile: nobody will use (or close) it, nor hear it opened
                store.close()
                raise self._failure or StoreError("calldesk was closed before the store was opened.")
            self._actor, self._store = store.actor(), store
        except CalldeskError as exc:
            self._failure = exc
            raise
        except Exception as exc:  # anything else still becomes one sentence, never a traceback
            self._failure = StoreError(f"The store could not be opened: {exc}")
            raise self._failure from exc
        finally:
            self._opened.set()

    def act_as(self, store: Store) -> None:
        """Practice: act from now on as `store`'s user (the same practice store, another team member)."""
        self._wait_until_open()
        self._actor, self._store = store.actor(), store

    def abandon(self) -> None:
        """The app is leaving before the store was opened: workers waiting for it stop (with a StoreError)
        instead of keeping the process alive."""
        if not self._opened.is_set():
            self._abandoned = True
            self._failure = StoreError("calldesk was closed before the store was opened.")
            self._opened.set()

    @property
    def ready(self) -> bool:
        """True once the store is open and the user signed in (never blocks)."""
        return self._opened.is_set() and self._failure is None

    def _wait_until_open(self) -> None:
        self._opened.wait()
        if self._failure is not None:
            raise self._failure

    @property
    def store(self) -> Store:
        """The open store; a worker thread waits here until it is open."""
        self._wait_until_open()
        assert self._store is not None
        return self._store

    @property
    def actor(self) -> Actor:
        """Who is signed in; a worker thread waits here until the store is open."""
        self._wait_until_open()
        assert self._actor is not None
        return self._actor

    def now(self) -> datetime:
        """The current moment (aware)."""
        return self.clock()

    def today(self) -> date:
        """Today in the agency's time zone."""
        return calendar_for(self.profile).local(self.clock()).date()
