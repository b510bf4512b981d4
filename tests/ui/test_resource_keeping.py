"""The coordinator keeps the resource directory from the desk (issue 22), and reads the quality reviews per
person: under Pilot, on the real store."""

from __future__ import annotations

from textual.app import App
from textual.widgets import DataTable, Input, OptionList, Static

from calldesk.models import QualityReviewCreate
from calldesk.profiles import load_profile
from calldesk.screens.desk_state import Desk
from calldesk.screens.resources import ResourceDirectory
from calldesk.screens.review_summary import ReviewSummaryScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.reference import resources, sync_reference
from calldesk.store.services.referrals_meetings_reviews import review_case
from tests.integration.helpers import call
from tests.ui.conftest import fixed_clock

LAUSD = load_profile("lausd")


class Host(App[None]):
    def __init__(self, screen: object) -> None:
        super().__init__()
        self.first = screen

    def on_mount(self) -> None:
        self.push_screen(self.first)  # type: ignore[arg-type]


async def test_a_supervisor_adds_an_entry_and_an_agent_has_no_such_key(store: Store, staff: dict[str, Actor]) -> None:
    with store.uow() as uow:
        sync_reference(uow, actor=staff["admin"], profile=LAUSD)
        uow.commit()
    app = Host(ResourceDirectory(Desk(LAUSD, fixed_clock, store=store, actor=staff["supervisor"])))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f6")
        await pilot.pause()
        for name, value in (("department", "Family Support Line"), ("response", "Parenting classes by phone."),
                            ("contact", "(213) 555-0100"), ("keywords", "parenting, classes")):
            app.screen.query_one(f"#entry-{name}", Input).value = value
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, ResourceDirectory)
    with store.uow(readonly=True) as uow:
        found = resources(uow.session, "lausd", "parenting")
    assert [(r.department, r.updated_by) for r in found] == [("Family Support Line", "sue")]
    app = Host(ResourceDirectory(Desk(LAUSD, fixed_clock, store=store, actor=staff["agent"])))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ResourceDirectory)  # no dialog for an agent
        assert app.screen.query_one(OptionList).option_count > 0


async def test_the_review_summary_screen_shows_each_person(store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], LAUSD).case.case_number
    with store.uow() as uow:
        review_case(uow, actor=staff["supervisor"], case_number=number, profile=LAUSD,
                    data=QualityReviewCreate(score=4, met=["contact_accurate"], comment="The nine others"))
    app = Host(ReviewSummaryScreen(Desk(LAUSD, fixed_clock, store=store, actor=staff["supervisor"])))
    async with app.run_test(size=(160, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#reviews", DataTable)
        row = table.get_row_at(0)
        # ana: one review, score 4; contact accuracy 1/1, coaching (the sixth point) 0/1.
        assert [str(c) for c in row[:4]] == ["ana", "1", "4.00", "1/1"] and str(row[8]) == "0/1"
        assert "1 of 1 people" in str(app.screen.query_one("#reviews-title", Static).render())
