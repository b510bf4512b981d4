"""Opening a case in the case workspace, from any screen (cheap to import: the workspace loads when asked)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen


def open_case_screen(screen: Screen[Any], case_number: str) -> None:
    """Open case `case_number` in the case workspace, over `screen` (desk, queue, find or history)."""
    from calldesk.screens.case.screen import CaseScreen

    screen.app.push_screen(CaseScreen(case_number, screen.desk))  # type: ignore[attr-defined]
