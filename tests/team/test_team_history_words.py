"""The case's History tab in words, read by each person on their own PostgreSQL login (issue 23 item 14): the
people's full names come from the users table, readable by every login that may see the case."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from calldesk.rules.history import history_sentences
from calldesk.store.db.users import full_names
from calldesk.store.read.search import case_view
from calldesk.store.services.calls import CallSave, save_call
from tests.conftest import TEAM_PLACES, Team
from tests.integration.helpers import call, lausd
from tests.team.helpers import acting

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)
LA = ZoneInfo("America/Los_Angeles")


def test_each_person_reads_who_changed_what_in_words(team: Team) -> None:
    ana = team.actor("ana")
    # Ana takes an inquiry about the respondent's school, then (her own login) makes it a complaint.
    case = call(team.store("ana"), ana, school=TEAM_PLACES).case
    with acting(team, "ana") as (uow, actor):
        save_call(uow, actor=actor, profile=lausd(), data=CallSave(
            client_id=case.client_id, opened_at=case.opened_at, case_number=case.case_number,
            expected_version=case.version, fields={"call_type": "complaint"}))
    for who in ("ana", "sam", "sue", "rex", "adm"):  # the agent, the specialist it went to, a supervisor,
        with acting(team, who) as (uow, actor):      # the school's respondent, an administrator
            view = case_view(uow.session, case.case_number, viewer=actor)
            names = full_names(uow.session, {entry.actor for entry in view.history})
        lines = history_sentences(view.history, this_case=case.case_number, tz=LA, today=date(2026, 12, 7),
                                  names=names)
        # The team's full names are their first names, title-cased (tests.conftest.make_logins): "Ana".
        assert names.get(team.name("ana")) == "Ana", (who, names)
        assert any("Ana changed the call type from inquiry to complaint." in line for line in lines), (who, lines)
        assert any("Ana opened the case: Inquiry (immediate)" in line for line in lines), (who, lines)
