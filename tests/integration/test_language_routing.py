"""Routing reaches a person: English/Bilingual lines (Rochester OPE), staff languages, presence and load."""

from __future__ import annotations

from datetime import UTC, date, datetime

from calldesk.profiles import load_profile
from calldesk.rules.assignment import StaffBoard, Staffer, choose
from calldesk.rules.routing import language_line
from calldesk.store.db import users
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.conftest import add_user
from tests.integration.helpers import call

ROCHESTER = load_profile("rochester")
T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def test_the_language_line_and_the_person_are_pure_decisions() -> None:
    staff = [Staffer("zed", "program_specialist", ("English", "Spanish"), open_cases=4),
             Staffer("ben", "program_specialist", ("spanish",), open_cases=2),
             Staffer("amy", "agent", ("Spanish",)),
             Staffer("cy", "program_specialist", (), open_cases=0, present=False)]
    assert language_line("English") == "English" and language_line("Spanish") == "Bilingual"
    spanish = choose("fewest_open", owner_role="program_specialist", language="Spanish", staff=staff)
    assert spanish.assignee == "ben" and "fewest open cases (2)" in spanish.reason
    # English is everyone's; cy is away, so the fewest open cases among those present wins.
    assert choose("fewest_open", owner_role="program_specialist", language="English", staff=staff).assignee == "ben"
    somali = choose("fewest_open", owner_role="program_specialist", language="Somali", staff=staff)
    assert somali.assignee is None and "who speaks Somali" in somali.reason and "queue" in somali.reason
    # The one who took the call keeps what their role may own; escalating never returns it to the same person.
    assert choose("fewest_open", owner_role="agent", language="Spanish", staff=staff, opener="amy").assignee == "amy"
    assert choose("fewest_open", owner_role="program_specialist", language="English", staff=staff,
                  exclude=("ben",)).assignee == "zed"


def test_round_robin_takes_turns_and_the_board_counts_each_assignment_at_once() -> None:
    board = StaffBoard([Staffer("a", "specialist", last_assigned=T0), Staffer("b", "specialist"),
                        Staffer("c", "specialist", last_assigned=T0.replace(hour=8))])
    picks = [board.assign("round_robin", owner_role="specialist", language="English", opener=None,
                          at=T0.replace(hour=10 + n)).assignee for n in range(4)]
    assert picks == ["b", "c", "a", "b"]  # never assigned first, then the longest since their last
    fewest = StaffBoard([Staffer("a", "specialist", open_cases=1), Staffer("b", "specialist", open_cases=3)])
    picks = [fewest.assign("fewest_open", owner_role="specialist", language="English", opener=None,
                           at=T0.replace(hour=10 + n)).assignee for n in range(4)]
    assert picks == ["a", "a", "b", "a"]  # 1:3, 2:3, then 3:3 goes to b (never assigned), then 3:4


def test_a_call_in_spanish_goes_to_a_staff_member_who_speaks_it(store: Store, staff: dict[str, Actor],
                                                                 admin: Actor) -> None:
    add_user(store, admin, "lucia", "program_specialist", languages="English, Spanish")
    with store.uow() as uow:
        assert users.set_languages(uow, actor=admin, username="pat", languages=" French ,French").languages == \
            "French"
    spanish = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                   language="Spanish").case
    english = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation",
                   caller_name="Rosa Diaz", phone="2135550177").case
    assert spanish.assigned_to == "lucia" and "Bilingual line (Spanish)." in spanish.routing_notes
    assert "Assigned to lucia, a program specialist who speaks Spanish" in spanish.routing_notes
    # English: pat (no case yet) has fewer open cases than lucia (one).
    assert english.assigned_to == "pat" and "Bilingual" not in english.routing_notes
    assert english.assigned_at is not None


def test_nobody_present_leaves_the_case_in_the_role_queue(store: Store, staff: dict[str, Actor],
                                                          admin: Actor) -> None:
    with store.uow() as uow:
        users.set_absence(uow, actor=staff["supervisor"], username="pat", absent_since=date(2026, 1, 5))
    case = call(store, staff["agent"], ROCHESTER, call_type="concern", category="Transportation").case
    assert case.assigned_to is None and case.owner_role == "program_specialist"
    assert "No program specialist is at work: it waits in the program specialists' queue." in case.routing_notes
