"""The quality review summed up per person, for supervisors (the queue's v): reviews, average score and how often
each point of the profile's checklist was met; the same read as `calldesk report reviews`."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Footer, Header, Static

from calldesk.rules.handling import review_points
from calldesk.screens.read_screen import TableScreen, read_bindings
from calldesk.widgets.inert_text import plain

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.screens.desk_state import Desk
    from calldesk.store.read.quality import PersonReviews


class ReviewSummaryScreen(TableScreen["list[PersonReviews]"]):
    SUB_TITLE = "Quality reviews per person"
    HELP = ("One row per person whose work was reviewed: reviews, average score, and each checklist point as "
            "met/reviewed. r reads again; Escape goes back to the queue.")
    BINDINGS: ClassVar[list[BindingType]] = read_bindings("reviews", "Read the reviews again")

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.points = review_points([(p.name, p.label) for p in desk.profile.review_checklist])

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the quality reviews...", id="reviews-title", markup=False)
        table: DataTable[str] = DataTable(id="reviews", zebra_stripes=True)
        table.add_columns("Person", "Reviews", "Average", *(label for _, label in self.points))
        yield table
        yield Footer()

    def read(self, session: Session) -> list[PersonReviews]:
        from calldesk.store.read.quality import review_summary

        return review_summary(session, viewer=self.desk.actor, profile=self.desk.profile)

    def show(self, read: list[PersonReviews]) -> None:
        table = self.query_one("#reviews", DataTable)
        table.clear()
        for p in read:
            marks = [f"{p.points.get(name, [0, 0])[0]}/{p.points.get(name, [0, 0])[1]}" for name, _ in self.points]
            table.add_row(plain(p.person), str(p.reviews), f"{p.average:.2f}", *marks)
        total = sum(p.reviews for p in read)
        self.query_one("#reviews-title", Static).update(
            f"Quality reviews: {total} of {len(read)} people; a point reads met/reviewed")
