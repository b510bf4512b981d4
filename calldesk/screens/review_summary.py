"""The quality review summed up per person, for supervisors (the queue's v): reviews, average score and how often
each point of the profile's checklist was met; the same read as `calldesk report reviews`."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from calldesk.rules.handling import review_points
from calldesk.screens.context import Desk
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.widgets.inert_text import plain

if TYPE_CHECKING:
    from calldesk.store.quality import PersonReviews


class ReviewSummaryScreen(ReportsWorkerFailures, Screen[None]):
    SUB_TITLE = "Quality reviews per person"
    HELP = ("One row per person whose work was reviewed: reviews, average score, and each checklist point as "
            "met/reviewed. r reads again; Escape goes back to the queue.")
    DEFAULT_CSS = """
    ReviewSummaryScreen DataTable { height: 1fr; }
    ReviewSummaryScreen Static { height: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="reviews.back", tooltip="Back to the supervisor queue"),
        Binding("r", "reload", "Read again", id="reviews.reload", tooltip="Read the reviews again"),
    ]

    class Loaded(Message):
        def __init__(self, people: list[PersonReviews]) -> None:
            super().__init__()
            self.people = people

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.points = review_points([(p.name, p.label) for p in desk.profile.review_checklist])

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the quality reviews...", id="reviews-title", markup=False)
        table: DataTable[str] = DataTable(id="reviews", zebra_stripes=True)
        table.add_columns("Person", "Reviews", "Average", *(label for _, label in self.points))
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from calldesk.store.quality import review_summary

        with self.desk.store.uow(readonly=True) as uow:
            people = review_summary(uow.session, viewer=self.desk.actor, profile=self.desk.profile)
        self.post_message(self.Loaded(people))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        table = self.query_one("#reviews", DataTable)
        table.clear()
        for p in event.people:
            marks = [f"{p.points.get(name, [0, 0])[0]}/{p.points.get(name, [0, 0])[1]}" for name, _ in self.points]
            table.add_row(plain(p.person), str(p.reviews), f"{p.average:.2f}", *marks)
        total = sum(p.reviews for p in event.people)
        self.query_one("#reviews-title", Static).update(
            f"Quality reviews: {total} of {len(event.people)} people; a point reads met/reviewed")
