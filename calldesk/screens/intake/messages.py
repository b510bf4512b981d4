"""Messages the intake screen's thread workers post back to it (messages up, attributes down).

Each names the call it belongs to (its client id): one intake screen takes call after call, and a worker of a
call that has ended may still answer; the screen acts only on its current call's answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from calldesk.errors import CalldeskError
from calldesk.screens.intake.call import CallerLookup, ConsentView

if TYPE_CHECKING:
    from calldesk.models import CasePublic
    from calldesk.store.services.calls import SavedCase


class CallMessage(Message):
    """An answer for the call `client_id`."""

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id


class CallerLooked(CallMessage):
    """The caller's earlier cases were fetched."""

    def __init__(self, client_id: str, lookup: CallerLookup) -> None:
        super().__init__(client_id)
        self.lookup = lookup


class CallSaved(CallMessage):
    """A save finished: the case as saved (None when nothing was written), and any refusal along the way."""

    def __init__(self, client_id: str, saved: SavedCase | None, refusal: CalldeskError | None, *,
                 leave: bool) -> None:
        super().__init__(client_id)
        self.saved = saved
        self.refusal = refusal
        self.leave = leave


class ConsentChecked(CallMessage):
    """The Confidentiality tab's state after an action or a check."""

    def __init__(self, client_id: str, view: ConsentView) -> None:
        super().__init__(client_id)
        self.view = view


class AbuseRecorded(CallMessage):
    """The abuse mark reached the store (the case, if one was saved)."""

    def __init__(self, client_id: str, case: CasePublic | None) -> None:
        super().__init__(client_id)
        self.case = case


class DraftKept(CallMessage):
    """The draft was written before leaving the call (`then` is "leave" or "quit")."""

    def __init__(self, client_id: str, then: str) -> None:
        super().__init__(client_id)
        self.then = then


class CaseResumed(CallMessage):
    """The saved case a resumed draft belongs to was read back."""

    def __init__(self, client_id: str, case: CasePublic) -> None:
        super().__init__(client_id)
        self.case = case


class Refused(CallMessage):
    """A service refused: shown as a banner (and next to the field), with the form kept as typed. `step`: what was
    not done, for a step the agent took beside the form (a button on a tab): the refusal then names it and leaves
    the cursor where the agent is, instead of taking it to the field named."""

    def __init__(self, client_id: str, error: CalldeskError, step: str = "") -> None:
        super().__init__(client_id)
        self.error = error
        self.step = step
