"""What every screen of the desk is given: the store, who is signed in, the protocol, and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from calldesk.models import utcnow
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import Profile
from calldesk.store.store import Store
from calldesk.store.users import Actor

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Desk:
    """The signed-in desk: screens receive it from the app (attributes down), never look it up."""

    store: Store
    actor: Actor
    profile: Profile
    # Tests fix the clock so timers, deadlines and snapshots do not move.
    clock: Clock = utcnow

    def now(self) -> datetime:
        """The current moment (aware)."""
        return self.clock()

    def today(self) -> date:
        """Today in the agency's time zone."""
        return calendar_for(self.profile).local(self.clock()).date()
