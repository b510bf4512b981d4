"""Requests from the web (the Service Request form, Open311 clients): opened as cases by the same save as a call,
and read back as their public status only (never the claim, never anyone's personal data)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from calldesk.errors import InvalidInput, NotFound
from calldesk.models import Case, ClockEvent, utcnow
from calldesk.rules.profile import Profile
from calldesk.rules.web_form import WebRequest
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor
from calldesk.store.read.one_case import get_case
from calldesk.store.services.calls import CallSave, save_call

PUBLIC_EVENTS = {"acknowledge": "acknowledged", "written_response": "responded"}


@dataclass(frozen=True)
class Submitted:
    """What the constituent is told: the request's number; `abuse_suspected`: a person will call them."""

    case_number: str
    abuse_suspected: bool


@dataclass(frozen=True)
class PublicStatus:
    """A request as the public may see it: its number, topic, status, dates and public updates (no text typed
    by anyone, no names, no contact details)."""

    case_number: str
    category: str | None
    status: str
    opened_at: datetime
    updated_at: datetime
    resolve_by: datetime | None
    closed_at: datetime | None
    updates: list[tuple[str, datetime]] = field(default_factory=list)


def submit_request(uow: UnitOfWork, *, actor: Actor, profile: Profile, request: WebRequest,
                   client_id: str | None = None) -> Submitted:
    """Open the request's case through the call's own save (routing, repeat caller, reportability, the profile's
    steps such as OC's two-day review of web items); one transaction. Text pointing to abuse was already emptied
    (calldesk.rules.web_form): the case is marked, urgent, with a call back to the reporter."""
    if request.errors:
        raise InvalidInput(next(iter(request.errors.values())), field=next(iter(request.errors)))
    # The same form sent again (a double click, a reload) is the request it opened, unchanged (opens_only).
    data = CallSave(client_id=client_id or uuid.uuid4().hex, opened_at=utcnow(), fields=dict(request.fields),
                    abuse_marked=request.abuse_suspected, opens_only=True)
    saved = save_call(uow, actor=actor, profile=profile, data=data)
    return Submitted(saved.case.case_number, request.abuse_suspected)


def _public(case: Case, events: list[tuple[str, datetime]]) -> PublicStatus:
    updates = [("received", case.opened_at), *events]
    if case.status == "closed" and case.closed_at is not None:
        updates.append(("closed_on", case.closed_at))
    return PublicStatus(case.case_number, case.category, case.status, case.opened_at, case.updated_at,
                        case.resolve_by, case.closed_at, updates)


def public_status(session: Session, *, viewer: Actor, case_number: str) -> PublicStatus:
    """The public status of one request `viewer` (the web front's own login) may see; NotFound otherwise."""
    case = get_case(session, case_number, viewer=viewer)
    if case.channel != "web_form":
        raise NotFound(f"No request numbered {case_number}.")
    rows = session.exec(select(ClockEvent.kind, ClockEvent.at).where(
        ClockEvent.case_id == case.id, col(ClockEvent.event) == "met",
        col(ClockEvent.kind).in_(list(PUBLIC_EVENTS))).order_by(col(ClockEvent.at)))
    return _public(case, [(PUBLIC_EVENTS[kind], at) for kind, at in rows])


def public_requests(session: Session, *, viewer: Actor, since: datetime | None = None,
                    until: datetime | None = None, status: str | None = None, numbers: list[str] | None = None,
                    categories: list[str] | None = None, limit: int = 200) -> list[PublicStatus]:
    """Web requests `viewer` may see, newest first (Open311's GET requests): public fields only; of `categories`
    when some are given."""
    from calldesk.store.db.visibility import sees

    query = select(Case).where(Case.channel == "web_form", sees(viewer))
    if categories:
        query = query.where(col(Case.category).in_(categories))
    if since is not None:
        query = query.where(col(Case.opened_at) >= since)
    if until is not None:
        query = query.where(col(Case.opened_at) <= until)
    if status is not None:
        query = query.where(Case.status == status)
    if numbers:
        query = query.where(col(Case.case_number).in_(numbers))
    cases = list(session.exec(query.order_by(col(Case.opened_at).desc()).limit(limit)))
    return [_public(case, []) for case in cases]
