"""The agent desk's key line at 80x24 and 120x36: the keys a person needs there are on screen, whole (the footer
used to be cut at 80 columns after the desk's own keys: no New call, Queue, Help or Quit)."""

from __future__ import annotations

from typing import Any

import pytest

from calldesk.screens.desk import DeskScreen

NEEDED = ("^n New call", "/ Find case", "b Callbacks", "r Drafts", "f4 Queue", "^q Quit", "f1 Help")


def bottom_line(app: Any) -> str:
    return app.screen._compositor.render_strips()[-1].text  # type: ignore[no-any-return]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_desk_shows_the_keys_that_matter(make_app, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DeskScreen)
        line = bottom_line(app)
        for keys in NEEDED:
            assert keys in line, f"{keys!r} not on the desk's last line at {size}: {line!r}"
        if size == (120, 36):
            assert "p Take ringing call" in line and "g Refresh" in line
