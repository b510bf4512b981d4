"""Text controls whose editing keys keep their place among the typed characters.

Textual inserts a typed character in the control's own `_on_key`, but runs the control's bound keys (backspace,
delete, arrows, home/end, ctrl+w ...) only once the key has bubbled up through every ancestor to the app. When
keys arrive faster than the screen handles them (a busy machine, a fast typist) the characters typed after a
backspace overtake it: "Jonathan", 8 backspaces, "Maria Lopez" became "JonathanMar". Upstream: Textualize/textual
issue #6605 (open; fix proposed in pull request #6631, not released in 8.2.x). These subclasses run their own
bindings in their own `_on_key`, in the order the keys were typed, as that fix does.
"""

from __future__ import annotations

from textual import events
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
