"""The Textual app: modes, bindings, command palette. Wiring only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from calldesk.errors import CalldeskError
from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.rules.vocabulary import utcnow
from calldesk.screens.commands import palette_commands
from calldesk.screens.context import Clock, Desk
from calldesk.screens.desk import DeskScreen
from calldesk.screens.failures import as_refusal
from calldesk.screens.help import HelpScreen
from calldesk.screens.intake import IntakeScreen
from calldesk.screens.queue import QueueScreen

if TYPE_CHECKING:
    from calldesk.settings import Settings
    from calldesk.store.store import Store
    from calldesk.store.users import Actor

STYLES = Path(__file__).parent / "styles"


class CalldeskApp(App[None], inherit_bindings=False):
    """The call desk: an agent desk mode (calls) and a supervisor queue mode, each its own screen stack."""

    TITLE = "calldesk"
    # Absolute, so a subclass defined elsewhere (tests, benchmarks) finds them too.
    CSS_PATH: ClassVar[list[str | PurePath]] = [STYLES / "app.tcss", STYLES / "intake.tcss"]
    # Every binding has an id: Settings.keymap ({id: "keys"}) moves it (set_keymap).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit", tooltip="Quit calldesk"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, id="app.commands",
                tooltip="Search every command of this screen"),
        Binding("f1", "help", "Help", id="app.help", tooltip="Help and keys for this screen"),
        Binding("ctrl+n,f2", "new_call", "New call", priority=True, id="app.new_call",
                tooltip="Take a new call (from anywhere)"),
        Binding("f3", "switch_mode('desk')", "Desk", id="app.desk", tooltip="The agent desk"),
        Binding("f4", "switch_mode('queue')", "Queue", id="app.queue",
                tooltip="The supervisor queue: open cases by next deadline"),
    ]

    def __init__(self, store: Store | None = None, actor: Actor | None = None, profile: Profile | None = None, *,
                 clock: Clock | None = None, keymap: dict[str, str] | None = None, theme: str | None = None,
                 open_store: Callable[[], Store] | None = None, protocol: str | None = None) -> None:
        """Either an open `store` and its `actor` (tests), or `open_store`, called in a worker after first paint."""
        super().__init__()
        if profile is None:
            profile = load_profile(protocol or (store.protocol if store is not None else None))
        self.desk = Desk(profile, clock or utcnow, store=store, actor=actor)
        self._open_store = open_store
        self.failure: CalldeskError | None = None
        self._held_keys: list[events.Key] | None = None
        self.desk_screen = DeskScreen(self.desk)
        self.add_mode("desk", lambda: self.desk_screen)
        self.add_mode("queue", lambda: QueueScreen(self.desk))
        self._initial_keymap = dict(keymap or {})
        self._initial_theme = theme

    def on_mount(self) -> None:
        if self._initial_keymap:
            self.set_keymap(self._initial_keymap)
        if self._initial_theme and self._initial_theme in self.available_themes:
            self.theme = self._initial_theme
        self.switch_mode("desk")
        if not self.desk.ready and self._open_store is not None:
            self.call_after_refresh(self.connect_store)  # the desk is on screen before the database code loads

    @work(thread=True, exclusive=True, group="connect", exit_on_error=False)
    def connect_store(self) -> None:
        assert self._open_store is not None
        self.desk.connect(self._open_store)
        self.desk_screen.post_message(DeskScreen.Connected())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "connect" and event.state == WorkerState.ERROR:
            # Not signed in (unknown user, store unreachable): leave, and the CLI says why in one line.
            self.failure = as_refusal(event.worker.error)
            self.exit(return_code=1)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The screen's own commands first (the same list as its keys and F1 help), then Textual's."""
        ours = list(palette_commands(self, screen))
        titles = {command.title for command in ours}
        yield from ours
        yield from (command for command in super().get_system_commands(screen) if command.title not in titles)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))

    async def action_new_call(self) -> None:
        # Agents start typing the moment they press the key: hold keys until the call's first field has focus.
        self._held_keys = self._held_keys or []
        self.set_timer(1.0, self.release_keys)  # never hold them longer than that, whatever happens
        await self.switch_mode("desk")
        desk = self.screen_stack[0]
        assert isinstance(desk, DeskScreen)
        if not desk.take_call():
            await self.release_keys()

    async def on_event(self, event: events.Event) -> None:
        if self._held_keys is not None and isinstance(event, events.Key) and not event.is_forwarded:
            self._held_keys.append(event)
            return
        await super().on_event(event)

    @on(IntakeScreen.Opened)
    async def release_keys(self) -> None:
        """Deliver the held keys, in the order they were typed, to whatever now has focus."""
        held = self._held_keys or []
        while held:
            key = held.pop(0)
            await super().on_event(key)
            if not key.is_printable and key.key not in ("tab", "shift+tab"):
                # A key that may move focus through a (bubbling) binding lands before the next is routed;
                # keys arriving meanwhile wait in the app's queue, so the order holds.
                await asyncio.sleep(0.02)
        self._held_keys = None


def run_desk(settings: Settings, *, app_class: type[CalldeskApp] | None = None) -> None:
    """Open the desk: the UI first, the store in a worker; raises the refusal if the user may not sign in."""

    def open_store() -> Store:
        # In the connect worker: the database code loads here, after the desk is on screen.
        from calldesk.store.reference import ensure_reference
        from calldesk.store.store import open_store as open_

        return open_(settings.database_url, protocol=settings.protocol,
                     prepare=ensure_reference)

    app = (app_class or CalldeskApp)(open_store=open_store, protocol=settings.protocol,
                                     keymap=settings.keymap, theme=settings.theme)
    try:
        app.run()
    finally:
        if app.desk.ready:
            app.desk.store.close()
    if app.failure is not None:
        raise app.failure
