"""Small builders shared by the store's integration tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from calldesk.models import CaseCreate
from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import CaseOutcome, open_case

LA = ZoneInfo("America/Los_Angeles")


def lausd() -> Profile:
    return load_profile("lausd")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in Los Angeles (the LAUSD profile's zone)."""
    return datetime(year, month, day, hour, minute, tzinfo=LA)


def call(store: Store, actor: Actor, profile: Profile | None = None, **fields: Any) -> CaseOutcome:
    """Open a case through the service layer, with sensible caller details (and what the profile requires of
    every case: a category; of a concern or complaint: a claim) unless given."""
    values: dict[str, Any] = {"caller_name": "Maria Gomez", "phone": "(213) 555-0142", "call_type": "inquiry",
                              "category": "Enrollment"}
    values.update(fields)
    # A claim too (a concern or complaint needs one, and a repeat caller's inquiry is promoted to a concern).
    values.setdefault("claim", "The caller says the school did not answer her letters.")
    with store.uow() as uow:
        return open_case(uow, actor=actor, profile=profile or lausd(), data=CaseCreate(**values))


def submit_letter(store: Store, actor: Actor, number: str, text: str | None = None,
                  profile: Profile | None = None) -> None:
    """The drafter writes the response letter's text (the profile's template filled from the case, unless `text`)
    and submits it for approval: what a supervisor must have before approving."""
    from calldesk.store.services.letters import draft_letter

    with store.uow() as uow:
        draft_letter(uow, actor=actor, profile=profile or lausd(), case_number=number, text=text, submit=True)
