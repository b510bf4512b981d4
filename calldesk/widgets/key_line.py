"""A one-line footer for narrow terminals: the keys that matter most, whole, as many as fit, and F1, which lists them
all, always."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.widgets import Static

HELP = "app.help"  # kept on the line when others are dropped: it lists them


class KeyLine(Static):
    """Shows "key what" for the bindings named by id, in that order, dropping the last ones that do not fit (F1's
    help, when named, always stays: at the end of the line if that is where it no longer fit)."""

    DEFAULT_CSS = """
    KeyLine { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, binding_ids: Sequence[str], *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.binding_ids = list(binding_ids)

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)
        # A key a screen offers or stops offering (check_action: e.g. once the store says who is signed in).
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self._fit())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def entries(self) -> list[tuple[str, str, str]]:
        """(binding id, key, description) for each binding id that is active now, the first key shown for each."""
        found: dict[str, tuple[str, str, str]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id in self.binding_ids and binding.id not in found and active.enabled:
                found[binding.id] = (binding.id, self.app.get_key_display(binding), binding.description)
        return [found[i] for i in self.binding_ids if i in found]

    def _fit(self) -> None:
        width = max(0, self.size.width)
        entries = self.entries()
        pieces = [(key, f" {what}") for _, key, what in entries]
        shown = _fitting(pieces, width)
        help_piece = next(((key, f" {what}") for i, key, what in entries if i == HELP), None)
        if help_piece is not None and help_piece not in shown:  # F1 dropped: it takes the place of the last shown
            pieces.remove(help_piece)
            shown = [*_fitting(pieces, width - len("".join(help_piece)) - 2), help_piece]
        text = Text()
        for key, what in shown:
            if text:
                text.append("  ")
            text.append(key, style="bold")
            text.append(what)
        self.update(text)


def _line_length(pieces: list[tuple[str, str]]) -> int:
    return sum(len(key) + len(what) for key, what in pieces) + 2 * max(0, len(pieces) - 1)


def _fitting(pieces: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """The first pieces that fit in `width`, two spaces apart."""
    for count in range(len(pieces), 0, -1):
        if _line_length(pieces[:count]) <= width:
            return pieces[:count]
    return []
