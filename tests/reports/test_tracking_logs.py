"""The tracking logs say what staff did (CCTS "Action Taken", OPE "Investigation"), not the caller's own steps;
the OPE matrix names the representative who took the call, the case number the office finds, the safety referral."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from calldesk.models import FollowUpCreate, ResolutionUpdate
from calldesk.profiles import load_profile
from calldesk.rules.reporting import month_period
from calldesk.rules.tracking_logs import StaffAction, actions_taken
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.exports import export_log
from calldesk.store.services.follow_ups_resolution import add_follow_up, set_resolution
from calldesk.store.services.referrals_meetings_reviews import refer
from tests.integration.helpers import call
from tests.reports.seed import Spec, la, oc, open_spec

CALLERS_OWN = "Caller phoned the eligibility worker twice and wrote a letter"


def _log(store: Store, actor: Actor, profile_name: str, month: str) -> list[dict[str, str]]:
    profile = load_profile(profile_name)
    start, end = month_period(month).bounds(profile)
    with store.uow() as uow:
        _, log = export_log(uow, actor=actor, profile=profile, since=start, until=end)
    with store.uow(readonly=True) as uow:
        return list(log.rows(uow.session))


def test_ccts_action_taken_is_what_staff_did(store: Store, staff: dict[str, Actor]) -> None:
    spec = Spec("complaint", "Poor service", "phone", "CalWORKs", "none", "open", la(10, 5))
    number = open_spec(store, staff, spec, 1, steps_taken=CALLERS_OWN).case_number
    with store.uow() as uow:
        add_follow_up(uow, actor=staff["specialist"], profile=oc(), case_number=number,
                      data=FollowUpCreate(done="Called the CalWORKs program manager", pending="Meeting on Friday"))
    with store.uow() as uow:
        set_resolution(uow, actor=staff["specialist"], case_number=number,
                       data=ResolutionUpdate(response="Worker reassigned; apology sent"))
    rows = _log(store, staff["supervisor"], "oc_ccts", "2026-10")
    action = rows[0]["Action Taken"]
    # Staff's steps, each dated (the follow-up and the resolution are entered today), never the caller's own.
    assert "follow-up: Called the CalWORKs program manager (next: Meeting on Friday)" in action
    assert "resolution: Worker reassigned; apology sent" in action
    assert "eligibility worker twice" not in action


def test_the_ope_matrix_is_the_representatives_with_the_case_number_and_the_safety_referral(
        store: Store, staff: dict[str, Actor]) -> None:
    rochester = load_profile("rochester")
    opened = datetime(2026, 10, 6, 10, tzinfo=ZoneInfo("America/New_York"))
    outcome = call(store, staff["agent"], rochester, call_type="concern", category="Safety and security",
                   subcategory="Bullying", school="School No. 12", steps_taken=CALLERS_OWN, opened_at=opened)
    number = outcome.case.case_number
    with store.uow() as uow:  # OPE 5.1: "the PSCR will contact the Safety and Security Director"
        refer(uow, actor=staff["agent"], case_number=number, kind="safety", contact="Director",
              note="Bullying on the bus", referred_at=datetime(2026, 10, 7, 9, tzinfo=ZoneInfo("America/New_York")))
    [row] = _log(store, staff["supervisor"], "rochester", "2026-10")
    assert row["Case"] == number  # the number calldesk shows, which the office can look up
    assert row["PSCR"] == "ana"  # the representative (an agent) who took the call
    assert row["Safety Referral"] == "Safety and Security (2026-10-07)"
    assert row["Investigation"] == "2026-10-07 referred to Safety and Security: Bullying on the bus"
    assert "eligibility worker" not in row["Investigation"]


def test_actions_taken_are_dated_and_in_order() -> None:
    from datetime import date

    text = actions_taken([StaffAction(date(2026, 10, 8), "meeting"), StaffAction(date(2026, 10, 6), "call")])
    assert text == "2026-10-06 call; 2026-10-08 meeting"
