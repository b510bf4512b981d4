"""Finding cases and My work, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from calldesk.errors import RuleRefused, StaleCase, UnknownUser
from calldesk.models import CallbackCreate
from calldesk.store.callbacks import add_callback
from calldesk.store.cases import close_case, reassign
from calldesk.store.search import case_view, find_cases, list_cases, my_work
from calldesk.store.store import Store
from calldesk.store.users import Actor
from tests.integration.helpers import at, call, lausd


def _numbers(store: Store, text: str, **options: object) -> list[str]:
    with store.uow(readonly=True) as uow:
        return [c.case_number for c in find_cases(uow.session, text, **options)]  # type: ignore[arg-type]


def test_find_by_number_phone_any_way_email_name_prefix_and_school(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    rosa = call(store, agent, caller_name="Rosa Diaz", phone="213-555-0142", email="Rosa@Example.org",
                school="Roosevelt High").case
    other = call(store, agent, caller_name="Maria Gomez", phone="(310) 555-0199", school="Garfield High").case
    for typed in ("213-555-0142", "2135550142", "(213) 555 0142", "+1 213 555 0142"):
        assert _numbers(store, typed) == [rosa.case_number], typed
    assert _numbers(store, "rosa@example.ORG") == [rosa.case_number]
    assert _numbers(store, "ros") == [rosa.case_number]  # name prefix, any case
    assert _numbers(store, "  MARIA  go") == [other.case_number]
    assert _numbers(store, "Garfield") == [other.case_number]
    assert _numbers(store, "roosevelt") == [rosa.case_number]
    assert _numbers(store, other.case_number) == [other.case_number]
    year, number = other.case_number.split("-")
    assert _numbers(store, f"{year}-{int(number)}") == [other.case_number]  # without the zeros
    assert _numbers(store, "") == [] and _numbers(store, "nobody") == []
    assert _numbers(store, "x%") == []  # a wildcard is only a letter


def test_find_includes_closed_cases_unless_asked_not_to(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    case = call(store, agent, caller_name="Rosa Diaz", call_type="compliment", category="Enrollment").case
    with store.uow() as uow:
        close_case(uow, actor=agent, case_number=case.case_number, reason="thanked")
    assert _numbers(store, "Rosa") == [case.case_number]
    assert _numbers(store, "Rosa", include_closed=False) == []
    with store.uow(readonly=True) as uow:
        assert [c.case_number for c in list_cases(uow.session, status="closed")] == [case.case_number]
        assert list_cases(uow.session, status="open") == []
        assert len(list_cases(uow.session, status="all")) == 1


def test_assignment_reaches_the_assignees_work_and_refuses_stale_closed_and_unknown(
        store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], call_type="concern", category="Transportation", opened_at=at(2026, 11, 23)).case
    now = at(2026, 11, 23, 11)
    with store.uow(readonly=True) as uow:
        assert my_work(uow.session, profile=lausd(), username="pat", now=now) == []
    with store.uow() as uow, pytest.raises(StaleCase):
        reassign(uow, actor=staff["supervisor"], case_number=case.case_number, to_user="pat",
                 expected_version=case.version - 1)
    with store.uow() as uow, pytest.raises(UnknownUser):
        reassign(uow, actor=staff["supervisor"], case_number=case.case_number, to_user="nobody")
    with store.uow() as uow:
        moved = reassign(uow, actor=staff["supervisor"], case_number=case.case_number, to_user="pat",
                         expected_version=case.version)
    assert moved.assigned_to == "pat" and moved.version == case.version + 1
    with store.uow(readonly=True) as uow:
        work = my_work(uow.session, profile=lausd(), username="pat", now=now)
        kinds = {(w.kind, w.case_number) for w in work}
        assert ("case", case.case_number) in kinds and ("follow-up", case.case_number) in kinds
        assert not any(w.overdue for w in work)
        later = my_work(uow.session, profile=lausd(), username="pat", now=now + timedelta(days=30))
        assert all(w.overdue for w in later if w.due is not None)
        # The agent who opened it no longer has it.
        assert all(w.case_number != case.case_number
                   for w in my_work(uow.session, profile=lausd(), username="ana", now=now))
        view = case_view(uow.session, case.case_number)
        assert [(e.action, e.changes) for e in view.history if e.action == "case.reassign"] == [
            ("case.reassign", {"assigned_to": (None, "pat")})]
    with store.uow() as uow, pytest.raises(RuleRefused, match="already assigned to pat"):
        reassign(uow, actor=staff["supervisor"], case_number=case.case_number, to_user="pat")


def test_my_work_lists_callbacks_due_and_the_case_view_shows_links(store: Store, staff: dict[str, Actor]) -> None:
    first = call(store, staff["agent"], category="Transportation", school="Roosevelt High",
                 opened_at=at(2026, 11, 23)).case
    repeat = call(store, staff["agent"], category="Transportation", school="Roosevelt High",
                  opened_at=at(2026, 11, 24)).case
    with store.uow() as uow:
        add_callback(uow, actor=staff["agent"], profile=lausd(),
                     data=CallbackCreate(caller_name="Rosa Diaz", phone="2135550142", urgent=True,
                                         received_at=at(2026, 11, 24, 9), case_number=repeat.case_number))
    with store.uow(readonly=True) as uow:
        work = my_work(uow.session, profile=lausd(), username="ana", now=at(2026, 11, 24, 12))
        callback = next(w for w in work if w.kind == "callback")
        assert callback.overdue and callback.case_number == repeat.case_number and "Rosa Diaz" in callback.what
        assert work[0].due is not None and work[0].due <= (work[-1].due or work[0].due)
        links = case_view(uow.session, repeat.case_number).links
        assert [(link.kind, link.other, link.direction) for link in links] == [("repeat", first.case_number, "to")]
        back = case_view(uow.session, first.case_number).links
        assert [(link.kind, link.other, link.direction) for link in back] == [("repeat", repeat.case_number, "from")]


def test_my_work_reads_only_the_soonest_cases(store: Store, staff: dict[str, Actor]) -> None:
    """Bounded: the agent's open cases come soonest first, `limit` of them (a bulk import's opener had 300k)."""
    opened = [call(store, staff["agent"], call_type="concern", category="Transportation",
                   opened_at=at(2026, 11, 23 - n)).case for n in range(3)]
    now = at(2026, 11, 23, 11)
    with store.uow(readonly=True) as uow:
        every = [w for w in my_work(uow.session, profile=lausd(), username="ana", now=now) if w.kind == "case"]
        two = [w for w in my_work(uow.session, profile=lausd(), username="ana", now=now, limit=2)
               if w.kind == "case"]
    assert len(every) == 3 and {w.case_number for w in every} == {c.case_number for c in opened}
    assert [w.case_number for w in two] == [w.case_number for w in every[:2]]
