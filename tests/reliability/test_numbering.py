"""Case numbers under desks saving at once: unique, per year, rising; on PostgreSQL each staff login takes its own
(the counter is held for one short transaction, not the whole save)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from calldesk.models import Case, CaseCreate
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import CaseOutcome, open_case
from tests.conftest import Team
from tests.integration.helpers import lausd

THREADS, EACH = 8, 6
# Los Angeles time: 2025-12-31 12:00 is in 2025, 2026-03-02 09:00 in 2026 (the year is the agency's).
YEARS = {2025: datetime(2025, 12, 31, 20, 0, tzinfo=UTC), 2026: datetime(2026, 3, 2, 17, 0, tzinfo=UTC)}


def _data(k: int, i: int, opened_at: datetime, client_id: str | None = None) -> CaseCreate:
    extra = {"client_id": client_id} if client_id else {}
    # A different phone per call: no call is another's repeat (the repeat rule is not under test here).
    return CaseCreate(caller_name=f"Caller {k} {i}", phone=f"(213) 55{k}-{1000 + i:04d}", call_type="inquiry",
                      category="Enrollment", claim="A form was lost.", opened_at=opened_at, **extra)


def _at_once(jobs: list[Callable[[], None]]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], None]) -> None:
        try:
            start.wait(30)
            job()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def _numbers(store: Store) -> dict[int, list[int]]:
    with store.uow(readonly=True) as uow:
        found = list(uow.session.exec(select(Case.case_number)))
    per_year: dict[int, list[int]] = {}
    for number in found:
        year, serial = number.split("-")
        per_year.setdefault(int(year), []).append(int(serial))
    return per_year


def test_desks_saving_at_once_get_unique_numbers_per_year(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]

    def desk(k: int) -> Callable[[], None]:
        def saves() -> None:
            for i in range(EACH):
                with store.uow() as uow:  # each thread its own connection from the pool
                    open_case(uow, actor=agent, profile=lausd(), data=_data(k, i, YEARS[2025 + (k + i) % 2]))
        return saves

    assert _at_once([desk(k) for k in range(THREADS)]) == []
    per_year = _numbers(store)
    # 8 desks x 6 saves, alternating years: 24 in each year, numbered 1..24 (no save failed, so no gap).
    assert {y: sorted(n) for y, n in per_year.items()} == {2025: list(range(1, 25)), 2026: list(range(1, 25))}
    with store.uow(readonly=True) as uow:
        counters = dict(uow.session.execute(text("SELECT year, last FROM casecounter")).all())  # type: ignore[arg-type]
    assert counters == {2025: 24, 2026: 24}


def test_a_retried_save_racing_the_first_makes_one_case(store: Store, staff: dict[str, Actor]) -> None:
    outcomes: list[CaseOutcome] = []

    def save() -> None:
        with store.uow() as uow:
            outcomes.append(open_case(uow, actor=staff["agent"], profile=lausd(),
                                      data=_data(1, 1, YEARS[2026], client_id="the-same-call")))

    assert _at_once([save, save, save]) == []
    # Three saves of one call: one case made, the other two find it ("Already saved").
    assert sorted(o.created for o in outcomes) == [False, False, True]
    assert {o.case.case_number for o in outcomes} == {"2026-000001"}
    assert _numbers(store) == {2026: [1]}


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_staff_logins_saving_at_once_take_numbers_on_their_own_connections(team: Team) -> None:
    # ana and bo are agents, sue and vic supervisors (all take calls), each on their own login role.
    people = ["ana", "bo", "sue", "vic"]
    actors = {who: team.actor(who) for who in people}

    def desk(k: int, who: str) -> Callable[[], None]:
        def saves() -> None:
            for i in range(EACH):
                with team.store(who).uow() as uow:
                    open_case(uow, actor=actors[who], profile=lausd(), data=_data(k, i, YEARS[2026]))
        return saves

    assert _at_once([desk(k, who) for k, who in enumerate(people)]) == []
    # 4 logins x 6 saves in 2026: numbers 1..24, each once.
    assert {y: sorted(n) for y, n in _numbers(team.owner).items()} == {2026: list(range(1, 25))}
    with team.owner.uow(readonly=True) as uow:
        openers = set(uow.session.exec(select(Case.opened_by)))
    assert openers == {team.name(who) for who in people}
