"""Many writers, kill -9 during saves, and writes to a case's children racing an abuse mark, on both backends."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import func, select

from calldesk.errors import CalldeskError
from calldesk.models import AuditEvent, Callback, CallbackCreate, Case, FollowUp
from calldesk.store.db import maintenance
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.one_case import get_case
from calldesk.store.services import callbacks
from calldesk.store.services.cases import mark_abuse
from tests.integration.helpers import call, lausd

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
STEPS = 20


def _worker(url: str, user: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.reliability.worker", url, user, *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_many_writers_on_shared_cases_lose_nothing_and_see_no_stale_error(
        store: Store, staff: dict[str, Actor]) -> None:
    # Opened by the agent, routed to the program specialist: all four writers may see them.
    cases = [call(store, staff["agent"], call_type="concern", category="Transportation",
                  claim="Bus late").case for _ in range(2)]
    people = ["ana", "pat", "sam", "sue"][:WRITERS]
    procs = [_worker(store.url, name, "follow-ups", cases[i % 2].case_number, str(STEPS))
             for i, name in enumerate(people)]
    results = [p.communicate(timeout=240) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-300:] for _, err in results]  # no stale error at all
    with store.uow(readonly=True) as uow:
        entries = uow.session.exec(select(func.count()).select_from(FollowUp)).one()
        audited = uow.session.exec(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.action == "followup.add")).one()
        versions = [get_case(uow.session, c.case_number, viewer=None).version - c.version for c in cases]
    assert entries == audited == WRITERS * STEPS
    assert sum(versions) == WRITERS * STEPS  # every child write went through its case's version


@pytest.mark.slow
def test_kill_9_during_saves_keeps_every_acknowledged_case(store: Store, staff: dict[str, Actor]) -> None:
    acknowledged: list[str] = []
    for round_ in range(4):
        proc = _worker(store.url, "ana", "open", "500")
        assert proc.stdout is not None
        first = proc.stdout.readline()  # saving has begun: kill it mid-stream, a little later each round
        time.sleep(0.1 + 0.15 * round_)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        acknowledged += [line.strip() for line in [first, *out.splitlines()] if line.strip()]
        report = maintenance.check(store.engine)
        assert report.ok, report.problems
    assert acknowledged
    with store.uow(readonly=True) as uow:
        numbers = set(uow.session.exec(select(Case.case_number)))
    assert set(acknowledged) <= numbers


def test_a_callback_racing_an_abuse_mark_never_keeps_its_message(store: Store, staff: dict[str, Actor]) -> None:
    agent, sue = staff["agent"], staff["supervisor"]
    errors: list[BaseException] = []
    for i in range(12):
        number = call(store, agent, claim="He said something at home").case.case_number

        def message(n: str = number, k: int = i) -> None:
            try:
                with store.uow() as uow:
                    callbacks.add_callback(uow, actor=agent, profile=lausd(), data=CallbackCreate(
                        caller_name="Aunt", message=f"details {k}: he was hit", case_number=n))
            except CalldeskError:
                pass
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertion below
                errors.append(exc)

        def mark(n: str = number) -> None:
            try:
                with store.uow() as uow:
                    mark_abuse(uow, actor=sue, case_number=n)
            except BaseException as exc:  # noqa: BLE001 - a mark must never fail
                errors.append(exc)

        threads = [threading.Thread(target=message), threading.Thread(target=mark)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert errors == []
    with store.uow(readonly=True) as uow:
        kept = uow.session.exec(select(Callback.message).join(Case, Case.id == Callback.case_id)  # type: ignore[arg-type]
                                .where(Case.abuse_marked == True, Callback.message != "")).all()  # noqa: E712
        marked = uow.session.exec(select(func.count()).select_from(Case).where(Case.abuse_marked == True)).one()  # noqa: E712
    assert marked == 12 and kept == []
