"""Follow-up cadence (PROTOCOL.md section 2, tab 4): an entry at least every 2 open days on concerns and complaints."""

from __future__ import annotations

from datetime import datetime

import pytest

from calldesk.rules.followup import is_follow_up_overdue, next_follow_up_due
from calldesk.rules.profile import Profile, Tier
from tests.unit.conftest import la

OPENED = la(2026, 11, 23, 10)


@pytest.mark.parametrize("tier", ["concern", "complaint"])
def test_follow_up_due_two_open_days_after_the_last_entry(lausd: Profile, tier: Tier) -> None:
    assert next_follow_up_due(lausd, tier, opened_at=OPENED, last_entry_at=None) == la(2026, 11, 25, 23, 59, 59)
    # Last entry on Wednesday: Thanksgiving is skipped, so the next is due Monday.
    after_entry = next_follow_up_due(lausd, tier, opened_at=OPENED, last_entry_at=la(2026, 11, 25, 16))
    assert after_entry == la(2026, 11, 30, 23, 59, 59)


@pytest.mark.parametrize("tier", ["inquiry_immediate", "inquiry_followup", None])
def test_no_follow_up_cadence_for_inquiries_and_compliments(profile: Profile, tier: Tier | None) -> None:
    assert next_follow_up_due(profile, tier, opened_at=OPENED, last_entry_at=None) is None
    assert not is_follow_up_overdue(
        profile, tier, opened_at=OPENED, last_entry_at=None, now=la(2027, 1, 30, 9), is_open=True
    )


def test_every_profile_asks_for_follow_up_on_concerns_and_complaints(profile: Profile) -> None:
    for tier in ("concern", "complaint"):
        assert next_follow_up_due(profile, tier, opened_at=OPENED, last_entry_at=None) is not None


def test_an_entry_older_than_the_opening_does_not_pull_the_due_date_back(lausd: Profile) -> None:
    due = next_follow_up_due(lausd, "concern", opened_at=OPENED, last_entry_at=la(2026, 11, 1, 9))
    assert due == la(2026, 11, 25, 23, 59, 59)


@pytest.mark.parametrize(
    ("now", "is_open", "overdue"),
    [
        (la(2026, 11, 25, 23, 0), True, False),
        (la(2026, 11, 26, 0, 0, 1), True, True),
        (la(2026, 11, 26, 0, 0, 1), False, False),  # a closed case is never overdue
    ],
)
def test_is_follow_up_overdue(lausd: Profile, now: datetime, is_open: bool, overdue: bool) -> None:
    result = is_follow_up_overdue(
        lausd, "concern", opened_at=OPENED, last_entry_at=None, now=now, is_open=is_open
    )
    assert result is overdue
