"""The pop: one line on the desk naming the caller whose call is ringing for this agent, with their earlier calls
(numbers, dates, types: never a student's details). A Static: it never takes a key or the focus.

The line waits, on its own thread, for the store to say a phone event was kept (calldesk.store.db.changes: LISTEN on
PostgreSQL, whose phoneevent trigger notifies; on SQLite the file's commit counter, one pragma every POLL seconds,
no table read); only then does it read the events newer than the last it saw (one indexed range of the events'
ids: the same cost however many calls the store holds).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual.message import Message
from textual.widgets import Static

from calldesk.errors import InvalidInput
from calldesk.rules.display import inert

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.screens.desk_state import Desk
    from calldesk.store.db.changes import ChangeWatch
    from calldesk.store.services.phone import Pop

POLL = 0.02  # SQLite: seconds between two reads of the commit counter (the pop is on screen within 200 ms)
WAIT = 0.5  # the longest wait for a change before the thread looks whether the desk has gone


def pop_text(pop: Pop) -> str:
    """The line: "Ringing: +13105551234 - maybe the caller of 2 earlier cases: 2026-000012 (open complaint,
    Transport), ... p takes the call"."""
    earlier = ", ".join(f"{c.case_number} ({c.status} {c.call_type}{', ' + c.category if c.category else ''})"
                        for c in pop.earlier[:3])
    # A number is not a person (a household, an office line): its cases are the caller's only maybe.
    said = (f"maybe the caller of {len(pop.earlier)} earlier case{'s' if len(pop.earlier) != 1 else ''}: {earlier}"
            if earlier else "no earlier case from this number")
    calls = f"; {pop.earlier_calls} earlier call{'s' if pop.earlier_calls != 1 else ''}" if pop.earlier_calls else ""
    # After the exact matches: the cases by the number written another way, each labelled maybe with why.
    maybe = "".join(f"; maybe {m.case.case_number} ({m.case.status} {m.case.call_type}, by {m.why})"
                    for m in pop.maybe[:3])
    return inert(f"Ringing: {pop.number} - {said}{calls}{maybe}. p takes the call.", lines=False)


def _ended(session: Session, call_id: str, me: str) -> bool:
    """The call rang out (hung up) or someone else answered it: the line goes."""
    from sqlmodel import col, select

    from calldesk.models import PhoneEvent

    found = session.exec(select(PhoneEvent.event, PhoneEvent.users).where(
        PhoneEvent.call_id == call_id, col(PhoneEvent.event).in_(("answer", "hangup")))).all()
    answered_here = any(event == "answer" and me in users.split(",") for event, users in found)
    return any(event == "hangup" or me not in users.split(",") for event, users in found) and not answered_here


class RingLine(Static):
    """The ringing caller's line on the desk (empty when nothing rings)."""

    DEFAULT_CSS = "RingLine { height: auto; color: $warning; text-style: bold; }"

    class Ringing(Message):
        """A call rings for this agent (pop None: it stopped ringing)."""

        def __init__(self, pop: Pop | None) -> None:
            super().__init__()
            self.pop = pop

    def __init__(self, desk: Desk, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__("", id=id, markup=False)
        self.desk = desk
        self.pop: Pop | None = None
        self._stop: threading.Event | None = None

    def start(self) -> None:
        """Begin watching (once the store is open). A plain daemon thread rather than a worker, as the queue's
        watch: it never ends while the desk lives, and workers are waited for."""
        if self._stop is not None:
            return
        self._stop = threading.Event()
        threading.Thread(target=self._watch, args=(self._stop,), name="ring-watch", daemon=True).start()

    def on_unmount(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def _watch(self, stop: threading.Event) -> None:
        try:
            self._follow(stop)
        except Exception as exc:  # the store went away: the desk still works, only without the pop
            if not stop.is_set():
                self.app.call_from_thread(self.notify, f"The phone's pop stopped: {type(exc).__name__}.",
                                          severity="warning")

    def _follow(self, stop: threading.Event) -> None:
        from sqlmodel import col, func, select

        from calldesk.models import PhoneEvent
        from calldesk.store.db.changes import PHONE_CHANNEL, ChangeWatch

        store = self.desk.store
        with ChangeWatch(store.engine, channel=PHONE_CHANNEL, poll=POLL) as watch:
            with store.uow(readonly=True) as uow:
                seen = uow.session.exec(select(func.max(col(PhoneEvent.id)))).one() or 0
            self._read(stop, watch, seen)

    def _read(self, stop: threading.Event, watch: ChangeWatch, seen: int) -> None:
        """Each time the store changed: the newest ring for this agent since `seen`, or whether the one ringing
        ended."""
        from calldesk.store.services.phone import Pop, latest_ring, pop_for

        store, actor = self.desk.store, self.desk.actor
        ringing: str | None = None
        while not stop.is_set():
            if not watch.wait(WAIT):
                continue
            with store.uow(readonly=True) as uow:
                ring = latest_ring(uow.session, user=actor.username, after_id=seen)
                if ring is not None and ring.id is not None:
                    seen, ringing = ring.id, ring.call_id
                    number = ring.from_number or ring.phone_digits
                    try:
                        pop = pop_for(uow.session, viewer=actor, number=number, call_id=ring.call_id)
                    except InvalidInput:  # a withheld number: the ring alone
                        pop = Pop(number=number or "a withheld number", digits="", call_id=ring.call_id,
                                  ring_at=ring.at, earlier=[], earlier_calls=0)
                    self.post_message(self.Ringing(pop))
                elif ringing is not None and _ended(uow.session, ringing, actor.username):
                    ringing = None
                    self.post_message(self.Ringing(None))

    def on_ring_line_ringing(self, event: Ringing) -> None:
        self.pop = event.pop
        self.update("" if event.pop is None else pop_text(event.pop))
