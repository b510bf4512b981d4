"""`calldesk practice`: a separate store with a demo team and demo cases, where the user acts as any team member;
every screen says PRACTICE (issue 20, "One person, and practice")."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from calldesk.app import CalldeskApp
from calldesk.demo.practice import TEAM, make_practice, store_as
from calldesk.errors import InvalidInput, StoreError
from calldesk.profiles import load_profile
from calldesk.screens.desk import DeskScreen
from calldesk.store.db.store import Store, open_store
from calldesk.store.db.users import os_login
from tests.ui.conftest import fixed_clock
from tests.ui.test_connect import until_open


@pytest.fixture
def practice_path(tmp_path: Path) -> Path:
    path = tmp_path / "practice.db"
    made = make_practice(path, profile=load_profile("lausd"), login=os_login(), cases=40)
    assert made.team == [name for name, *_ in TEAM] and made.cases == 45
    return path


def test_the_practice_store_has_a_team_demo_cases_and_work_routed_to_the_team(practice_path: Path) -> None:
    from calldesk.store.read.my_work import my_work
    from calldesk.store.read.search import list_cases

    store = open_store(f"sqlite:///{practice_path}", create=False)
    try:
        assert {name for name, *_ in TEAM} <= {u.username for u in _users(store)}
        sam = store_as(store, "sam")
        with sam.uow(readonly=True) as uow:
            assert len(list_cases(uow.session, viewer=sam.actor(), status="all", limit=1000)) >= 40
            work = my_work(uow.session, profile=load_profile("lausd"), viewer=sam.actor(), now=fixed_clock())
        assert any(item.kind == "case" for item in work), "the day's complaint reached the specialist"
        with pytest.raises(InvalidInput, match="not on the practice team"):
            store_as(store, "mallory")
        with pytest.raises(InvalidInput, match="already"):  # never made over an existing store
            make_practice(practice_path, profile=load_profile("lausd"), login=os_login(), cases=10)
    finally:
        store.close()


def test_a_real_store_never_lets_its_user_act_as_someone_else(store: Store) -> None:
    with pytest.raises(StoreError, match="not a practice store"):
        store_as(store, store.login)


def _users(store: Store) -> list:  # type: ignore[type-arg]
    from calldesk.store.db.users import list_users

    with store.uow(readonly=True) as uow:
        return list_users(uow.session)


async def test_the_desk_says_practice_and_switches_who_it_acts_as(practice_path: Path) -> None:
    url = f"sqlite:///{practice_path}"

    def opening() -> Store:
        return store_as(open_store(url, create=False), "ana")

    app = CalldeskApp(open_store=opening, protocol="lausd", clock=fixed_clock, practice=True)
    async with app.run_test(size=(120, 36)) as pilot:
        assert "PRACTICE" in app.title
        await until_open(app, pilot)
        await pilot.pause()
        assert app.title == "calldesk PRACTICE: acting as ana (agent)"
        app.desk_screen.post_message(DeskScreen.ActAs("sue"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.desk.actor.username == "sue" and app.title == "calldesk PRACTICE: acting as sue (supervisor)"
        assert app.desk_screen.query_one("#my-work", DataTable).row_count >= 1  # a supervisor's own list
    app.desk.store.close()
