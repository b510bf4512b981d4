"""My work as the desk and `case mine` show it (issue 23 item 15): each case once with its next step in words,
deadlines as rules.shown says them; on SQLite and PostgreSQL."""

from __future__ import annotations

from calldesk.models import CallbackCreate
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.my_work import due_column, my_work, work_lines
from calldesk.store.services.callbacks import add_callback
from tests.integration.helpers import at, call, lausd


def test_each_case_once_with_its_next_step_in_words(store: Store, staff: dict[str, Actor]) -> None:
    pat = staff["program_specialist"]
    # A concern opened Mon 23 Nov 2026 10:00 (LAUSD, business days): routed to the program specialist, with a
    # follow-up entry due every 2 business days: the end of Wed 25 Nov, its soonest deadline.
    case = call(store, staff["agent"], call_type="concern", category="Transportation",
                opened_at=at(2026, 11, 23, 10)).case
    assert case.assigned_to == pat.username
    with store.uow() as uow:  # a message for pat with no case: a line of its own
        add_callback(uow, actor=pat, profile=lausd(), data=CallbackCreate(caller_name="Rosa Diaz",
                                                                           received_at=at(2026, 11, 23, 11)))
    now = at(2026, 11, 23, 12)
    with store.uow(readonly=True) as uow:
        items = my_work(uow.session, profile=lausd(), viewer=pat, now=now)
    assert len([i for i in items if i.case_number == case.case_number]) >= 2  # the case and its follow-up clock
    lines = work_lines(items)
    on_case = [line for line in lines if line.case_number == case.case_number]
    assert len(on_case) == 1, lines  # the case once
    [line] = on_case
    assert line.next == "write a follow-up entry" and not line.overdue
    assert due_column(line, profile=lausd(), today=now.date()) == "by end of Wed 25 Nov"
    assert "concern: Transportation" in line.what
    # The callback, due within one business day of 11:00 Mon 23 Nov: the end of Tue 24 Nov; it comes first.
    assert lines[0].case_number is None and lines[0].next == "call back Rosa Diaz"
    assert due_column(lines[0], profile=lausd(), today=now.date()) == "by end of Tue 24 Nov"
