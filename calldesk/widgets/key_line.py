"""A one-line footer for narrow terminals: the keys that matter most, whole, as many as fit (F1 lists them all)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.widgets import Static


class KeyLine(Static):
    """Shows "key what" for the bindings named by id, in that order, dropping the last ones that do not fit."""

    DEFAULT_CSS = """
    KeyLine { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, binding_ids: Sequence[str], *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.binding_ids = list(binding_ids)

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def entries(self) -> list[tuple[str, str]]:
        """(key, description) for each binding id that is active now, the first key shown for each."""
        found: dict[str, tuple[str, str]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id in self.binding_ids and binding.id not in found and active.enabled:
                found[binding.id] = (self.app.get_key_display(binding), binding.description)
        return [found[i] for i in self.binding_ids if i in found]

    def _fit(self) -> None:
        width = max(0, self.size.width)
        text = Text()
        for key, what in self.entries():
            piece = f"{key} {what}"
            if text.cell_len + len(piece) + (2 if text else 0) > width:
                break
            if text:
                text.append("  ")
            text.append(key, style="bold")
            text.append(f" {what}")
        self.update(text)
