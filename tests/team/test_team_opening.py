"""A case opened through an agent's own PostgreSQL login brings every row its builder makes
(calldesk.store.services.new_case_rows):
the late intake's clock and the repeat link, each with its audit event, all written as her (issue 24)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from calldesk.models import CaseCreate, CaseLink, ClockEvent, utcnow
from calldesk.rules.triage import intake_due
from calldesk.store.db.audit import DATABASE
from calldesk.store.services.cases import open_case
from tests.conftest import Team
from tests.integration.helpers import lausd
from tests.team.helpers import acting, owner_rows, trail

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def test_an_agents_late_call_and_its_repeat_bring_their_clock_link_and_trail(team: Team) -> None:
    now = utcnow()
    fields = {"caller_name": "Maria Gomez", "phone": "(213) 555-0142", "call_type": "inquiry",
              "category": "Transportation", "claim": "The bus was late."}
    with acting(team, "ana") as (uow, ana):  # received 3 days ago, logged now: LAUSD logs a call within 24 hours
        late = open_case(uow, actor=ana, profile=lausd(),
                         data=CaseCreate(client_id="team-open-1", opened_at=now - timedelta(days=3), **fields))
    with acting(team, "ana") as (uow, ana):  # the same phone about the same category, 3 days later: a repeat
        again = open_case(uow, actor=ana, profile=lausd(),
                          data=CaseCreate(client_id="team-open-2", opened_at=now - timedelta(minutes=1), **fields))
    ana_login = team.name("ana")
    [clock] = owner_rows(team, select(ClockEvent).where(ClockEvent.case_id == late.case.id))
    assert (clock.kind, clock.event, clock.by_user) == ("intake", "missed", ana_login)
    # The intake deadline is 24 hours after the call was received (lausd.toml intake_within), counted on open days
    # (rules.clocks.intake_due, tested day by day in tests/unit): three days late on any weekday, the clock ana's
    # login wrote carries that deadline, which has passed.
    assert clock.due_at == intake_due(lausd(), now - timedelta(days=3)) and clock.due_at <= now
    assert "Logged late" in late.case.routing_notes and "Logged late" not in again.case.routing_notes
    [link] = owner_rows(team, select(CaseLink).where(CaseLink.case_id == again.case.id))
    assert (link.linked_case_id, link.kind, link.created_by) == (late.case.id, "repeat", ana_login)
    assert again.repeat is not None and again.repeat.linked_case_number == late.case.case_number
    assert again.case.routing_notes.startswith("Repeat caller:")
    # Each case's trail (calldesk's events, beside the database's own "db." record of each row written): its
    # opening snapshot first, then what it brought; every event ana's.
    first, second = ([e for e in trail(team, case_id=case.id) if not e.action.startswith(DATABASE)]
                     for case in (late.case, again.case))
    assert [e.action for e in first] == ["case.open", "clock.intake_missed"]
    assert [e.action for e in second] == ["case.open", "case.link"]
    assert {e.actor for e in first + second} == {ana_login}
    assert second[1].new == late.case.case_number
