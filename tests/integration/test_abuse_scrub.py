"""After an abuse mark every narrative column is empty, and nothing of it stays in SQLite's files."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from calldesk.cli import app as cli_app
from calldesk.models import CaseUpdate, FollowUpCreate, ResolutionUpdate
from calldesk.rules.free_text import FREE_TEXT
from calldesk.store.db import scrub
from calldesk.store.db.engine import sqlite_path
from calldesk.store.db.store import Store, open_store
from calldesk.store.db.users import Actor
from calldesk.store.services import drafts
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.cases import mark_abuse, update_case
from tests.conftest import ADMIN
from tests.integration.helpers import call, lausd

MARKER = "QVW-uncle-hits-him-4471"


def _bytes_on_disk(store: Store) -> bytes:
    path = sqlite_path(store.url)
    assert path is not None
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def _narrative_values(store: Store, case_id: int) -> list[object]:
    values: list[object] = []
    with store.engine.connect() as conn:
        for table, kinds in FREE_TEXT.items():
            for column in kinds.narrative:
                key = "id" if table == "cases" else "case_id"
                query = text(f"SELECT {column} FROM {table} WHERE {key} = :id")
                values += conn.execute(query, {"id": case_id}).scalars()
    return values


def test_the_mark_empties_every_narrative_column_outcome_included(store: Store, staff: dict[str, Actor]) -> None:
    agent, pat = staff["agent"], staff["program_specialist"]
    case = call(store, agent, call_type="concern", category="Transportation", claim=f"Said {MARKER}",
                evidence=MARKER, steps_taken=MARKER, client_id="call-7").case
    with store.uow() as uow:
        casework.add_follow_up(uow, actor=pat, profile=lausd(), case_number=case.case_number,
                               data=FollowUpCreate(done=MARKER, pending=MARKER))
    with store.uow() as uow:
        casework.set_resolution(uow, actor=pat, case_number=case.case_number,
                                data=ResolutionUpdate(response=MARKER, outcome=MARKER))
    with store.uow() as uow:  # an edit after the save is autosaved as a draft of the same call
        drafts.save_draft(uow, actor=agent, client_id="call-7", form={"outcome": MARKER, "claim": MARKER,
                                                                      "caller_name": "Maria Gomez"})
    assert MARKER in [str(v) for v in _narrative_values(store, case.id)]
    with store.uow() as uow:
        marked = mark_abuse(uow, actor=agent, case_number=case.case_number)
    assert all(v in ("", None) for v in _narrative_values(store, case.id)), _narrative_values(store, case.id)
    with store.uow(readonly=True) as uow:
        (_, form), = drafts.drafts_of(uow.session, "ana")
    assert form["outcome"] == "" and form["claim"] == "" and form["caller_name"] == "Maria Gomez"
    assert form["abuse_marked"] is True
    # Nothing narrative can be written afterwards: the case's fields, a draft without the flag, the resolution.
    with store.uow() as uow:
        update_case(uow, actor=agent, profile=lausd(), case_number=case.case_number,
                    expected_version=marked.version, changes=CaseUpdate(claim=MARKER, evidence=MARKER))
    with store.uow() as uow:
        drafts.save_draft(uow, actor=agent, client_id="call-7", form={"outcome": MARKER, "response": MARKER})
    with store.uow() as uow:
        casework.set_resolution(uow, actor=pat, case_number=case.case_number,
                                data=ResolutionUpdate(response=MARKER, outcome=MARKER))
    assert all(v in ("", None) for v in _narrative_values(store, case.id))
    with store.engine.connect() as conn:
        assert MARKER not in str(conn.execute(text("SELECT form FROM draft")).scalars().all())
    if store.backend == "sqlite":
        assert MARKER.encode() not in _bytes_on_disk(store)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_saved_edited_then_marked_leaves_no_narrative_bytes(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    case = call(store, agent, call_type="concern", category="Transportation", claim="Bus was late",
                client_id="call-8").case
    for n in range(3):  # the edit: drafts written, rewritten, then the case saved (draft row deleted)
        with store.uow() as uow:
            drafts.save_draft(uow, actor=agent, client_id="call-8", form={"claim": f"{MARKER} edit {n}"})
    with store.uow() as uow:
        saved = update_case(uow, actor=agent, profile=lausd(), case_number=case.case_number,
                            expected_version=case.version, changes=CaseUpdate(claim=f"{MARKER} saved"))
    with store.uow() as uow:
        drafts.discard_draft(uow, actor=agent, client_id="call-8")
    assert MARKER.encode() in _bytes_on_disk(store)
    with store.uow() as uow:
        mark_abuse(uow, actor=agent, case_number=saved.case.case_number)
    assert MARKER.encode() not in _bytes_on_disk(store)


@pytest.mark.serial  # a time limit
@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_reader_holding_the_wal_delays_the_scrub_but_never_stops_it(
        store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    case = call(store, agent, call_type="concern", category="Transportation", claim=MARKER).case
    path = sqlite_path(store.url)
    assert path is not None
    other_desk = sqlite3.connect(path, isolation_level=None)
    other_desk.execute("BEGIN")
    other_desk.execute("SELECT count(*) FROM cases").fetchone()  # a read transaction on the old snapshot
    try:
        started = time.monotonic()
        with store.uow() as uow:
            mark_abuse(uow, actor=agent, case_number=case.case_number)
        assert time.monotonic() - started < 2, "the mark must not wait for the other desk"
        assert scrub.pending_since(store.engine) is not None
        result = CliRunner().invoke(cli_app, ["--db", store.url, "db", "check"], env={"CALLDESK_USER": ADMIN})
        assert "scrub pending:" in result.output, result.output
        assert MARKER.encode() in _bytes_on_disk(store)  # still in -wal while the reader holds it
    finally:
        other_desk.execute("COMMIT")
        other_desk.close()
    deadline = time.monotonic() + 5
    while MARKER.encode() in _bytes_on_disk(store) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert MARKER.encode() not in _bytes_on_disk(store)
    while scrub.pending_since(store.engine) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scrub.pending_since(store.engine) is None
    result = CliRunner().invoke(cli_app, ["--db", store.url, "db", "check"], env={"CALLDESK_USER": ADMIN})
    assert "scrub: ok" in result.output


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_pending_scrub_left_by_a_process_that_ended_is_completed_on_the_next_open(
        store: Store, staff: dict[str, Actor]) -> None:
    marker = scrub.marker_path(store.engine)
    assert marker is not None
    marker.write_text(json.dumps({"since": "2026-12-01T10:00:00+00:00"}))
    reopened = open_store(store.url, configured_user=ADMIN)
    try:
        assert not marker.exists()
        assert scrub.pending_since(reopened.engine) is None
    finally:
        reopened.close()


def test_no_code_path_can_store_a_narrative_on_a_marked_call(store: Store, staff: dict[str, Actor]) -> None:
    from calldesk.models import Escalation, FollowUp, Resolution

    agent = staff["agent"]
    case = call(store, agent, call_type="concern", category="Transportation", claim="Bus").case
    with store.uow() as uow:
        mark_abuse(uow, actor=agent, case_number=case.case_number)
    with store.uow() as uow:  # rows written straight through the session, past every service
        uow.session.add(FollowUp(case_id=case.id, done=MARKER, pending=MARKER, by_user="ana"))
        uow.session.add(Resolution(case_id=case.id, response=MARKER, outcome=MARKER, updated_by="ana"))
        uow.session.add(Escalation(case_id=case.id, level=1, title="Coordinator", to_role="supervisor",
                                   reason=MARKER, by_user="ana"))
        from calldesk.store.read.one_case import get_case

        get_case(uow.session, case.case_number, viewer=None).claim = MARKER
        uow.commit()
    values = [str(v) for v in _narrative_values(store, case.id)]
    assert MARKER not in " ".join(values) and values
