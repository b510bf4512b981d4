"""The screens the supervisor queue opens with one key: the monthly report, quality reviews, trends, dashboard,
the caller log."""

from __future__ import annotations

from textual.screen import Screen

from calldesk.screens.context import Desk


class QueueViews(Screen[None]):
    """The queue's keys to the other supervisor screens (a base of QueueScreen)."""

    desk: Desk

    def action_monthly_report(self) -> None:
        from calldesk.screens.reports import ReportScreen

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
