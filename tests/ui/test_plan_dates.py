"""A case's plan (the work menu's p): its steps fall between today and the case's resolution target, in one rule
(rules.followup.plan_window / plan_due) that the dialog shows before anything is typed, the work menu dims the
action by, and the service refuses with. Before: a plan was saved after the target had passed, with steps dated in
the past, without a word."""

from __future__ import annotations

from datetime import timedelta

from calldesk.profiles import load_profile
from calldesk.rules.vocabulary import utcnow
from calldesk.screens.case.menu import offers_for
from calldesk.screens.case.progress_dialogs import PlanDialog
from calldesk.screens.desk_state import Desk
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.search import case_view
from tests.integration.helpers import call
from tests.ui.test_case_work import work_in

LAUSD = load_profile("lausd")


def _desk(store: Store, actor: Actor) -> Desk:
    return Desk(LAUSD, utcnow, store=store, actor=actor)  # (today as the service counts it)


async def test_no_plan_once_the_resolution_target_has_passed(desk_store: Store, staff: dict[str, Actor]) -> None:
    pat = staff["program_specialist"]
    opened = utcnow() - timedelta(days=60)  # a concern resolves within 10 days: long past
    number = call(desk_store, pat, call_type="concern", category="Transportation", opened_at=opened).case.case_number
    step_day = (opened + timedelta(days=2)).date().isoformat()  # before the target (and before today)
    result, state, refusal = await work_in(PlanDialog(_desk(desk_store, pat), number), f"Call the office@{step_day}")
    assert "The resolution target passed" in state  # said before anything is typed
    assert result is None and "no plan fits now" in refusal
    with desk_store.uow(readonly=True) as uow:
        view = case_view(uow.session, number, viewer=pat)
    offer = offers_for(pat, LAUSD, view, _desk(desk_store, pat).today())["p"]
    assert not offer.allowed and "The resolution target passed" in offer.reason  # the work menu: dimmed, why


async def test_a_plan_step_is_today_or_later(desk_store: Store, staff: dict[str, Actor]) -> None:
    pat = staff["program_specialist"]
    number = call(desk_store, pat, call_type="concern", category="Transportation",
                  opened_at=utcnow() - timedelta(hours=1)).case.case_number
    desk = _desk(desk_store, pat)
    yesterday = (desk.today() - timedelta(days=1)).isoformat()
    result, state, refusal = await work_in(PlanDialog(desk, number), f"Call the office@{yesterday}")
    assert "Each step: a day from today to end of" in state
    assert result is None and "is past: a step is what will be done, on a day from today to" in refusal
    result, _, _ = await work_in(PlanDialog(desk, number), f"Call the office@{desk.today().isoformat()}")
    assert result == f"Case {number}: plan of 1 step(s) saved."
