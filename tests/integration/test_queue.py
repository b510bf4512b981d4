"""The queue's store queries on both backends: keyset pages, sorts, filters, who sees what, the change watch."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta

import pytest

from calldesk.errors import InvalidInput
from calldesk.models import utcnow
from calldesk.store.db.changes import ChangeWatch
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.queue import QueueFilter, queue_count, queue_page
from calldesk.store.services.assignments import reassign
from tests.integration.helpers import call


def _fill(store: Store, staff: dict[str, Actor], n: int = 12) -> list[str]:
    numbers = []
    for i in range(n):
        kind = ("inquiry", "concern", "complaint")[i % 3]
        by = staff["agent"] if i % 4 == 0 else staff["supervisor"]
        numbers.append(call(store, by, caller_name=f"Caller {i:02d}", phone=f"21355501{i:02d}", call_type=kind,
                            category=("Enrollment", "Transportation")[i % 2], school=f"School {i % 3}",
                            language=("English", "Spanish")[i % 2],
                            claim=f"Bus {i} was late" if i % 2 else "Form lost").case.case_number)
    return numbers


def _walk(store: Store, actor: Actor, sort: str, descending: bool = False, **filters: object) -> list[str]:
    """Every case number, page by page (3 rows a page), forward to the end."""
    seen: list[str] = []
    after = None
    with store.uow(readonly=True) as uow:
        while True:
            page = queue_page(uow.session, actor=actor, now=utcnow(), filters=QueueFilter(**filters),  # type: ignore[arg-type]
                              sort=sort, descending=descending, after=after, limit=3)
            seen += [r.case_number for r in page.rows]
            if page.at_end:
                return seen
            after = page.rows[-1].key(sort)


@pytest.mark.parametrize("sort", ["deadline", "number", "opened", "category", "tier", "assignee", "language"])
def test_pages_cover_every_case_once_in_order(store: Store, staff: dict[str, Actor], sort: str) -> None:
    numbers = _fill(store, staff)
    sue = staff["supervisor"]
    with store.uow() as uow:  # some assigned, some not: the assignee sort has valueless rows to page through
        reassign(uow, actor=sue, case_number=numbers[1], to_user="sam")
    for descending in (False, True):
        walked = _walk(store, sue, sort, descending)
        assert sorted(walked) == sorted(numbers)  # every case once, none twice, across page boundaries
        with store.uow(readonly=True) as uow:
            rows = {r.case_number: r for r in queue_page(uow.session, actor=sue, now=utcnow(), sort=sort,
                                                         limit=100).rows}
        values = [rows[n].key(sort)[0] for n in walked]
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=descending)
        assert all(v is None for v in values[len(present):])  # valueless rows last, both directions


def test_last_page_and_back(store: Store, staff: dict[str, Actor]) -> None:
    numbers = _fill(store, staff)
    sue = staff["supervisor"]
    with store.uow(readonly=True) as uow:
        last = queue_page(uow.session, actor=sue, now=utcnow(), sort="number", last=True, limit=5)
        assert [r.case_number for r in last.rows] == numbers[-5:] and last.at_end and not last.at_start
        back = queue_page(uow.session, actor=sue, now=utcnow(), sort="number", before=last.rows[0].key("number"),
                          limit=5)
        assert [r.case_number for r in back.rows] == numbers[-10:-5]
        first = queue_page(uow.session, actor=sue, now=utcnow(), sort="number", before=back.rows[0].key("number"),
                           limit=5)
        assert [r.case_number for r in first.rows] == numbers[:2] and first.at_start


def test_filters_and_search(store: Store, staff: dict[str, Actor]) -> None:
    numbers = _fill(store, staff)
    sue = staff["supervisor"]
    now = utcnow()

    def count(**filters: object) -> int:
        with store.uow(readonly=True) as uow:
            return queue_count(uow.session, actor=sue, now=now, filters=QueueFilter(**filters))  # type: ignore[arg-type]

    assert count() == 12
    assert count(category="Transportation") == 6
    assert count(language="Spanish", category="Transportation") == 6
    assert count(place="School 1") == 4
    assert count(tier="complaint") == 4
    assert count(search=numbers[3]) == 1
    assert count(search="caller 0") == 10  # a name prefix: Caller 00 .. Caller 09
    assert count(search=numbers[3][:-1]) >= 1  # the start of a case number
    assert count(search="BUS 5") == 0  # the claim is searched only when asked: "claim: ..." (README)
    assert count(search="claim: bus 5 was") == 1 and count(search="CLAIM:late") == 6
    assert count(search="claim: 50%") == 0 and count(search="claim: b_s") == 0  # typed wildcards are characters
    assert count(search="claim:") == 12  # no words: no condition
    assert count(search="100%") == 0  # a wildcard typed is a character, not a wildcard
    assert count(status="closed") == 0
    assert count(sla="breached") + count(sla="at_risk") + count(sla="on_track") == 12
    # Routed to people: inquiries to ana, concerns to pat, complaints to sam; a call in Spanish (every odd one),
    # which nobody speaks, waits in its role's queue.
    assert (count(assignee="ana"), count(assignee="pat"), count(assignee="sam"), count(assignee="-")) == (2, 2, 2, 6)
    with store.uow() as uow:
        reassign(uow, actor=sue, case_number=numbers[1], to_user="sam")
    assert count(assignee="sam") == 3
    assert count(assignee="-") == 5
    with store.uow(readonly=True) as uow, pytest.raises(InvalidInput):
        queue_page(uow.session, actor=sue, now=now, sort="claim")


def test_sla_state_follows_the_clock(store: Store, staff: dict[str, Actor]) -> None:
    _fill(store, staff, 3)
    sue = staff["supervisor"]
    with store.uow(readonly=True) as uow:
        later = utcnow() + timedelta(days=60)  # every clock has passed by then
        page = queue_page(uow.session, actor=sue, now=later, filters=QueueFilter(sla="breached"))
        assert len(page.rows) == 3 and {r.sla.label for r in page.rows} == {"BREACHED"}


def test_an_agent_sees_only_their_own_work(store: Store, staff: dict[str, Actor]) -> None:
    numbers = _fill(store, staff)
    ana, sue = staff["agent"], staff["supervisor"]
    with store.uow() as uow:
        reassign(uow, actor=sue, case_number=numbers[1], to_user="ana")
    # Opened by ana (0, 4, 8), assigned to her (the inquiries 0 and 6, and 1 now), or waiting in the agents' queue
    # (3 and 9: inquiries in Spanish, which no agent speaks).
    mine = {numbers[i] for i in (0, 4, 8, 6, 1, 3, 9)}
    with store.uow(readonly=True) as uow:
        page = queue_page(uow.session, actor=ana, now=utcnow(), limit=100)
        assert {r.case_number for r in page.rows} == mine and not page.whole_queue
        # Searching for another caller's name finds nothing: the names of other cases never reach an agent.
        assert queue_page(uow.session, actor=ana, now=utcnow(), filters=QueueFilter(search="Caller 02")).rows == []
        assert queue_count(uow.session, actor=ana, now=utcnow()) == 7
        assert queue_page(uow.session, actor=staff["specialist"], now=utcnow(), limit=100).whole_queue


def test_a_second_process_saving_wakes_the_watch(store: Store, staff: dict[str, Actor], db_url: str) -> None:
    with ChangeWatch(store.engine) as watch:
        assert not watch.wait(0.2)  # nothing yet
        woke = threading.Event()

        def wait() -> None:
            if watch.wait(8.0):
                woke.set()

        waiter = threading.Thread(target=wait)
        waiter.start()
        subprocess.run([sys.executable, "-m", "tests.integration.writer", db_url, "ana", "1"], check=True,
                       capture_output=True, timeout=60)
        waiter.join(10)
        assert woke.is_set()


def test_dashboard_trends_and_coverage_are_for_supervisors(store: Store, staff: dict[str, Actor]) -> None:
    from datetime import date

    from calldesk.errors import PermissionDenied
    from calldesk.store.db import users
    from calldesk.store.read.dashboard import coverage, dashboard, trends
    from tests.integration.helpers import lausd

    numbers = _fill(store, staff, 6)
    sue = staff["supervisor"]
    with store.uow() as uow:
        reassign(uow, actor=sue, case_number=numbers[1], to_user="sam")
        users.set_absence(uow, actor=sue, username="sam", absent_since=date(2026, 1, 5))
        uow.commit()
    with store.uow(readonly=True) as uow:
        figures = dashboard(uow.session, actor=sue, profile=lausd(), now=utcnow())
        assert figures.open_total == 6 and sum(n for _, n in figures.weeks) == 6
        assert sum(n for _, n in figures.backlog) == 6 and dict(figures.by_category)["Transportation"] == 3
        found = trends(uow.session, actor=sue, profile=lausd(), now=utcnow())
        expected = {(f"School {i}", 2) for i in range(3)} if lausd().trend_threshold <= 2 else set()
        assert {(t.place, t.cases) for t in found} == expected
        for i in range(lausd().trend_threshold):
            call(store, sue, caller_name=f"Other {i}", phone=f"21355599{i:02d}", school="Roosevelt High")
        with store.uow(readonly=True) as later:
            found = trends(later.session, actor=sue, profile=lausd(), now=utcnow())
        assert ("Roosevelt High", lausd().trend_threshold) in {(t.place, t.cases) for t in found}
        cover = coverage(uow.session, actor=sue, profile=lausd(), now=utcnow())
        # sam's concern (1, reassigned to him) and complaint (2, routed to him) have follow-up clocks.
        assert sorted((c.absent, c.what, c.case_number) for c in cover if c.what == "follow-up") == [
            ("sam", "follow-up", numbers[1]), ("sam", "follow-up", numbers[2])]
        for reader in (dashboard, trends, coverage):
            with pytest.raises(PermissionDenied):
                reader(uow.session, actor=staff["agent"], profile=lausd(), now=utcnow())  # type: ignore[operator]


def test_the_dashboard_counts_weeks_in_the_agency_time_zone(store: Store, staff: dict[str, Actor]) -> None:
    from datetime import UTC, date, datetime

    from calldesk.store.read.dashboard import dashboard
    from tests.integration.helpers import lausd

    assert lausd().timezone == "America/Los_Angeles"
    now = utcnow()
    # Monday 03:00 UTC is Sunday evening in Los Angeles: the week before. Tuesday 03:00 UTC: Monday's week.
    monday = (now - timedelta(days=now.weekday() + 14)).replace(hour=3, minute=30, second=0, microsecond=0)
    for when in (monday, monday + timedelta(days=1)):
        call(store, staff["supervisor"], caller_name=f"Caller {when.day}", phone=f"213555{when.day:04d}",
             opened_at=when.astimezone(UTC))
    with store.uow(readonly=True) as uow:
        figures = dashboard(uow.session, actor=staff["supervisor"], profile=lausd(), now=now)
    local_monday: date = datetime.combine(monday.date(), datetime.min.time()).date()
    assert dict(figures.weeks) == {local_monday - timedelta(days=7): 1, local_monday: 1}


@pytest.mark.parametrize("sort", ["number", "opened", "tier"])
def test_a_filtered_queue_pages_in_the_sort_order(store: Store, staff: dict[str, Actor], sort: str) -> None:
    # A filter with another sort than the deadline (on SQLite: few matches are read by the filter's index and
    # sorted, queue_page's FEW path): the same order as the unfiltered queue, every match once.
    numbers = _fill(store, staff)
    sue = staff["supervisor"]
    for descending in (False, True):
        everything = _walk(store, sue, sort, descending)
        walked = _walk(store, sue, sort, descending, category="Transportation")
        assert walked == [n for n in everything if n in set(numbers[1::2])] and len(walked) == 6


def test_the_queue_search_takes_a_short_case_number(store: Store, staff: dict[str, Actor]) -> None:
    """"2026-4" (as Find reads it) finds case 2026-000004 in the queue's search too."""
    numbers = _fill(store, staff)
    year, running = numbers[3].split("-")
    with store.uow(readonly=True) as uow:
        page = queue_page(uow.session, actor=staff["supervisor"], now=utcnow(), sort="number",
                          filters=QueueFilter(search=f"{year}-{int(running)}"), limit=5)
    assert [r.case_number for r in page.rows] == [numbers[3]]
