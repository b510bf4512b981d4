"""What the case workspace asks of the store. Runs inside thread workers: no Textual here.

Every write is one service call (calldesk.store.*): a save is `calls.save_call`, an assignment `assignments.reassign`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from calldesk.models import CaseBase, CasePublic
from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.rules.profile import Profile
from calldesk.rules.shown import day_words, deadline_words, moment_words, phone_words
from calldesk.screens.desk_state import Desk
from calldesk.store.read.my_work import my_work
from calldesk.store.read.search import CaseView, case_view, find_cases
from calldesk.store.services import calls
from calldesk.store.services.calls import CallSave

CASE_FIELDS = tuple(CaseBase.model_fields)


def load(desk: Desk, case_number: str) -> CaseView:
    from calldesk.store.db.users import full_names
    from calldesk.store.read.step_states import case_steps

    with desk.store.uow(readonly=True) as uow:
        view = case_view(uow.session, case_number, viewer=desk.actor)
        view.steps = case_steps(uow.session, profile=desk.profile, case=view.case)
        view.names = full_names(uow.session, {entry.actor for entry in view.history})
        return view


def find(desk: Desk, text: str) -> list[CasePublic]:
    with desk.store.uow(readonly=True) as uow:
        return find_cases(uow.session, text, viewer=desk.actor)


def work_of(desk: Desk) -> list[Any]:
    with desk.store.uow(readonly=True) as uow:
        return my_work(uow.session, profile=desk.profile, viewer=desk.actor, now=desk.now(),
                       today=desk.today())


def staff(desk: Desk) -> list[Any]:
    """The active staff with their role, load, presence and whether they can sign in (the queue's assignment
    picker, practice's switch)."""
    from calldesk.store.read.queries import staff_board

    with desk.store.uow(readonly=True) as uow:
        return staff_board(uow.session, today=desk.today(), sign_ins=True).staff


def form_values(view: CaseView) -> dict[str, Any]:
    """The case as the five tabs show it (the form's control ids are the case's column names)."""
    case = view.case
    values: dict[str, Any] = {name: getattr(case, name) for name in CASE_FIELDS}
    values["phone"] = phone_words(case.phone)  # as the caller would write it (stored as +12135550142)
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


def history_lines(profile: Profile, view: CaseView, today: date) -> list[str]:
    """The case's history in words (rules.history), oldest first, at the agency's local times."""
    from calldesk.rules.history import history_sentences

    return history_sentences(view.history, this_case=view.case.case_number, tz=calendar_for(profile).tz,
                             today=today, names=view.names)


def link_lines(profile: Profile, view: CaseView, today: date) -> list[str]:
    """The case's links in words, each with its day (rules.shown: the year when not `today`'s)."""
    calendar = calendar_for(profile)
    words = {("repeat", "to"): "repeat call of", ("repeat", "from"): "called again as",
             ("duplicate", "to"): "duplicate of", ("duplicate", "from"): "has duplicate",
             ("merged", "to"): "merged into", ("merged", "from"): "absorbed"}
    return [inert(f"{words.get((link.kind, link.direction), link.kind)} {link.other}  "
                  f"({day_words(calendar.local(link.at).date(), this_year=today.year)})"
                  f"{': ' + link.reason if link.reason else ''}")
            for link in view.links]


def step_lines(profile: Profile, view: CaseView, now: datetime) -> list[str]:
    """The protocol's steps for the case: done (when, with whom, by whom) or to do (by whom, by when)."""
    calendar = calendar_for(profile)
    tz, today = calendar.tz, calendar.local(now).date()
    lines = []
    for state in view.steps:
        due = f", due {deadline_words(state.due, tz=tz, today=today)}" if state.due else ""
        late = " LATE" if state.late(now) else ""
        row = state.recorded
        if row is None:
            lines.append(inert(f"[ ] {state.rule.label}: to do by {state.who}{due}{late}  ({state.rule.name})"))
        else:
            whom = f" with {row.party}" if row.party else ""
            said = f": {row.note}" if row.note else ""
            lines.append(inert(f"[x] {state.rule.label}: {moment_words(row.happened_at, tz=tz, today=today)}{whom},"
                               f" recorded by {row.by_user}{late}{said}"))
    return lines
