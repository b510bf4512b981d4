"""The Textual app: modes, bindings, command palette. Wiring only."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from calldesk.models import utcnow
from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.screens.commands import palette_commands
from calldesk.screens.context import Clock, Desk
from calldesk.screens.desk import DeskScreen
from calldesk.screens.help import HelpScreen
from calldesk.screens.queue import QueueScreen
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
        Binding("ctrl+n,f2", "new_call", "New call", id="app.new_call", tooltip="Take a new call (from anywhere)"),
        Binding("f3", "switch_mode('desk')", "Desk", id="app.desk", tooltip="The agent desk"),
        Binding("f4", "switch_mode('queue')", "Queue", id="app.queue",
                tooltip="The supervisor queue: open cases by next deadline"),
    ]

    def __init__(self, store: Store, actor: Actor, profile: Profile | None = None, *, clock: Clock | None = None,
                 keymap: dict[str, str] | None = None, theme: str | None = None) -> None:
        super().__init__()
        self.desk = Desk(store, actor, profile or load_profile(store.protocol), clock or utcnow)
        self.add_mode("desk", lambda: DeskScreen(self.desk))
        self.add_mode("queue", lambda: QueueScreen(self.desk))
        self._initial_keymap = dict(keymap or {})
        self._initial_theme = theme

    def on_mount(self) -> None:
        if self._initial_keymap:
            self.set_keymap(self._initial_keymap)
        if self._initial_theme and self._initial_theme in self.available_themes:
            self.theme = self._initial_theme
        self.switch_mode("desk")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The screen's own commands first (the same list as its keys and F1 help), then Textual's."""
        ours = list(palette_commands(self, screen))
        titles = {command.title for command in ours}
        yield from ours
        yield from (command for command in super().get_system_commands(screen) if command.title not in titles)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))

    async def action_new_call(self) -> None:
        await self.switch_mode("desk")
        desk = self.screen_stack[0]
        assert isinstance(desk, DeskScreen)
        desk.take_call()


def run_desk(store: Store) -> None:
    """Open the desk for the signed-in user (refused with UnknownUser if they may not sign in)."""
    from calldesk.settings import load_settings

    settings = load_settings()
    CalldeskApp(store, store.actor(), keymap=settings.keymap, theme=settings.theme).run()
