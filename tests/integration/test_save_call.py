"""Saving a call is one service command, one transaction, one commit; the preview routes as the store does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from calldesk.errors import MissingFields, PermissionDenied
from calldesk.models import AuditEvent, Case, Draft, FollowUp, Resolution
from calldesk.rules.repeat import CallerKey, detect_repeat
from calldesk.rules.routing import route
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.queries import priors_for_caller
from calldesk.store.services import drafts
from calldesk.store.services.calls import CallSave, SavedCase, save_call
from tests.integration.helpers import at, call, lausd


def _count(store: Store, model: type) -> int:
    with store.uow(readonly=True) as uow:
        return int(uow.session.exec(select(func.count()).select_from(model)).one())


def _save(store: Store, actor: Actor, **values: Any) -> SavedCase:
    with store.uow() as uow:
        return save_call(uow, actor=actor, profile=lausd(), data=CallSave(**values))


CONCERN = {"caller_name": "Dana Whitfield", "phone": "2135550188", "call_type": "concern",
           "category": "Student placement", "claim": "Placed at a school 40 minutes away."}


def test_a_save_refused_at_the_close_step_leaves_nothing_written(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    with store.uow() as uow:
        drafts.save_draft(uow, actor=agent, client_id="call-1", form=CONCERN)
    events = _count(store, AuditEvent)
    # Open, follow-up entry and resolution all pass; the close is refused (a concern is a program specialist's).
    with pytest.raises(PermissionDenied, match="only they, their assignee or a supervisor"):
        _save(store, agent, client_id="call-1", opened_at=at(2026, 11, 23), fields=CONCERN,
              follow_up_done="Called the school", response="She will be moved", close=True)
    assert (_count(store, Case), _count(store, FollowUp), _count(store, Resolution)) == (0, 0, 0)
    assert _count(store, AuditEvent) == events
    assert _count(store, Draft) == 1, "the draft stays: nothing typed is lost"


def test_a_saved_call_is_one_commit(store: Store, staff: dict[str, Actor]) -> None:
    commits: list[int] = []
    event.listen(store.engine, "commit", lambda _conn: commits.append(1))
    saved = _save(store, staff["supervisor"], client_id="call-2", opened_at=at(2026, 11, 23), fields=CONCERN,
                  follow_up_done="Called the school", follow_up_pending="Wait for the principal",
                  response="She will be moved", outcome="resolved", close=True)
    # One commit for the call (on PostgreSQL its case number is taken first by one autocommit statement of its own,
    # calldesk.store.db.numbering: desks saving at once do not wait for one another's saves).
    assert len(commits) == 1
    assert saved.case.status == "closed" and saved.created and saved.follow_up_added
    assert [(f.done, f.pending) for f in saved.follow_ups] == [("Called the school", "Wait for the principal")]
    with store.uow(readonly=True) as uow:
        resolution = uow.session.exec(select(Resolution)).one()
    assert (resolution.response, resolution.outcome) == ("She will be moved", "resolved")
    assert _count(store, Draft) == 0


def test_an_edit_after_the_save_changes_the_case_and_removes_the_draft(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    first = _save(store, agent, client_id="call-3", opened_at=at(2026, 11, 23), fields=CONCERN)
    with store.uow() as uow:
        drafts.save_draft(uow, actor=agent, client_id="call-3", form={**CONCERN, "claim": "More detail"})
    again = _save(store, agent, client_id="call-3", opened_at=at(2026, 11, 23), fields={**CONCERN, "claim": "More"},
                  case_number=first.case.case_number, expected_version=first.case.version)
    assert again.case.claim == "More" and not again.created and _count(store, Draft) == 0
    # A retried first save (its answer lost) changes the case it opened; it never opens a second one.
    retried = _save(store, agent, client_id="call-3", opened_at=at(2026, 11, 23), fields={**CONCERN, "claim": "x"})
    assert retried.case.case_number == first.case.case_number and _count(store, Case) == 1


def test_every_missing_field_is_refused_at_once_and_nothing_is_written(store: Store, staff: dict[str, Actor]) -> None:
    with pytest.raises(MissingFields) as refused:
        _save(store, staff["agent"], client_id="call-4", opened_at=at(2026, 11, 23), fields={"phone": "2135550142"},
              close=True)
    assert refused.value.fields == {"category": "Pick the call's category.",
                                    "response": "Write the response/resolution on the Resolution tab."}
    assert "\n" not in refused.value.message and refused.value.field == "category"
    with pytest.raises(MissingFields) as concern:
        _save(store, staff["agent"], client_id="call-5", opened_at=at(2026, 11, 23),
              fields={"call_type": "concern", "category": "Transportation"})
    assert set(concern.value.fields) == {"caller_name", "claim"}
    with pytest.raises(MissingFields) as inquiry:
        _save(store, staff["agent"], client_id="call-6", opened_at=at(2026, 11, 23), response="Bus 12 is late",
              fields={"caller_name": "Maria Gomez", "category": "Transportation"}, close=True)
    assert set(inquiry.value.fields) == {"subcategory"}
    assert _count(store, Case) == 0
    closed = _save(store, staff["agent"], client_id="call-6", opened_at=at(2026, 11, 23), response="Bus 12 is late",
                   fields={"caller_name": "Maria Gomez", "category": "Transportation",
                           "subcategory": "Late or missed bus"}, close=True)
    assert closed.case.status == "closed"


ROUTES: list[dict[str, Any]] = [
    {"call_type": "inquiry", "category": "Enrollment"},
    {"call_type": "inquiry", "category": "Enrollment", "needs_follow_up": True},
    {"call_type": "compliment", "category": "Academics"},
    {"call_type": "concern", "category": "Special education (CSE)", "claim": "No aide"},
    {"call_type": "complaint", "category": "Transportation", "claim": "No bus", "source": "superintendent"},
    {"call_type": "complaint", "category": "Student placement", "claim": "Hearing", "due_process": True},
    {"call_type": "concern", "category": "Attendance", "claim": "Unsafe", "safety": True},
    {"call_type": "inquiry", "category": "Transportation", "caller_name": "Maria Gomez", "claim": "Late again"},
]


@pytest.mark.parametrize("form", ROUTES)
def test_the_preview_and_the_stored_case_agree(store: Store, staff: dict[str, Actor], form: dict[str, Any]) -> None:
    agent = staff["agent"]
    call(store, agent, caller_name="Maria Gomez", phone="2135550142", category="Transportation",
         opened_at=at(2026, 11, 16))  # an earlier call: the last row is a repeat caller
    opened = at(2026, 11, 23, 10)
    fields = {"phone": "2135550199", "caller_name": "Ivan Petrov", **form}
    with store.uow(readonly=True) as uow:  # what the intake screen previews, from what it has looked up
        key = CallerKey(None, None, fields["caller_name"])
        priors = priors_for_caller(uow.session, key, since_days=30, now=opened)
    repeat = detect_repeat(lausd(), caller=key, category=fields.get("category"), school=None, opened_at=opened,
                           priors=priors)
    preview = route(lausd(), fields=fields, opened_at=opened, repeat=repeat)
    if fields["caller_name"] == "Maria Gomez":
        assert repeat is not None and preview.call_type == "concern"
    stored = _save(store, agent, client_id="route", opened_at=opened, fields=fields).case
    assert (stored.call_type, stored.tier, stored.owner_role) == (
        preview.call_type, preview.decision.tier, preview.decision.owner_role)
    deadlines = preview.decision.deadlines
    for name in ("respond_by", "acknowledge_by", "next_follow_up_by", "resolve_by", "resolve_max"):
        want: datetime | None = getattr(deadlines, name)
        assert getattr(stored, name) == want, name
    assert stored.status == ("closed" if preview.decision.close_now else "open")
    assert stored.reportable == preview.report.reportable


def test_due_process_closes_on_save_without_asking_for_a_response(store: Store, staff: dict[str, Actor]) -> None:
    saved = _save(store, staff["agent"], client_id="dp", opened_at=at(2026, 11, 23), close=True,
                  fields={**CONCERN, "call_type": "complaint", "due_process": True})
    assert (saved.case.status, saved.case.close_reason) == ("closed", "already in due process")
