"""A checkbox that reads without colour: [X] when ticked, [ ] when not (NO_COLOR terminals, screen readers)."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Checkbox

from calldesk.widgets.quiet import compact


class TickBox(Checkbox):
    """Textual's Checkbox shows the same X either way and tells them apart by colour only; this one does not. Its
    label wraps when it is wider than the box is given (a checklist's long point at 80 columns), never cut."""

    DEFAULT_CSS = """
    TickBox { text-wrap: wrap; text-overflow: fold; }
    """

    def __init__(self, label: str, *, id: str, classes: str = "", value: bool = False) -> None:
        super().__init__(label, value, id=id, classes=classes)
        compact(self)

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble(("[X]" if self.value else "[ ]", style))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return Widget.get_content_height(self, container, viewport, width)  # (ToggleButton's: always one line)
