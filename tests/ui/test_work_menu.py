"""The case's work menu offers only the work that applies to this case, this protocol and this person; the rest
is dimmed with the reason (calldesk.rules.case_work.may_work), and choosing it only says the reason."""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList, Static

from calldesk.screens.case.menu import CaseActionMenu
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import close_case
from tests.integration.helpers import call
from tests.ui.test_case_workspace import _open_case, _settle


async def test_an_agents_menu_on_a_closed_case_dims_escalate_with_the_reason(
        make_app: Any, desk_store: Store, staff: dict[str, Actor]) -> None:
    case = call(desk_store, staff["agent"], call_type="compliment").case
    with desk_store.uow() as uow:
        close_case(uow, actor=staff["agent"], case_number=case.case_number, reason="thanked")
    app = make_app(staff["agent"])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_case(pilot, app, case.case_number)
        await pilot.press("ctrl+g")
        await _settle(pilot, app)
        menu = app.screen
        assert isinstance(menu, CaseActionMenu)
        options = menu.query_one("#case-menu-options", OptionList)
        shown = {str(options.get_option_at_index(i).id): options.get_option_at_index(i) for i in
                 range(options.option_count)}
        # By hand: the case is closed, so escalating (an agent may, on an open case) is dimmed for that reason;
        # merging is not an agent's work at all (program specialists, specialists or supervisors);
        # the appeal of a closed case's decision stays offered (LAUSD sets no appeal window: dimmed for that).
        escalate = shown["e"]
        assert escalate.disabled and f"Case {case.case_number} is closed." in str(escalate.prompt)
        assert shown["g"].disabled and "Only program specialists or specialists or supervisors may merge" in \
            str(shown["g"].prompt)
        assert shown["u"].disabled and "sets no written appeal" in str(shown["u"].prompt)
        assert shown["q"].disabled and "Only supervisors may" in str(shown["q"].prompt)  # the quality review
        assert shown["f"].disabled and "is closed" in str(shown["f"].prompt)  # no follow-up on a closed case
        await pilot.press("e")  # chosen anyway: nothing opens, the reason is said
        await _settle(pilot, app)
        assert app.screen is menu
        said = str(menu.query_one("#case-menu-why", Static).render())
        assert f"Case {case.case_number} is closed." in said and said.startswith("Escalate")
        await pilot.press("escape")
        await _settle(pilot, app)
        assert app.screen is screen


async def test_a_supervisors_menu_on_an_open_case_offers_the_merge(make_app: Any, desk_store: Store,
                                                                    staff: dict[str, Actor]) -> None:
    from calldesk.screens.case.action_dialogs import MergeDialog

    case = call(desk_store, staff["agent"], call_type="concern", category="Transportation").case
    app = make_app(staff["supervisor"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_case(pilot, app, case.case_number)
        await pilot.press("ctrl+g")
        await _settle(pilot, app)
        menu = app.screen
        assert isinstance(menu, CaseActionMenu)
        offered = {key for key, offer in menu.offers.items() if offer.allowed}
        # By hand: open, not merged, no meeting yet (o dimmed), no student (s dimmed); LAUSD has a letter (l
        # offered), a ladder of two rungs above the desk (e offered), and one recorded step, for inquiries only
        # (t dimmed on this concern).
        assert {"e", "g", "m", "c", "l", "q"} <= offered and not {"o", "s", "t"} & offered
        await pilot.press("g")
        await _settle(pilot, app)
        assert isinstance(app.screen, MergeDialog)


async def test_actions_the_case_refuses_now_are_dimmed_in_their_rules_words(
        make_app: Any, desk_store: Store, staff: dict[str, Actor]) -> None:
    """A LAUSD complaint with no email address: no reply clock (an inquiry's), no acknowledgement or written response
    pending (LAUSD answers a complaint with its letter), nothing to extend, no email to send, no step to record
    (LAUSD's is for inquiries). Each dimmed with the sentence the service would refuse it with."""
    sam = staff["specialist"]
    case = call(desk_store, sam, call_type="complaint", category="Transportation", email=None).case
    app = make_app(sam)
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_case(pilot, app, case.case_number)
        await pilot.press("ctrl+g")
        await _settle(pilot, app)
        options = app.screen.query_one("#case-menu-options", OptionList)
        shown = {str(options.get_option_at_index(i).id): options.get_option_at_index(i) for i in
                 range(options.option_count)}
        number = case.case_number
        assert shown["y"].disabled and f"Case {number} is a complaint: it has no reply clock." in \
            str(shown["y"].prompt)
        for key in "knv":
            assert shown[key].disabled and f"Case {number} has no email address" in str(shown[key].prompt), key
        assert shown["t"].disabled and "no recorded steps" in str(shown["t"].prompt)
        for key in "awx":  # LAUSD runs neither clock on a complaint (its letter answers it)
            assert shown[key].disabled and "pending" in str(shown[key].prompt), key
        assert not shown["r"].disabled and not shown["l"].disabled
