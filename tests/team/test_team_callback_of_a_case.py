"""A callback about a case, through the logins: it is handed only to someone who works the case (an agent sees her
own cases alone, and a callback she cannot return is no help to the caller), and one whose case has moved away
from its holder is refused in words, by the service, the CLI and the desk alike, never as a database failure."""

from __future__ import annotations

import pytest
from sqlmodel import select

from calldesk.errors import RuleRefused
from calldesk.models import Callback, CallbackCreate
from calldesk.store.services import callbacks
from calldesk.store.services.assignments import reassign
from tests.cli.test_cli import run
from tests.conftest import Team
from tests.integration.helpers import call, lausd
from tests.team.helpers import acting, events, owner_rows

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def _concern(team: Team) -> str:
    """A concern sue takes: routed to the program specialist; neither agent sees it."""
    return call(team.store("sue"), team.actor("sue"), call_type="concern", category="Transportation",
                caller_name="Kim Lee", phone="2135550400").case.case_number


def _held_by(team: Team, callback_id: int) -> list[object]:
    return owner_rows(team, select(Callback.assigned_to, Callback.done_at).where(Callback.id == callback_id))


def test_a_callback_about_a_case_goes_only_to_someone_who_works_the_case(team: Team) -> None:
    ana, sue = team.name("ana"), team.name("sue")
    number = _concern(team)
    with acting(team, "sue") as (uow, actor):
        mine = callbacks.add_callback(uow, actor=actor, profile=lausd(), data=CallbackCreate(
            caller_name="Kim Lee", phone="2135550400", message="About her case", case_number=number))
    before = events(team)
    with acting(team, "sue") as (uow, actor), pytest.raises(RuleRefused, match=f"{ana} does not work case {number}"):
        callbacks.reassign_callback(uow, actor=actor, profile=lausd(), callback_id=mine.id, to_user=ana)
    with acting(team, "sue") as (uow, actor), pytest.raises(RuleRefused, match=f"{ana} does not work case {number}"):
        callbacks.add_callback(uow, actor=actor, profile=lausd(), data=CallbackCreate(
            caller_name="Kim Lee", message="Again", case_number=number, assigned_to=ana))
    assert events(team) == before and _held_by(team, mine.id) == [(sue, None)]
    assert len(owner_rows(team, select(Callback.id).where(Callback.caller_name == "Kim Lee"))) == 1
    # Handed to the one who works the case, it is theirs.
    with acting(team, "sue") as (uow, actor):
        handed = callbacks.reassign_callback(uow, actor=actor, profile=lausd(), callback_id=mine.id,
                                             to_user=team.name("pat"))
    assert handed.assigned_to == team.name("pat")


def test_a_callback_whose_case_moved_away_is_refused_in_words_and_changes_nothing(team: Team) -> None:
    bo = team.name("bo")
    number = _concern(team)
    with acting(team, "sue") as (uow, actor):
        reassign(uow, actor=actor, case_number=number, to_user=bo)
    with acting(team, "sue") as (uow, actor):  # bo works the case: its callback may be his
        taken = callbacks.add_callback(uow, actor=actor, profile=lausd(), data=CallbackCreate(
            caller_name="Kim Lee", phone="2135550400", case_number=number, assigned_to=bo))
    for someone in ("pat", "sam"):  # the case moves on twice: bo no longer sees it
        with acting(team, "sue") as (uow, actor):
            reassign(uow, actor=actor, case_number=number, to_user=team.name(someone))
    before = events(team)
    refusal = "is about a case you do not work"
    with acting(team, "bo") as (uow, actor), pytest.raises(RuleRefused, match=refusal):
        callbacks.complete_callback(uow, actor=actor, callback_id=taken.id)
    with acting(team, "bo") as (uow, actor), pytest.raises(RuleRefused, match=refusal):
        callbacks.record_attempt(uow, actor=actor, callback_id=taken.id, result="voicemail")
    for args in (["callback", "done", str(taken.id)], ["callback", "attempt", str(taken.id), "reached"]):
        code, _, err = run(team.url("bo"), *args)
        assert code == 1 and err.startswith("error:") and refusal in err and len(err.strip().splitlines()) == 1
    assert events(team) == before and _held_by(team, taken.id) == [(bo, None)]
