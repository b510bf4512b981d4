"""Whom a picker offers work to (calldesk.rules.assignment.offered): at work, of the work's rank, speaking its
language; never a respondent, never someone absent."""

from __future__ import annotations

from calldesk.rules.assignment import Staffer, offered

STAFF = [
    Staffer("ana", "agent", ("Spanish",), open_cases=3),
    Staffer("bo", "agent", open_cases=1),
    Staffer("pat", "program_specialist", ("Spanish",), open_cases=0, present=False),  # absent today
    Staffer("sam", "specialist", ("Spanish", "Korean"), open_cases=2),
    Staffer("sue", "supervisor", open_cases=0),
    Staffer("rex", "respondent", ("Spanish",), open_cases=0),
]


def names(people: list[Staffer]) -> list[str]:
    return [s.username for s in people]


def test_a_picker_offers_those_at_work_of_the_works_rank_in_its_language() -> None:
    # English work of an agent's rank: everyone at work but the respondent, fewest open cases first (sue 0, bo 1,
    # sam 2, ana 3); pat is absent.
    assert names(offered(STAFF)) == ["sue", "bo", "sam", "ana"]
    # Spanish: only those who list it (sam 2, ana 3); English is everyone's.
    assert names(offered(STAFF, language="Spanish")) == ["sam", "ana"]
    # A specialist's case: the specialist and the supervisor; the one who has it now is not offered again.
    assert names(offered(STAFF, at_least="specialist")) == ["sue", "sam"]
    assert names(offered(STAFF, at_least="specialist", exclude=["sue"])) == ["sam"]
    # A respondent's rank as the floor still offers no respondent (they take no cases).
    assert "rex" not in names(offered(STAFF, at_least="respondent", language="Spanish"))
