"""What the case workspace asks of the store. Runs inside thread workers: no Textual here.

Every write is one service call (calldesk.store.*): a save is `calls.save_call`, an assignment `assignments.reassign`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from calldesk.models import CaseBase, CasePublic
from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.rules.profile import Profile
from calldesk.screens.context import Desk
from calldesk.store import calls
from calldesk.store.assignments import reassign
from calldesk.store.calls import CallSave
from calldesk.store.my_work import my_work
from calldesk.store.search import CaseView, case_view, find_cases

CASE_FIELDS = tuple(CaseBase.model_fields)


def load(desk: Desk, case_number: str) -> CaseView:
    from calldesk.store.case_steps import case_steps

    with desk.store.uow(readonly=True) as uow:
        view = case_view(uow.session, case_number, viewer=desk.actor)
        view.steps = case_steps(uow.session, profile=desk.profile, case=view.case)
        return view


def find(desk: Desk, text: str) -> list[CasePublic]:
    with desk.store.uow(readonly=True) as uow:
        return find_cases(uow.session, text, viewer=desk.actor)


def work_of(desk: Desk) -> list[Any]:
    with desk.store.uow(readonly=True) as uow:
        return my_work(uow.session, profile=desk.profile, viewer=desk.actor, now=desk.now(),
                       today=desk.today())


def staff(desk: Desk) -> list[Any]:
    """The active staff with their role, load and presence (the queue's assignment picker, practice's switch)."""
    from calldesk.store.queries import staff_board

    with desk.store.uow(readonly=True) as uow:
        return staff_board(uow.session, today=desk.today()).staff


def form_values(view: CaseView) -> dict[str, Any]:
    """The case as the five tabs show it (the form's control ids are the case's column names)."""
    case = view.case
    values: dict[str, Any] = {name: getattr(case, name) for name in CASE_FIELDS}
    values.update(followup_done="", followup_pending="")
    if view.resolution is not None:
        values.update(response=view.resolution.response, outcome=view.resolution.outcome,
                      alleged_violation=view.resolution.alleged_violation or "")
    if view.students:
        first = view.students[0]
        values.update(student_name=first.name, student_ref=first.student_ref or "", student_school=first.school or "")
    return values


def save(desk: Desk, view: CaseView, form: Mapping[str, Any], *, close: bool = False) -> CaseView:
    """Save the form with the one-transaction save command, against the version the user saw."""
    case = view.case
    data = CallSave.from_form(form, client_id=case.client_id, opened_at=case.opened_at, case=case,
                              abuse_marked=case.abuse_marked, close=close)
    with desk.store.uow() as uow:
        calls.save_call(uow, actor=desk.actor, profile=desk.profile, data=data)
    return load(desk, case.case_number)


def assign(desk: Desk, view: CaseView, to_user: str) -> CaseView:
    with desk.store.uow() as uow:
        reassign(uow, actor=desk.actor, case_number=view.case.case_number, to_user=to_user.strip(),
                 expected_version=view.case.version)
    return load(desk, view.case.case_number)


def history_lines(profile: Profile, view: CaseView) -> list[str]:
    """The audit trail in words, oldest first, at local times in the agency's time zone."""
    calendar = calendar_for(profile)
    lines = []
    for entry in view.history:
        when = f"{calendar.local(entry.at):%a %d %b %Y %H:%M}"
        where = f" [{entry.case_number}]" if entry.case_number != view.case.case_number else ""
        changed = "; ".join(f"{name}: {old} -> {new}" if old not in (None, "") else f"{name}: {new}"
                            for name, (old, new) in entry.changes.items())
        lines.append(inert(f"{when}{where}  {entry.actor}  {entry.action}" + (f" {changed}" if changed else "")))
    return lines


def link_lines(profile: Profile, view: CaseView) -> list[str]:
    calendar = calendar_for(profile)
    words = {("repeat", "to"): "repeat call of", ("repeat", "from"): "called again as",
             ("duplicate", "to"): "duplicate of", ("duplicate", "from"): "has duplicate",
             ("merged", "to"): "merged into", ("merged", "from"): "absorbed"}
    return [inert(f"{words.get((link.kind, link.direction), link.kind)} {link.other}  "
                  f"({calendar.local(link.at):%d %b %Y}){': ' + link.reason if link.reason else ''}")
            for link in view.links]


def step_lines(profile: Profile, view: CaseView, now: datetime) -> list[str]:
    """The protocol's steps for the case: done (when, with whom, by whom) or to do (by whom, by when)."""
    calendar = calendar_for(profile)
    lines = []
    for state in view.steps:
        due = f", due by {calendar.local(state.due):%a %d %b %H:%M}" if state.due else ""
        late = " LATE" if state.late(now) else ""
        row = state.recorded
        if row is None:
            lines.append(inert(f"[ ] {state.rule.label}: to do by {state.who}{due}{late}  ({state.rule.name})"))
        else:
            whom = f" with {row.party}" if row.party else ""
            said = f": {row.note}" if row.note else ""
            lines.append(inert(f"[x] {state.rule.label}: {calendar.local(row.happened_at):%a %d %b %Y %H:%M}{whom},"
                               f" recorded by {row.by_user}{late}{said}"))
    return lines
