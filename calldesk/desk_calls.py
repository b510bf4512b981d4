"""The desk's calls: one intake screen, ready ahead of each call, ctrl+n from anywhere, and the keys typed while a
call comes up delivered to it in order; a closed terminal keeps the call on screen as a draft."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, on
from textual.app import App
from textual.screen import Screen
from textual.timer import Timer

from calldesk.screens.desk import DeskScreen
from calldesk.screens.held_keys import FieldReady
from calldesk.screens.intake.screen import IntakeScreen

if TYPE_CHECKING:
    from calldesk.screens.desk_state import Desk

ScreenT = TypeVar("ScreenT", bound=Screen[Any])


class DeskCalls(App[None]):
    """The calls part of CalldeskApp (its base): the call mode holds the intake screen, emptied after each call."""

    desk: Desk
    intake: IntakeScreen | None
    _came_from: str
    _start_after_leave: bool  # ctrl+n during a call: the next call starts once this one is left
    _held_keys: list[events.Key] | None
    _hold_timer: Timer | None
    _last_typing_at: float
    _hangup_loop: asyncio.AbstractEventLoop
    _before_hangup: tuple[Any, ...] = ()  # (the SIGHUP handler before the desk's, restored as it ends), once caught

    def styled_as_now(self, screen: ScreenT) -> ScreenT:
        raise NotImplementedError  # (CalldeskApp)

    def _catch_hangup(self) -> None:
        """SIGHUP (the terminal was closed): the call on screen is kept as a draft before calldesk ends. Caught as a
        signal rather than in the event loop, so that calldesk ends even when its loop is held up (a handler of the
        loop's own never runs then)."""
        self._hangup_loop = asyncio.get_running_loop()
        self._before_hangup = ()
        with contextlib.suppress(AttributeError, ValueError):
            # (no SIGHUP on Windows; only the main thread catches signals, and an app run elsewhere leaves them)
            self._before_hangup = (signal.signal(signal.SIGHUP, self._on_hangup),)

    def _release_hangup(self) -> None:
        for before in self._before_hangup:
            signal.signal(signal.SIGHUP, signal.SIG_DFL if before is None else before)
        self._before_hangup = ()

    HANGUP_GRACE = 3.0  # seconds: a hung-up calldesk has ended by then, whatever its terminal output does

    def _on_hangup(self, signum: int, frame: object) -> None:
        # The terminal is gone. Textual's shutdown waits for its output thread to write the last frames, which never
        # happens when the terminal stopped reading before it hung up (the thread blocks in its write): the process
        # would stay, holding the store, for ever. It ends anyway after the grace, counted from the signal itself.
        ending = threading.Timer(self.HANGUP_GRACE, os._exit, args=(128 + signal.SIGHUP,))
        ending.daemon = True
        ending.start()
        with contextlib.suppress(RuntimeError):  # (the loop has closed: calldesk is ending already)
            self._hangup_loop.call_soon_threadsafe(self._hung_up)

    def _hung_up(self) -> None:
        call = self.open_call()
        if call is not None:
            call.keep_draft_now()
        self.exit()

    def open_call(self) -> IntakeScreen | None:
        """The intake screen while it holds a call the agent has started and not yet left (on screen or behind
        F3/F4), if any."""
        return self.intake if self.intake is not None and self.intake.in_call else None

    @property
    def prepared_call(self) -> IntakeScreen | None:
        """The intake screen while it waits for the next call."""
        return self.intake if self.intake is not None and not self.intake.in_call else None

    def _call_stack(self) -> None:
        if "call" not in self._screen_stacks:
            self._init_mode("call")  # the mode's base screen, built without being shown

    def prepare_next_call(self) -> None:
        """Build the intake screen in the call mode, out of sight, unless it is built (once per app)."""
        if self.intake is not None or not self.is_running:
            return
        self._call_stack()
        self.intake = self.styled_as_now(IntakeScreen(self.desk, in_call=False))
        self.push_screen(self.intake, mode="call")

    def start_call(self, *, client_id: str | None = None, values: dict[str, Any] | None = None) -> bool:
        """Show a new call (on the intake screen, ready when built ahead) or a resumed draft; False if a call is
        already open."""
        if self.open_call() is not None:
            if self.current_mode != "call":
                self.switch_mode("call")
                self.notify("Back to the call you have open: finish or leave it (Escape) first.", severity="warning")
            else:
                self.notify("Finish or leave the call on screen first (Escape leaves it, kept as a draft).",
                            severity="warning")
            return False
        if self.current_mode != "call":
            self._came_from = self.current_mode or "desk"
        self._call_stack()
        if self.intake is None:
            self.intake = self.styled_as_now(IntakeScreen(self.desk, client_id=client_id, values=values))
            self.push_screen(self.intake, mode="call")
            self.switch_mode("call")
            return True
        self.switch_mode("call")
        self.intake.begin_call(client_id=client_id, values=values)
        self.call_next(self.release_keys)  # its first field has focus now: any keys held meanwhile go there
        return True

    @on(DeskScreen.TakeCall)
    def _take_call(self, event: DeskScreen.TakeCall) -> None:
        self.start_call(client_id=event.client_id, values=event.values)

    @on(IntakeScreen.CallEnded)
    def _call_ended(self) -> None:
        """The call was closed or left: back to where the agent came from (or on to the next call, when ctrl+n
        ended it)."""
        if self._start_after_leave and self.open_call() is None:
            self._start_after_leave = False
            self.start_call()
            return
        if self.current_mode == "call" and self.open_call() is None:
            self.switch_mode(self._came_from)

    def action_new_call(self) -> None:
        call = self.open_call()
        if call is not None and self.current_mode == "call" and self.screen is call:
            # A second call while one is on screen: that one is left as Escape leaves it (saved again, or kept as
            # a draft to resume), and the new one starts; keys typed meanwhile wait for the new call's first field.
            self._start_after_leave = True
            self.hold_keys(seconds=3.0)
            call.action_leave()
            return
        if self.intake is None:
            self.hold_keys(seconds=1.0)  # the call's screen is built now: hold keys until its first field has focus
        # A prepared call has its first field focused already: the keys queued behind ctrl+n go straight there.
        self.start_call()

    def hold_keys(self, *, seconds: float) -> None:
        """Keep the keys read from now on until the screen on top says its field has the focus (FieldReady), or
        `seconds` pass (calldesk.screens.held_keys)."""
        if self._held_keys is None:
            self._held_keys = []
            self._hold_timer = self.set_timer(seconds, self._hold_expired)  # never hold them longer than that

    def set_keys_aside(self, why: str) -> None:
        """Drop the held keys: the screen they were typed for did not open (`why`), and the screen behind must not
        take them. Keys already waiting in the app's queue were typed before the failure was on screen, so they go
        too: the hold ends behind them."""
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        self.call_later(self._set_aside, why)

    def _set_aside(self, why: str) -> None:
        held, self._held_keys = self._held_keys or [], None
        if held:
            self.notify(f"{why} The {len(held)} key(s) typed after it were set aside.", severity="warning",
                        timeout=10, markup=False)

    async def _hold_expired(self) -> None:
        if self._start_after_leave and self.open_call() is not None:
            # The call on screen could not be left: the keys meant for the new call must not land in it.
            held, self._held_keys, self._hold_timer = self._held_keys or [], None, None
            self._start_after_leave = False
            if held:
                self.notify(f"The call on screen was not left, so {len(held)} key(s) typed after ctrl+n were set "
                            "aside; leave it with Escape, then start the new call.", severity="warning", timeout=10)
            return
        await self.release_keys()

    def _call_on_screen(self) -> str | None:
        call = self.open_call()
        return call.call.client_id if call is not None else None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_typing_at = time.monotonic()
            if not event.is_forwarded:
                event.read_in_call = self._call_on_screen()  # type: ignore[attr-defined]
            elif getattr(event, "read_in_call", None) not in (None, self._call_on_screen()):
                # A key read during a call that has ended since, back from the widgets to the app's bindings:
                # one intake screen takes every call, and the key must not act on the next call (Escape read
                # just before ctrl+n left the call, not the one ctrl+n started).
                return
        if self._held_keys is not None and isinstance(event, events.Key) and not event.is_forwarded:
            self._held_keys.append(event)
            return
        await super().on_event(event)

    @on(FieldReady)
    async def _field_ready(self, event: FieldReady) -> None:
        if event.screen is self.screen:  # (a call's screen made ready out of sight is not what the keys wait for)
            await self.release_keys()

    async def release_keys(self) -> None:
        """Deliver the held keys, in the order they were typed, to whatever now has focus."""
        held, self._held_keys = self._held_keys or [], None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        # Keys typed meanwhile wait in the app's queue behind this handler, so the order holds; keys that move
        # focus are priority bindings (they act as they are read) and editing keys act in their own field.
        for index, key in enumerate(held):
            if self._held_keys is not None:  # a key given back opened a screen in turn (b, then a): the rest wait
                self._held_keys[:0] = held[index:]  # for that screen's field, still ahead of any typed since
                return
            key.read_in_call = self._call_on_screen()  # type: ignore[attr-defined]  # (meant for this call)
            await super().on_event(key)
