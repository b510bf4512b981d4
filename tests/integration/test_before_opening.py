"""Nothing about a case comes before the call that opened it: a step done, a plan step due or an appeal received
before the opening is refused in one sentence naming the opening (rules.typed_dates.not_before_opening, applied by
each service), and nothing is written; the opening's own minute (or day) is kept. A message about the case may have
come in before it was opened, and is due from its receipt. Both backends."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from calldesk.errors import InvalidInput
from calldesk.models import CallbackCreate, Escalation, PlanStep, ResolutionUpdate
from calldesk.profiles import load_profile
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.one_case import get_case
from calldesk.store.read.step_states import recorded_steps
from calldesk.store.services import escalation
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.callbacks import add_callback
from calldesk.store.services.case_steps import record_step
from calldesk.store.services.cases import close_case
from calldesk.store.services.clocks import set_plan
from tests.integration.helpers import LA, at, call, lausd

ROCHESTER = load_profile("rochester")
AREA = load_profile("area_offices")


def _version(store: Store, number: str) -> int:
    with store.uow(readonly=True) as uow:
        return get_case(uow.session, number, viewer=None).version


def _refused(store: Store, number: str, act: Any, words: str, field: str) -> None:
    """`act(uow)` is refused with `words` (the opening's year said only when it is not this year's), naming
    `field`, and the case is as it was."""
    before = _version(store, number)
    with store.uow() as uow, pytest.raises(InvalidInput) as refused:
        act(uow)
    assert re.fullmatch(words, refused.value.message), refused.value.message
    assert refused.value.field == field
    assert _version(store, number) == before


def test_a_step_done_before_the_case_was_opened_is_refused(store: Store, staff: dict[str, Actor]) -> None:
    # Rochester keeps New York time: opened Mon 30 Nov 2026 09:30 there (06:30 in Los Angeles).
    number = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                  opened_at=at(2026, 11, 30, 6, 30)).case.case_number

    def done_at(when: Any) -> Any:
        return lambda uow: record_step(uow, actor=staff["agent"], profile=ROCHESTER, case_number=number,
                                       step="determination_told", party="Mrs. Gomez", note="Mediation",
                                       happened_at=when)

    for when in (at(2001, 1, 1), at(2026, 11, 30, 6, 29)):  # years before; a minute before
        _refused(store, number, done_at(when), r"The step cannot be done before the case was opened "
                 r"\(Mon 30 Nov( 2026)? 09:30\): give a later time\.", "happened_at")
    with store.uow(readonly=True) as uow:
        assert recorded_steps(uow.session, get_case(uow.session, number, viewer=None).id) == []
    with store.uow() as uow:  # the minute it was opened is not before it
        assert done_at(at(2026, 11, 30, 6, 30))(uow).happened_at == at(2026, 11, 30, 6, 30)


def test_a_plan_step_due_before_the_case_was_opened_is_refused(store: Store, staff: dict[str, Actor]) -> None:
    pat = staff["program_specialist"]
    # Opened tomorrow at 09:00 in Los Angeles (a plan's step is today or later: rules.followup.plan_due; only a case
    # opened ahead of today leaves a day that is neither past nor after the opening).
    today = datetime.now(LA).date()
    opening = at(*(today + timedelta(days=1)).timetuple()[:3], 9)
    number = call(store, pat, call_type="concern", category="Transportation", opened_at=opening).case.case_number

    def plan(*days: date) -> Any:
        return lambda uow: set_plan(uow, actor=pat, profile=lausd(), case_number=number, expected_version=None,
                                    steps=[(f"Step {n}", day) for n, day in enumerate(days)])

    for days in ((today,), (opening.date() + timedelta(days=1), today)):  # alone; beside a good one
        _refused(store, number, plan(*days), r"A step of the plan cannot be due before the case was opened "
                 r"\(\w{3} \d+ \w{3}( \d{4})? 09:00\): give a later date\.", "step")
    with store.uow(readonly=True) as uow:
        assert list(uow.session.exec(select(PlanStep))) == []
    with store.uow() as uow:  # due by the end of the day it was opened: after the opening
        assert [row.step for row in plan(opening.date())(uow)] == ["Step 0"]


def test_an_appeal_received_before_the_case_was_opened_is_refused(store: Store, staff: dict[str, Actor]) -> None:
    # Area Offices keep New York time: opened Mon 30 Nov 2026 12:00 there (09:00 in Los Angeles).
    number = call(store, staff["agent"], AREA, call_type="concern", category="Transportation",
                  opened_at=at(2026, 11, 30, 9)).case.case_number
    with store.uow() as uow:
        casework.set_resolution(uow, actor=staff["program_specialist"], case_number=number,
                                data=ResolutionUpdate(response="The route is restored from Monday."))
    with store.uow() as uow:
        close_case(uow, actor=staff["supervisor"], case_number=number, profile=AREA)
    _refused(store, number, lambda uow: escalation.appeal(
        uow, actor=staff["program_specialist"], profile=AREA, case_number=number, reason="Written appeal",
        received_at=at(2026, 11, 27)), r"The appeal cannot have been received before the case was opened "
        r"\(Mon 30 Nov( 2026)? 12:00\): give a later time\.", "received_at")
    with store.uow(readonly=True) as uow:
        case = get_case(uow.session, number, viewer=None)
        assert case.status == "closed" and list(uow.session.exec(select(Escalation))) == []


def test_a_message_about_a_case_received_before_it_was_opened_is_kept_due_from_its_receipt(
        store: Store, staff: dict[str, Actor]) -> None:
    # The one exception to the rule: a voicemail left at 08:59 and typed in later about the case a colleague opened
    # at 09:00 is a message about that case, due from when it came in (LA DCFS). It was refused, so the only way
    # to link it to its case was a later, untrue received time (returned "on time" when it was not).
    number = call(store, staff["agent"], opened_at=at(2026, 11, 30, 9)).case.case_number
    before = _version(store, number)
    with store.uow() as uow:
        taken = add_callback(uow, actor=staff["program_specialist"], profile=lausd(), data=CallbackCreate(
            caller_name="Maria Gomez", message="About the bus", case_number=number,
            received_at=at(2026, 11, 30, 8, 59)))
    # Received Mon 30 Nov 08:59, not urgent: due by the end of the next business day, Tue 1 Dec (Los Angeles).
    assert taken.received_at == at(2026, 11, 30, 8, 59) and taken.due_at == at(2026, 12, 1, 23, 59).replace(second=59)
    with store.uow(readonly=True) as uow:
        case = get_case(uow.session, number, viewer=None)
        assert taken.case_id == case.id and case.version == before + 1


def test_the_callers_own_attempt_before_calling_may_be_dated_before_the_opening(
        store: Store, staff: dict[str, Actor]) -> None:
    # Area Offices, Level One: the attempt at the building level is the caller's, before the call (the step says
    # `taken_by_caller`); the step confirming it may say when the parent went to the principal.
    number = call(store, staff["agent"], AREA, category="Enrollment", subcategory="New enrollment",
                  school="Roosevelt High", opened_at=at(2026, 11, 30, 9)).case.case_number
    with store.uow() as uow:
        row = record_step(uow, actor=staff["agent"], profile=AREA, case_number=number, step="building_attempt",
                          party="Principal Ortiz", happened_at=at(2026, 11, 20, 6, 30))
    assert row.happened_at == at(2026, 11, 20, 6, 30)
