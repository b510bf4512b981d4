"""The Textual app: modes, bindings, command palette. Wiring only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events, on
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.filter import LineFilter
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from calldesk import collector
from calldesk.desk_calls import DeskCalls
from calldesk.errors import CalldeskError
from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile, role_label
from calldesk.rules.vocabulary import utcnow
from calldesk.screens.desk import DeskScreen
from calldesk.screens.desk_state import Clock, Desk
from calldesk.screens.failures import as_refusal
from calldesk.screens.help import HelpScreen
from calldesk.screens.intake.call_line import CallHolder
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.terminal_keys import read_alt_digits
from calldesk.terminal_output import DeskDriver
from calldesk.widgets.commands import desk_commands, palette_commands
from calldesk.widgets.inert_text import InertLines

if TYPE_CHECKING:
    from rich.console import RenderableType

    from calldesk.settings import Settings
    from calldesk.store.db.store import Store
    from calldesk.store.db.users import Actor

STYLES = Path(__file__).parent / "styles"
ScreenT = TypeVar("ScreenT", bound=Screen[Any])


class CalldeskApp(DeskCalls, inherit_bindings=False):
    """The call desk: an agent desk mode (calls) and a supervisor queue mode, each its own screen stack."""

    TITLE = "calldesk"
    # Absolute, so a subclass defined elsewhere (tests, benchmarks) finds them too.
    CSS_PATH: ClassVar[list[str | PurePath]] = [STYLES / "app.tcss", STYLES / "intake.tcss"]
    # Every binding has an id: Settings.keymap ({id: "keys"}) moves it (set_keymap).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit_desk", "Quit", priority=True, id="app.quit",
                tooltip="Quit calldesk (during a call with unsaved changes it asks first)"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, id="app.commands",
                tooltip="Search every command of this screen"),
        Binding("f1", "help", "Help", id="app.help", tooltip="Help and keys for this screen"),
        Binding("ctrl+n,f2", "new_call", "New call", priority=True, id="app.new_call",
                tooltip="Take a new call (from anywhere)"),
        Binding("f3", "desk", "Desk", id="app.desk",
                tooltip="The agent desk (the call, while one is open); a case opened from it is left on the way"),
        Binding("f4", "queue", "Queue", id="app.queue",
                tooltip="The supervisor queue: open cases by next deadline; a case or report opened from it is left "
                        "on the way"),
    ]

    def __init__(self, store: Store | None = None, actor: Actor | None = None, profile: Profile | None = None, *,
                 clock: Clock | None = None, keymap: dict[str, str] | None = None, theme: str | None = None,
                 open_store: Callable[[], Store] | None = None, protocol: str | None = None,
                 practice: bool = False) -> None:
        """Either an open `store` and its `actor` (tests), or `open_store`, called in a worker after first paint;
        `practice`: the practice store (every screen says so; the user may act as any team member)."""
        super().__init__()
        if practice:
            self.title = "calldesk PRACTICE"
        if profile is None:
            profile = load_profile(protocol or (store.protocol if store is not None else None))
        self.desk = Desk(profile, clock or utcnow, store=store, actor=actor, practice=practice)
        self._open_store = open_store
        self._connecting = False  # the store's opening is asked for (it starts at the agent's first pause)
        # time.monotonic() of the last key the app was sent, or of a call's form coming up (ctrl+n: the agent is
        # about to type into it)
        self._last_typing_at = 0.0
        self.failure: CalldeskError | None = None
        self._held_keys: list[events.Key] | None = None
        self._hold_timer: Timer | None = None
        self._start_after_leave = False  # ctrl+n during a call: the next call starts once this one is left
        self.desk_screen = DeskScreen(self.desk)
        self.add_mode("desk", lambda: self.styled_as_now(self.desk_screen))
        self.add_mode("queue", self._queue_screen)
        self.add_mode("call", lambda: self.styled_as_now(CallHolder()))
        # The one intake screen: built while the agent waits for the first call, then emptied and kept for each
        # next call (a new screen per call cost 0.5-1 s on the UI thread, and its widgets stayed alive).
        self.intake: IntakeScreen | None = None
        self._came_from = "desk"
        self._initial_keymap = dict(keymap or {})
        self._initial_theme = theme

    _inert_lines = InertLines()

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the guard that no control character reaches the terminal from any widget."""
        return [*super().get_line_filters(), self._inert_lines]

    def _queue_screen(self) -> Screen[None]:
        from calldesk.screens.queue.screen import QueueScreen  # loaded when first shown: not on the way to the first
        # call

        return self.styled_as_now(QueueScreen(self.desk))

    def styled_as_now(self, screen: ScreenT) -> ScreenT:
        """Mark a screen about to be installed as styled against the stylesheet as it is now, which it will be: its
        widgets get their styles as they mount. Without the mark, installing or showing it (a mode, switch_mode)
        re-parses the whole stylesheet and restyles every screen first, as Textual does for a stale screen. A theme
        change before it shows bumps the app's count again, and then that refresh does happen."""
        screen._css_update_count = self._css_update_count
        return screen

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for the platform; on Linux and macOS the desk's, whose output never holds up the desk."""
        driver = super().get_driver_class()
        return DeskDriver if driver is LinuxDriver else driver

    def on_mount(self) -> None:
        self._catch_hangup()
        if self._initial_keymap:
            self.set_keymap(self._initial_keymap)
        if self._initial_theme and self._initial_theme in self.available_themes:
            self.theme = self._initial_theme
        self.switch_mode("desk")
        self.set_timer(collector.START_AT_MOST, collector.resume)  # (the store resumes it sooner)
        if not self.desk.ready and self._open_store is not None:
            # The desk is on screen before the database code loads. The first call's screen is built next, out of
            # sight (a call taken at once comes first: its form mounts), then the store opens (see
            # _connect_when_free). Workers that need the store wait for it.
            self.call_after_refresh(self.prepare_next_call)
            self.set_timer(self.CONNECT_DELAY, self._connect_when_free)
        elif self.desk.ready:
            self.call_after_refresh(self.prepare_next_call)

    CONNECT_DELAY = 0.2  # seconds after the desk is up
    TYPING_PAUSE = 0.25  # seconds without a key: the agent has paused, background loading can start
    QUIET_AT_LATEST = 1.5  # seconds: background loading starts then even while the agent types

    def typing_now(self) -> None:
        """The agent is typing, or about to (a call's form has just come up)."""
        self._last_typing_at = time.monotonic()

    def run_when_quiet(self, callback: Callable[[], object], *, asked_at: float | None = None) -> None:
        """Call `callback` at the agent's first pause in typing (TYPING_PAUSE without a key), or QUIET_AT_LATEST
        after it was asked for. For work in a thread that loads code or data (the store, the holiday tables): it
        takes the UI thread's time while it runs, and that time would come out of the echo of the keys typed."""
        now = time.monotonic()
        asked_at = now if asked_at is None else asked_at
        wait = self.TYPING_PAUSE - (now - self._last_typing_at)
        if wait > 0 and now - asked_at < self.QUIET_AT_LATEST:
            self.set_timer(wait, partial(self.run_when_quiet, callback, asked_at=asked_at))
            return
        callback()

    @on(IntakeScreen.FormReady)
    def _form_ready(self, event: IntakeScreen.FormReady) -> None:
        self._last_typing_at = max(self._last_typing_at, event.at)
        screen = self.intake
        if screen is not None and not screen.calendar_ready:
            self.run_when_quiet(screen.load_calendar)
        self._connect_when_free()

    def _connect_when_free(self) -> None:
        """Open the store at the agent's first pause (run_when_quiet), unless a call's form is still being built
        (then once it is)."""
        if self._open_store is None or self._connecting or self._exit:
            return  # (leaving: a store opened now would keep the process alive until its worker ends)
        call = self.open_call()
        if self.intake is not None and not self.intake.form_ready:  # a call's form, or the next one's out of sight
            self.set_timer(self.CONNECT_DELAY, self._connect_when_free)  # again later, if its Ready never came
            return
        if call is not None:  # the form is up, and the agent types from then on (its FormReady may not be here yet)
            self._last_typing_at = max(self._last_typing_at, call.ready_at)
        self._connecting = True
        self.run_when_quiet(self._start_connecting)

    def _start_connecting(self) -> None:
        if not self._exit:
            # Its own thread, not a Textual worker: workers share asyncio's default executor (a handful of threads,
            # 6 on 2 cores), and workers that need the store (caller lookups, autosaves, the drafts) wait in theirs
            # until it opens. Had they filled the executor, the opening would queue behind them for ever.
            threading.Thread(target=self.connect_store, name="calldesk-connect", daemon=True).start()

    def connect_store(self) -> None:
        """Open the store and sign in (on the connect thread); the UI hears of it by message, either way."""
        assert self._open_store is not None
        try:
            self.desk.connect(self._open_store)
        except Exception as exc:  # (Desk.connect turns every failure into a CalldeskError)
            self.post_message(self.StoreFailed(exc))
            return
        self.desk_screen.post_message(DeskScreen.Connected())
        # Posted, not call_from_thread: that blocks this thread until the UI runs it, and when the app is leaving
        # meanwhile it never does.
        self.post_message(self.StoreOpened())

    class StoreFailed(Message):
        """The store could not be opened, or the user may not sign in."""

        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    @on(StoreFailed)
    def _store_failed(self, event: StoreFailed) -> None:
        # Not signed in (unknown user, store unreachable): leave, and the CLI says why in one line.
        self.failure = as_refusal(event.error)
        self.exit(return_code=1)

    class StoreOpened(Message):
        """The connect thread has opened the store: the next call's screen can be built."""

    @on(StoreOpened)
    def _store_opened(self) -> None:
        collector.resume()  # every module is loaded now, the database code too: the start is over
        self.prepare_next_call()
        self._say_practice()

    def _say_practice(self) -> None:
        if self.desk.practice and self.desk.ready:
            actor = self.desk.actor
            self.title = f"calldesk PRACTICE: acting as {actor.username} ({role_label(actor.role)})"

    @on(DeskScreen.ActAs)
    def act_as(self, event: DeskScreen.ActAs) -> None:
        """Practice: act as another member of the team (not while a call is open)."""
        from calldesk.demo.practice import store_as

        if self.open_call() is not None:
            self.notify("Finish or leave the call first, then change who you act as.", severity="warning")
            return
        try:
            self.desk.act_as(store_as(self.desk.store, event.who))
        except CalldeskError as refusal:
            self.notify(refusal.message, severity="error", markup=False)
            return
        self._say_practice()
        self.desk_screen.post_message(DeskScreen.Connected())  # My work and the rest, read again as them

    def exit(self, result: None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        # Workers waiting for a store that will not be opened now must not hold the process at exit (the connect
        # worker may never run: Textual cancels workers that have not started).
        self.desk.abandon()
        super().exit(result, return_code, message)

    def on_unmount(self) -> None:
        # However the app ends (exit, a crash, a test's run_test after a failure), workers still waiting for the
        # store are released: asyncio's executor shutdown waits for every worker thread, so one left waiting on
        # a store that will never open holds the process (or the test run) for ever.
        self.desk.abandon()
        collector.resume()
        self._release_hangup()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The screen's own commands first (the same list as its keys and F1 help), then the Textual ones a desk
        keeps (no Screenshot: it would write a caller's details to a file outside the store)."""
        return desk_commands(list(palette_commands(self, screen)), super().get_system_commands(screen))

    def action_quit_desk(self) -> None:
        """Quit; with a call open, that call decides (it asks first when something typed is not saved)."""
        call = self.open_call()
        if call is None:
            self.exit()
            return
        if self.current_mode != "call":
            self.switch_mode("call")
        call.action_quit_call()

    def action_desk(self) -> None:
        """The agent desk; while a call is open, that call (it waits there while the agent looks at the queue)."""
        if self.open_call() is not None:
            self.switch_mode("call")
            return
        self.show_mode_base("desk")

    def action_queue(self) -> None:
        """The supervisor queue's list."""
        self.show_mode_base("queue")

    def show_mode_base(self, mode: str) -> None:
        """Show `mode`'s own screen (the desk, the queue), wherever the agent is: the screens opened over it (a case,
        a report) are left on the way, as Escape leaves them. One that would lose something is not: a case with
        changes not saved stays on screen and says so, and a dialog stays with what is typed in it."""
        if self.current_mode != mode:
            self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            top = self.screen
            if top.is_modal:
                return
            unsaved = getattr(top, "unsaved_changes", None)
            why = unsaved() if callable(unsaved) else None
            if why:
                self.notify(why, severity="warning", markup=False)
                return
            self.pop_screen()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))



def run_desk(settings: Settings, *, app_class: type[CalldeskApp] | None = None,
             practice_as: str | None = None) -> None:
    """Open the desk: the UI first, the store in a worker; raises the refusal if the user may not sign in.
    `practice_as`: the store is the practice store, and the desk acts as that team member ("": as yourself)."""

    def open_store() -> Store:
        # On the connect thread: the database code loads here, after the desk is on screen.
        from calldesk.store.db.store import open_store as open_
        from calldesk.store.services.reference import ensure_reference

        store = open_(settings.database_url, protocol=settings.protocol, prepare=ensure_reference,
                      create=practice_as is None)
        if practice_as:
            from calldesk.demo.practice import store_as

            return store_as(store, practice_as)
        return store

    app = (app_class or CalldeskApp)(open_store=open_store, protocol=settings.protocol,
                                     keymap=settings.keymap, theme=settings.theme, practice=practice_as is not None)
    read_alt_digits()  # the terminal's ESC+digit switches tabs (alt+digit) instead of typing "¡™£¢∞"
    try:
        app.run()
    finally:
        if app.desk.ready:
            app.desk.store.close()
    if app.failure is not None:
        raise app.failure
