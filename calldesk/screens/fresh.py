"""A screen shown for the first time is not restyled: its widgets got their styles as they mounted.

Textual's Screen re-applies the whole stylesheet to every widget of a screen each time it is shown (resumed),
the first time too, although a screen that has just been built was styled against the stylesheet as it is now, and
a second time when its mode is first shown.
On the call's five-tab form that pass costs 0.1-1 s. When a theme or the CSS changed since the screen was built,
the app's count of CSS updates has moved on, and the screen is restyled as usual.
"""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.screen import Screen

ResultT = TypeVar("ResultT")


class FreshScreen(Screen[ResultT]):
    """A Screen that skips the restyle of its first showing when the stylesheet has not changed since it was built
    (the app marks each new screen with `CalldeskApp.styled_as_now`)."""

    # True: restyled on every showing after the first, as Textual does. A screen kept and shown again and again
    # (the intake, call after call) sets False: then it is restyled only when the stylesheet changed meanwhile.
    RESTYLE_ON_RESUME = True
    _shown_before = False
    _showing = False  # resumed, and not suspended since

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual resumes a screen twice when its mode is first shown (once as the mode's stack is made, once as
        # the mode switches): the second finds it styled a moment ago, and on show all along.
        fresh = self._css_update_count == self.app._css_update_count
        if self._showing or (fresh and not (self._shown_before and self.RESTYLE_ON_RESUME)):
            event.refresh_styles = False
        self._shown_before = self._showing = True
        super()._on_screen_resume(event)

    def _on_screen_suspend(self) -> None:
        self._showing = False
        super()._on_screen_suspend()
