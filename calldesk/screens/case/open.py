"""Opening a case in the case workspace, from any screen (cheap to import: the workspace loads when asked)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

KEPT = "case"  # the name the app keeps its case workspace under, built once and shown again for each case


def open_case_screen(screen: Screen[Any], case_number: str) -> None:
    """Open case `case_number` in the case workspace, over `screen` (desk, queue, find or history).

    The workspace is built once (its five-tab form and panes: 0.5-1 s of the UI thread) and kept (installed), then
    shown again for each case, emptied of the last. A second case opened while the kept one is on a screen stack
    (a linked case from a case) gets a workspace of its own."""
    from calldesk.screens.case.screen import CaseScreen

    app = screen.app
    kept = app.get_screen(KEPT) if app.is_screen_installed(KEPT) else None
    if isinstance(kept, CaseScreen) and kept.reusable and not _stacked(app, kept):
        kept.show_case(case_number)
        app.push_screen(kept)
        return
    workspace = app.styled_as_now(CaseScreen(case_number, screen.desk))  # type: ignore[attr-defined]
    if kept is None:
        app.install_screen(workspace, KEPT)
    app.push_screen(workspace)


def _stacked(app: Any, workspace: Screen[Any]) -> bool:
    """True when `workspace` is on a screen stack of any of the app's modes (shown, or under another screen)."""
    return any(workspace in stack for stack in app._screen_stacks.values())
