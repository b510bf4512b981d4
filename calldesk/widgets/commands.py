"""One list of what a person can do on a screen: it feeds the command palette, F1 help and the footer.

Every calldesk binding has an id (so the keymap setting can move it); those are the screen's commands.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen


@dataclass
class Command:
    """A binding a person can use now, with every key it is on."""

    binding: Binding
    node: DOMNode
    keys: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.binding.description

    @property
    def help(self) -> str:
        return self.binding.tooltip or self.binding.description


def commands_of(screen: Screen[Any]) -> list[Command]:
    """The screen's (and the app's) calldesk commands that are enabled now, in binding order."""
    found: dict[str, Command] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.id or not binding.description or not active.enabled:
            continue
        command = found.setdefault(binding.id, Command(binding, active.node))
        command.keys.append(screen.app.get_key_display(binding.with_key(key)))
    return list(found.values())


# Textual's own palette commands a desk keeps. Its Screenshot is left out: it wrote the screen (a caller's name and
# phone) to an SVG any user could read in ~/Downloads, out of reach of purge and erase. Its Quit is left out too:
# calldesk's own Quit (ctrl+q) asks first when a call has unsaved changes.
KEPT_SYSTEM_COMMANDS = frozenset({"Theme", "Keys", "Maximize", "Minimize"})


def desk_commands(ours: list[SystemCommand], textual: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """The screen's own commands first (the same list as its keys and F1 help), then the Textual ones a desk keeps."""
    titles = {command.title for command in ours}
    yield from ours
    yield from (command for command in textual
                if command.title in KEPT_SYSTEM_COMMANDS and command.title not in titles)


def palette_commands(app: App[Any], screen: Screen[Any]) -> Iterator[SystemCommand]:
    """The screen's commands for the command palette (run as if their key was pressed)."""
    for command in commands_of(screen):
        run = partial(app.run_action, command.binding.action, command.node)
        yield SystemCommand(command.title, f"{command.help} ({' / '.join(command.keys)})", run)
