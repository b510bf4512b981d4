"""A footer that rebuilds its keys only when the keys it shows change, and not while its screen is out of sight.

Textual's Footer rebuilds all its keys (and restyles each one) whenever the screen's bindings are refreshed:
on every focus move, and when its screen goes out of sight or comes back. Moving between the fields of a form
leaves the keys as they are, so this one keeps them; a screen out of sight (the desk during a call) catches up
when it comes back. A prepared call's screen builds its footer once, out of sight, and shows it as it is; every
footer builds its keys as it is composed, not once more after the first focus.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class SteadyFooter(Footer):
    """Footer whose keys are rebuilt only when what it would show differs from what it shows."""

    _shown: tuple[Any, ...] | None = None
    _stale = False  # the bindings changed while the screen was out of sight

    def on_mount(self) -> None:
        super().on_mount()
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def on_unmount(self) -> None:
        super().on_unmount()
        self.app.screen_change_signal.unsubscribe(self)

    def _screen_changed(self, screen: Screen[Any]) -> None:
        if self._stale and screen is self.screen:
            self._stale = False
            self.bindings_changed(screen)

    def _keys_to_show(self) -> tuple[Any, ...]:
        palette = self.app.COMMAND_PALETTE_BINDING if self.show_command_palette else None
        return tuple((binding.key, binding.action, binding.description, enabled, tooltip, binding.group,
                      self.app.get_key_display(binding))
                     for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                     if binding.show or key == palette)

    def compose(self) -> ComposeResult:
        # Textual's Footer composes no key until its screen's bindings first change (the first focus), then
        # composes them all again after a refresh: a second build and layout just after the screen is first shown.
        # The screen's bindings can be read now; a later change that alters the keys still rebuilds them.
        self._bindings_ready = True
        self._shown = self._keys_to_show()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Each key as it will be from the start: FooterKey starts compact and its watcher (then the footer's
                # data_bind) would add or drop the class after it mounts, restyling every key once or twice more.
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self._bindings_ready and self._shown is not None and self.is_attached and screen is self.screen:
            if not screen.is_current:
                self._stale = True  # rebuilt, if need be, when the screen comes back
                return
            if self._keys_to_show() == self._shown:
                return  # the same keys: nothing to rebuild
        super().bindings_changed(screen)
