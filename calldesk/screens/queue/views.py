"""The screens the supervisor queue opens with one key (the monthly report, quality reviews, trends, dashboard, the
caller log), and the messages its workers post back."""

from __future__ import annotations

from textual.message import Message
from textual.screen import Screen

from calldesk.screens.desk_state import Desk
from calldesk.screens.held_keys import hold_keys


class Said(Message):
    """A queue worker's outcome for the person (`severity` as notify takes it); `changed`: read the page again."""

    def __init__(self, text: str, severity: str = "information", *, changed: bool = False) -> None:
        super().__init__()
        self.text, self.severity, self.changed = text, severity, changed


class Refused(Message):
    """The store refused an assignment or escalation: its form opens again with what was typed and why."""

    def __init__(self, action: str, numbers: list[str], typed: str, reason: str) -> None:
        super().__init__()
        self.action, self.numbers, self.typed, self.reason = action, numbers, typed, reason


class QueueViews(Screen[None]):
    """The queue's keys to the other supervisor screens (a base of QueueScreen)."""

    desk: Desk

    def action_monthly_report(self) -> None:
        from calldesk.screens.reports import ReportScreen

        hold_keys(self)  # a month typed while the report comes up goes into its month box
        self.app.push_screen(ReportScreen(self.desk))

    def action_reviews(self) -> None:
        from calldesk.screens.review_summary import ReviewSummaryScreen

        self.app.push_screen(ReviewSummaryScreen(self.desk))

    def action_trends(self) -> None:
        from calldesk.screens.trends import TrendsScreen

        self.app.push_screen(TrendsScreen(self.desk))

    def action_dashboard(self) -> None:
        from calldesk.screens.dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen(self.desk))

    def action_phone_log(self) -> None:
        from calldesk.screens.phone_log import PhoneLogScreen

        self.app.push_screen(PhoneLogScreen(self.desk))
