"""Text controls whose editing keys keep their place among the typed characters.

Textual inserts a typed character in the control's own `_on_key`, but runs the control's bound keys (backspace,
delete, arrows, home/end, ctrl+w ...) only once the key has bubbled up through every ancestor to the app. When
keys arrive faster than the screen handles them (a busy machine, a fast typist) the characters typed after a
backspace overtake it: "Jonathan", 8 backspaces, "Maria Lopez" became "JonathanMar". Upstream: Textualize/textual
issue #6605 (open; fix proposed in pull request #6631, not released in 8.2.x). These subclasses run their own
bindings in their own `_on_key`, in the order the keys were typed, as that fix does.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, TextArea


async def run_own_binding(widget: Widget, event: events.Key) -> None:
    """Run `widget`'s own (non-priority) binding for the key now, not after the key bubbles to the app."""
    if event.is_printable or widget.disabled:
        return
    bindings = widget._bindings.copy()
    keymap = widget.app._keymap
    if keymap:
        bindings.apply_keymap(keymap)
    for binding in bindings.key_to_bindings.get(event.key, ()):
        if binding.priority:
            continue  # the app has already offered the key to priority bindings
        if await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return


class TypingInput(Input):
    """A one-line Input whose editing keys are applied in the order they were typed."""

    async def _on_key(self, event: events.Key) -> None:
        await run_own_binding(self, event)


class TypingTextArea(TextArea):
    """A TextArea whose editing keys are applied in the order they were typed."""

    async def _on_key(self, event: events.Key) -> None:
        await run_own_binding(self, event)


class DefaultedInput(TypingInput):
    """A TypingInput pre-filled with a default that what is typed replaces: "Spanish" typed over the default
    "English" is "Spanish", never "EnglishSpanish". The first character typed or pasted while the value is still the
    untouched default replaces it; an editing key (backspace, an arrow, home/end ...) first means the agent edits
    the default instead. A value set by the program (a draft restored) that is not the default is kept."""

    def __init__(self, default: str, **kwargs: Any) -> None:
        super().__init__(value=default, **kwargs)
        self.default = default
        self._untouched = True

    def untouched(self) -> None:
        """Holding its default as on a new call: the first character typed replaces it again."""
        self._untouched = True

    def _replacing(self) -> bool:
        return self._untouched and self.value == self.default

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and self._replacing():
            self.value = ""  # the character typed is inserted next (Input's own handler), in place of the default
        elif not event.is_printable and event.key != "enter" and event.key in self._bindings.key_to_bindings:
            self._untouched = False  # an editing key: what is typed next goes where the cursor is
        # (Textual then runs TypingInput's and Input's own handlers: each class's handler runs once, in MRO order.)

    def _on_paste(self, event: events.Paste) -> None:
        if event.text and self._replacing():
            self.value = ""  # Input's own handler pastes next


def field_moves(prefix: str) -> list[Binding]:
    """Tab and shift+tab as priority bindings: the app moves the focus as it reads the key, before it hands the keys
    typed next to the focused control, so a word typed right after Tab lands in the next field, never in the one
    just left (a screen's own Tab runs only after the key has bubbled up from the control; the keys behind it are
    already queued there). The intake binds these keys the same way (IntakeScreen's "intake.next_field")."""
    return [Binding("tab", "app.focus_next", show=False, priority=True, id=f"{prefix}.next_field"),
            Binding("shift+tab", "app.focus_previous", show=False, priority=True, id=f"{prefix}.previous_field")]
