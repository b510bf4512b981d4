"""Messages the intake screen's thread workers post back to it (messages up, attributes down)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from calldesk.errors import CalldeskError
from calldesk.screens.intake_call import CallerLookup, ConsentView, SavedCall

if TYPE_CHECKING:
    from calldesk.models import CasePublic


class CallerLooked(Message):
    """The caller's earlier cases were fetched."""

    def __init__(self, lookup: CallerLookup) -> None:
        super().__init__()
        self.lookup = lookup


class CallSaved(Message):
    """A save finished (perhaps partly refused: `saved.refusal`)."""

    def __init__(self, saved: SavedCall, *, leave: bool) -> None:
        super().__init__()
        self.saved = saved
        self.leave = leave


class ConsentChecked(Message):
    """The Confidentiality tab's state after an action or a check."""

    def __init__(self, view: ConsentView) -> None:
        super().__init__()
        self.view = view


class AbuseRecorded(Message):
    """The abuse mark reached the store (the case, if one was saved)."""

    def __init__(self, case: CasePublic | None) -> None:
        super().__init__()
        self.case = case


class DraftKept(Message):
    """The draft was written before leaving the call (`then` is "leave" or "quit")."""

    def __init__(self, then: str) -> None:
        super().__init__()
        self.then = then


class CaseResumed(Message):
    """The saved case a resumed draft belongs to was read back."""

    def __init__(self, case: CasePublic) -> None:
        super().__init__()
        self.case = case


class Refused(Message):
    """A service refused: shown as a banner (and next to the field), with the form kept as typed."""

    def __init__(self, error: CalldeskError) -> None:
        super().__init__()
        self.error = error
