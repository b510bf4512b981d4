"""Finding cases and My work, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from calldesk.errors import RuleRefused, StaleCase, UnknownUser
from calldesk.models import CallbackCreate
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.my_work import my_work
from calldesk.store.read.search import case_view, find_cases, list_cases
from calldesk.store.services.assignments import reassign
from calldesk.store.services.callbacks import add_callback
from calldesk.store.services.cases import close_case
from tests.integration.helpers import at, call, lausd


def _numbers(store: Store, text: str, **options: object) -> list[str]:
    with store.uow(readonly=True) as uow:
        return [c.case_number for c in find_cases(uow.session, text, viewer=store.actor(),  # type: ignore[arg-type]
                                                  **options)]


def _work(store: Store, who: str, **options: object) -> list:  # type: ignore[type-arg]
    with store.uow(readonly=True) as uow:
        from calldesk.store.db.users import actor_for

        return my_work(uow.session, profile=lausd(), viewer=actor_for(uow.session, who), **options)  # type: ignore[arg-type]


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
        assert [c.case_number for c in list_cases(uow.session, viewer=agent, status="closed")] == [case.case_number]
        assert list_cases(uow.session, viewer=agent, status="open") == []
        assert len(list_cases(uow.session, viewer=agent, status="all")) == 1


def test_assignment_reaches_the_assignees_work_and_refuses_stale_closed_and_unknown(
        store: Store, staff: dict[str, Actor]) -> None:
    case = call(store, staff["agent"], call_type="concern", category="Transportation", opened_at=at(2026, 11, 23)).case
    assert case.assigned_to == "pat"  # routed: the one program specialist at work
    now = at(2026, 11, 23, 11)
    assert _work(store, "sam", now=now) == []
    assert {(w.kind, w.case_number) for w in _work(store, "pat", now=now)} >= {("case", case.case_number)}
    with store.uow() as uow, pytest.raises(StaleCase):
        reassign(uow, actor=staff["supervisor"], case_number=case.case_number, to_user="sam",
                 expected_version=case.version - 1)
    with store.uow() as uow, pytest.raises(UnknownUser):
        reassign(uow, actor=staff["supervisor"], case_number=case.case_number, to_user="nobody")
    with store.uow() as uow:
        moved = reassign(uow, actor=staff["supervisor"], case_number=case.case_number, to_user="sam",
                         expected_version=case.version)
    assert moved.assigned_to == "sam" and moved.version == case.version + 1
    work = _work(store, "sam", now=now)
    kinds = {(w.kind, w.case_number) for w in work}
    assert ("case", case.case_number) in kinds and ("follow-up", case.case_number) in kinds
    assert not any(w.overdue for w in work)
    later = _work(store, "sam", now=now + timedelta(days=30))
    assert all(w.overdue for w in later if w.due is not None)
    # Neither the agent who opened it nor pat, who had it, has it any more.
    for who in ("ana", "pat"):
        assert all(w.case_number != case.case_number for w in _work(store, who, now=now))
    with store.uow(readonly=True) as uow:
        view = case_view(uow.session, case.case_number, viewer=staff["supervisor"])
        assert [(e.action, e.changes) for e in view.history if e.action == "case.reassign"] == [
            ("case.reassign", {"assigned_to": ("pat", "sam")})]
    with store.uow() as uow, pytest.raises(RuleRefused, match="already assigned to sam"):
        reassign(uow, actor=staff["supervisor"], case_number=case.case_number, to_user="sam")


def test_my_work_lists_callbacks_due_and_the_case_view_shows_links(store: Store, staff: dict[str, Actor]) -> None:
    first = call(store, staff["agent"], category="Transportation", school="Roosevelt High",
                 opened_at=at(2026, 11, 23)).case
    repeat = call(store, staff["agent"], category="Transportation", school="Roosevelt High",
                  opened_at=at(2026, 11, 24)).case
    with store.uow() as uow:
        add_callback(uow, actor=staff["agent"], profile=lausd(),
                     data=CallbackCreate(caller_name="Rosa Diaz", phone="2135550142", urgent=True,
                                         received_at=at(2026, 11, 24, 10, 30),  # (after the case opened)
                                         case_number=repeat.case_number))
    work = _work(store, "ana", now=at(2026, 11, 24, 12))
    callback = next(w for w in work if w.kind == "callback")
    assert callback.overdue and callback.case_number == repeat.case_number and "Rosa Diaz" in callback.what
    assert work[0].due is not None and work[0].due <= (work[-1].due or work[0].due)
    with store.uow(readonly=True) as uow:
        links = case_view(uow.session, repeat.case_number, viewer=staff["agent"]).links
        assert [(link.kind, link.other, link.direction) for link in links] == [("repeat", first.case_number, "to")]
        back = case_view(uow.session, first.case_number, viewer=staff["agent"]).links
        assert [(link.kind, link.other, link.direction) for link in back] == [("repeat", repeat.case_number, "from")]


def test_my_work_reads_only_the_soonest_cases(store: Store, staff: dict[str, Actor]) -> None:
    """Bounded: the agent's open cases come soonest first, `limit` of them (a bulk import's opener had 300k)."""
    opened = [call(store, staff["agent"], call_type="concern", category="Transportation", caller_name=f"Rosa {n}",
                   phone=f"213555017{n}", opened_at=at(2026, 11, 23 - n)).case for n in range(3)]
    now = at(2026, 11, 23, 11)
    every = [w for w in _work(store, "pat", now=now) if w.kind == "case"]
    two = [w for w in _work(store, "pat", now=now, limit=2) if w.kind == "case"]
    assert len(every) == 3 and {w.case_number for w in every} == {c.case_number for c in opened}
    assert [w.case_number for w in two] == [w.case_number for w in every[:2]]


def test_find_by_any_word_of_the_name_accents_and_case_aside(store: Store, staff: dict[str, Actor]) -> None:
    """Issue 23 item 11 (both backends): any word's start, accents and case aside; the other fields unchanged."""
    agent = staff["agent"]
    maria = call(store, agent, caller_name="Maria Lopez", phone="213-555-0142").case
    jose = call(store, agent, caller_name="José María LÓPEZ-Núñez", phone="213-555-0143").case
    other = call(store, agent, caller_name="Lopezia Smith", phone="213-555-0144", school="Garfield High").case
    # By hand: "lopez" starts a word of Maria Lopez and of José María López-Núñez (accents dropped, the hyphen
    # splits words), and the first word of Lopezia Smith; the newest first (all open).
    assert _numbers(store, "Lopez") == [other.case_number, jose.case_number, maria.case_number]
    assert _numbers(store, "jose") == [jose.case_number]  # "José" without its accent
    assert _numbers(store, "JOSÉ") == [jose.case_number]
    assert _numbers(store, "nunez") == [jose.case_number]  # a later word
    assert _numbers(store, "maria lop") == [jose.case_number, maria.case_number]  # every word starts one of its words
    assert _numbers(store, "smith garf") == []  # words of the name, not of the school
    assert _numbers(store, "opez") == []  # the start of a word, not its middle
    assert _numbers(store, "Garfield") == [other.case_number]
