"""Who sees which cases, per role, through the logins (issue 20): through calldesk (find, view, list, My work,
a caller's earlier calls) on each person's own connection, and the same through plain SQL on that connection."""

from __future__ import annotations

import pytest

from calldesk.errors import NotFound, PermissionDenied
from calldesk.models import CaseCreate, CaseUpdate, FollowUpCreate, ResolutionUpdate, utcnow
from calldesk.store.db import users
from calldesk.store.read.my_work import my_work
from calldesk.store.read.queries import caller_history
from calldesk.store.read.search import case_view, find_cases, list_cases
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.assignments import reassign
from calldesk.store.services.cases import open_case, update_case
from tests.conftest import TEAM_PEOPLE, TEAM_PLACES, Team
from tests.integration.helpers import call, lausd
from tests.team.helpers import acting, agency_today, behind, events, sql, version, work_of

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

ROOSEVELT, LINCOLN = TEAM_PLACES, "Lincoln Elementary"


def _cases(team: Team) -> dict[str, str]:
    """The day's cases, each taken by the person the seeds name; their numbers by a letter."""
    def take(who: str, **fields: object) -> str:
        return call(team.store(who), team.actor(who), **fields).case.case_number

    made = {
        "A": take("ana", school=ROOSEVELT, caller_name="Maria Gomez", phone="(213) 555-0101"),  # ana keeps it
        "B": take("bo", school=LINCOLN, caller_name="Rosa Diaz", phone="(213) 555-0102"),  # bo keeps it
        "C": take("sue", call_type="concern", category="Transportation", school=LINCOLN,  # pat's other case
                  caller_name="Lena Park", phone="(213) 555-0103"),
        "D": take("ana", call_type="concern", category="Transportation", school=ROOSEVELT,  # ana's call, pat's
                  caller_name="Omar Said", phone="(213) 555-0104"),
    }
    # With both agents away, an inquiry sue takes waits in the agents' queue; then they are back.
    for who in ("ana", "bo"):
        with acting(team, "sue") as (uow, actor):
            users.set_absence(uow, actor=actor, username=team.name(who), absent_since=agency_today(lausd()))
    made["Q"] = take("sue", school=LINCOLN, caller_name="Ivy Chen", phone="(213) 555-0105")
    for who in ("ana", "bo"):
        with acting(team, "sue") as (uow, actor):
            users.set_absence(uow, actor=actor, username=team.name(who), absent_since=None)
    return made


def test_each_role_sees_its_cases_through_calldesk_and_through_its_own_sql(team: Team) -> None:
    n = _cases(team)
    with team.owner.uow(readonly=True) as uow:
        owners = {k: (c.assigned_to, c.owner_role) for k, c in
                  ((k, case_view(uow.session, v, viewer=None).case) for k, v in n.items())}
    pat = team.name("pat")
    assert owners == {"A": (team.name("ana"), "agent"), "B": (team.name("bo"), "agent"),
                      "C": (pat, "program_specialist"), "D": (pat, "program_specialist"), "Q": (None, "agent")}
    everything = set(n)
    sees = {"ana": {"A", "D", "Q"}, "bo": {"B", "Q"}, "rex": {"A", "D"},
            **{who: everything for who in ("pat", "sam", "sue", "vic", "adm")}}
    assert set(sees) == {who for who, _ in TEAM_PEOPLE}

    # rex documents a resolution and a follow-up on his school's case, never on another's, and takes no calls.
    with acting(team, "rex") as (uow, actor):
        casework.add_follow_up(uow, actor=actor, profile=lausd(), case_number=n["D"],
                               data=FollowUpCreate(done="Met the parent at the school", pending="Bus schedule"))
    with acting(team, "rex") as (uow, actor):
        casework.set_resolution(uow, actor=actor, case_number=n["D"],
                                data=ResolutionUpdate(response="The school adds a bus monitor"))
    before = events(team)
    with acting(team, "rex") as (uow, actor), pytest.raises(NotFound):
        casework.add_follow_up(uow, actor=actor, profile=lausd(), case_number=n["C"],
                               data=FollowUpCreate(done="Called", pending=""))
    with acting(team, "rex") as (uow, actor), pytest.raises(NotFound):
        casework.set_resolution(uow, actor=actor, case_number=n["C"], data=ResolutionUpdate(response="Done"))
    with acting(team, "rex") as (uow, actor), pytest.raises(PermissionDenied):
        open_case(uow, actor=actor, profile=lausd(), data=CaseCreate(
            caller_name="Ned Hall", phone="(213) 555-0106", category="Enrollment", school=ROOSEVELT))
    assert events(team) == before

    letter = {number: key for key, number in n.items()}
    for who, visible in sees.items():
        actor = team.actor(who)
        with team.store(who).uow(readonly=True) as uow:
            listed = {letter[c.case_number] for c in list_cases(uow.session, viewer=actor, status="all")}
            found = {letter[c.case_number] for text in ("Roosevelt", "Lincoln")
                     for c in find_cases(uow.session, text, viewer=actor)}
            by_number = {k for k, v in n.items() if find_cases(uow.session, v, viewer=actor)}
            viewable = set()
            for key, number in n.items():
                try:
                    view = case_view(uow.session, number, viewer=actor)
                except NotFound:
                    continue
                viewable.add(key)
                if key == "D":  # rex's follow-up and resolution, with the case
                    assert [f.by_user for f in view.follow_ups] == [team.name("rex")], who
                    assert view.resolution is not None
                    assert view.resolution.response == "The school adds a bus monitor", who
        assert listed == found == by_number == viewable == visible, who
        # The same through SQL on their own login: the database's row-level security says the same.
        numbers = {letter[r[0]] for r in sql(team, who, "SELECT case_number FROM cases")}
        assert numbers == visible, who
        assert sql(team, who, "SELECT count(*) FROM followup")[0][0] == int("D" in visible), who
        assert sql(team, who, "SELECT count(*) FROM resolution")[0][0] == int("D" in visible), who

    # My work: ana's own case and the agents' queue; bo's likewise; rex his school's open cases.
    def work(who: str) -> set[tuple[str, str]]:
        with team.store(who).uow(readonly=True) as uow:
            items = my_work(uow.session, profile=lausd(), viewer=team.actor(who), now=utcnow())
        return {(i.kind, letter[i.case_number]) for i in items if i.kind in ("case", "queue") and i.case_number}
    assert work("ana") == {("case", "A"), ("queue", "Q")}
    assert work("bo") == {("case", "B"), ("queue", "Q")}
    assert work("rex") == {("case", "A"), ("case", "D")}
    assert work("pat") == {("case", "C"), ("case", "D")}

    # Of pat's other case ana learns only that the caller called before (the desk's side panel), without a name.
    with team.store("ana").uow(readonly=True) as uow:
        earlier = caller_history(uow.session, viewer=team.actor("ana"), phone_digits="12135550103")
        own = caller_history(uow.session, viewer=team.actor("ana"), phone_digits="12135550101")
    assert [(e.case_number, e.yours, e.caller_name) for e in earlier] == [(n["C"], False, "")]
    assert [(e.case_number, e.yours, e.caller_name) for e in own] == [(n["A"], True, "Maria Gomez")]


def test_an_agent_hands_on_a_case_she_was_assigned_and_it_leaves_her_sight_when_it_moves_again(team: Team) -> None:
    """Area Offices Level Two: the assistant documents the call as a concern and it goes to the resolution
    specialist; on her own login the database lets that change through. Who hands a case on keeps it in sight (to
    tell the caller where it went) until it moves again: then it leaves the cases she sees (assigned to sam,
    opened by sue)."""
    ana, pat, sue = team.name("ana"), team.name("pat"), team.actor("sue")
    number = call(team.store("sue"), sue, school=LINCOLN, caller_name="Ned Hall",
                  phone="(213) 555-0107").case.case_number
    with acting(team, "sue") as (uow, actor):
        if behind(team, number).assigned_to != ana:  # routing may have given it to bo
            reassign(uow, actor=actor, case_number=number, to_user=ana)
    assert behind(team, number).assigned_to == ana
    seen = version(team, "ana", number)
    with acting(team, "ana") as (uow, actor):
        moved = update_case(uow, actor=actor, profile=lausd(), case_number=number, expected_version=seen,
                            changes=CaseUpdate(call_type="concern", category="Transportation",
                                               claim="The bus skipped the stop again this week")).case
    assert (moved.tier, moved.owner_role, moved.assigned_to) == ("concern", "program_specialist", pat)
    assert (behind(team, number).assigned_to, behind(team, number).previous_assignee) == (pat, ana)
    with team.store("ana").uow(readonly=True) as uow:
        assert case_view(uow.session, number, viewer=team.actor("ana")).case.assigned_to == pat
    with acting(team, "sue") as (uow, actor):
        reassign(uow, actor=actor, case_number=number, to_user=team.name("sam"))
    assert behind(team, number).previous_assignee == pat
    with team.store("ana").uow(readonly=True) as uow, pytest.raises(NotFound):
        case_view(uow.session, number, viewer=team.actor("ana"))
    assert number in {i.case_number for i in work_of(team, "sam", lausd()) if i.kind == "case"}


def test_the_respondent_sees_through_their_login_a_case_whose_school_was_typed_otherwise(team: Team) -> None:
    typed = call(team.store("ana"), team.actor("ana"), school=ROOSEVELT.upper(), caller_name="Ada Moss",
                 phone="(213) 555-0161")
    assert typed.case.school == ROOSEVELT  # as rex's places spell it
    with team.store("rex").uow(readonly=True) as uow:  # rex's own login: the database's row-level security
        seen = {c.case_number for c in list_cases(uow.session, viewer=team.actor("rex"))}
    assert seen == {typed.case.case_number}
