"""Retention purges, litigation holds and a caller's erasure on both backends; on SQLite the raw file is
searched byte by byte for what was removed."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from calldesk.errors import PermissionDenied
from calldesk.models import (
    AuditEvent,
    Callback,
    CallbackCreate,
    Case,
    ConsentCreate,
    FollowUp,
    FollowUpCreate,
    Resolution,
    Student,
)
from calldesk.store.db.engine import sqlite_path
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.callbacks import add_callback
from calldesk.store.services.confidentiality import record_consent
from calldesk.store.services.follow_ups_resolution import add_follow_up
from calldesk.store.services.retention import caller_erase, caller_export, place_hold, purge, release_hold
from tests.cli.test_cli import run
from tests.reports.seed import MARKERS, NAME, PHONE, close, la, oc, planted_case

TODAY = date(2026, 12, 1)
LONG_AGO = datetime(2020, 3, 2, 12, tzinfo=la(1, 1).tzinfo)  # closed more than five years before TODAY


def _raw(store: Store) -> bytes:
    """Every byte SQLite keeps for the store: the main file and its WAL."""
    path = sqlite_path(store.url)
    assert path is not None
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _counts(store: Store) -> dict[str, int]:
    with store.uow(readonly=True) as uow:
        return {m.__name__: int(uow.session.exec(select(func.count()).select_from(m)).one())
                for m in (Case, Student, Resolution, Callback, AuditEvent)}


def _closed_long_ago(store: Store, staff: dict[str, Actor], **planted: str) -> str:
    number = planted_case(store, staff, opened=la(1, 6), **planted)
    close(store, staff, number, "late", closed_at=LONG_AGO, response=f"Called {planted.get('name', 'her')} back")
    return number


OTHER = {"name": "Ignatius Fairweather", "phone": "(714) 555-0166", "email": "ignatius@example.org",
         "student": "Philippa Quell", "student_id": "SID445566"}


def test_purge_dry_run_changes_nothing_then_purges_past_retention_but_not_a_held_case(
        store: Store, staff: dict[str, Actor], backend: str, tmp_path: Path) -> None:
    purged = _closed_long_ago(store, staff)
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF signed letter")
    with store.uow() as uow:  # the signed response letter attached to the case
        uow.session.execute(update(Resolution).values(letter_path=str(letter)))
        uow.commit()
    held = _closed_long_ago(store, staff, **OTHER)
    recent = planted_case(store, staff, opened=la(11, 2), name="Recent Caller", phone="(714) 555-0155",
                          email="recent@example.org", student="Recent Student", student_id="SID123321")
    close(store, staff, recent, "late", closed_at=la(11, 20))  # closed weeks ago: inside retention
    with store.uow() as uow:
        place_hold(uow, actor=staff["supervisor"], case_number=held, reason="Fairweather v. County")
    before = _counts(store)

    with store.uow() as uow:
        dry = purge(uow, actor=staff["admin"], profile=oc(), closed_before=TODAY, dry_run=True, today=TODAY)
    assert (dry.cases, dry.held, dry.by_class["closed complaints"], dry.attachments) == (1, 1, 1, 1)
    assert _counts(store) == before and letter.exists()

    with store.uow() as uow, pytest.raises(PermissionDenied):
        purge(uow, actor=staff["supervisor"], profile=oc(), closed_before=TODAY, today=TODAY)
    with store.uow() as uow:
        done = purge(uow, actor=staff["admin"], profile=oc(), closed_before=TODAY, today=TODAY)
    assert (done.cases, done.held, done.attachments) == (1, 1, 1) and not letter.exists()
    with store.uow(readonly=True) as uow:
        left = set(uow.session.exec(select(Case.case_number)).all())
        assert left == {held, recent}
        assert uow.session.exec(select(func.count()).select_from(Student)).one() == 2
        event = uow.session.exec(select(AuditEvent).where(AuditEvent.action == "retention.purge")).one()
    assert event.actor == staff["admin"].username and json.loads(event.new or "")["cases"] == 1
    assert purged not in (event.new or "")
    if backend == "sqlite":
        raw = _raw(store).lower()
        for marker in MARKERS:
            assert marker.lower().encode() not in raw, f"{marker!r} is still in the raw file"
        assert b"fairweather" in raw  # the held case is all still there

    with store.uow() as uow:
        release_hold(uow, actor=staff["supervisor"], case_number=held)
    with store.uow() as uow:
        assert purge(uow, actor=staff["admin"], profile=oc(), closed_before=TODAY, today=TODAY).cases == 1


def test_closed_before_limits_a_purge_and_a_young_class_is_kept(store: Store, staff: dict[str, Actor]) -> None:
    _closed_long_ago(store, staff)
    with store.uow() as uow:
        assert purge(uow, actor=staff["admin"], profile=oc(), closed_before=date(2019, 1, 1), dry_run=True,
                     today=TODAY).cases == 0
    # Two years for "other closed cases": an inquiry closed in 2025 stays.
    number = planted_case(store, staff, opened=la(1, 5), call_type="inquiry", **OTHER)
    close(store, staff, number, "late", closed_at=datetime(2025, 6, 1, tzinfo=LONG_AGO.tzinfo))
    with store.uow() as uow:
        result = purge(uow, actor=staff["admin"], profile=oc(), closed_before=TODAY, dry_run=True, today=TODAY)
    assert result.by_class == {"closed complaints": 1, "closed concerns": 0, "other closed cases": 0}


def test_a_caller_is_exported_then_erased_leaving_no_identifier(store: Store, staff: dict[str, Actor],
                                                                backend: str) -> None:
    first = planted_case(store, staff, opened=la(10, 5))
    planted_case(store, staff, opened=la(10, 6), call_type="inquiry")
    with store.uow() as uow:
        add_callback(uow, actor=staff["agent"], profile=oc(), data=CallbackCreate(
            caller_name="Quintessa Marblewright", phone=PHONE, message="Call me back", case_number=first))
    with store.uow() as uow:
        add_follow_up(uow, actor=staff["agent"], profile=oc(), case_number=first, data=FollowUpCreate(
            done="Called Quintessa Marblewright at 714-555-0187", pending="Email qmarble@example.org"))
    with store.uow(readonly=True) as uow:
        student_id = uow.session.exec(select(Student.id)).first()
    with store.uow() as uow:
        record_consent(uow, actor=staff["agent"], case_number=first, student_id=student_id,  # type: ignore[arg-type]
                       data=ConsentCreate(signed_by=NAME, signed_on=date(2026, 10, 5), records="all",
                                          purpose="talk to the school", recipient="the principal"),
                       today=date(2026, 10, 5))
    with store.uow() as uow:  # a voicemail from the same phone, on no case
        add_callback(uow, actor=staff["agent"], profile=oc(), data=CallbackCreate(
            caller_name="Quintessa", phone="714.555.0187", message="It's Quintessa again"))
    held = planted_case(store, staff, opened=la(10, 7), **OTHER)
    with store.uow() as uow:
        place_hold(uow, actor=staff["supervisor"], case_number=held, reason="Matter 12")

    with store.uow() as uow:
        mine = caller_export(uow, actor=staff["admin"], profile=oc(), who="714-555-0187")
    assert len(mine) == 4 and mine[0]["caller_name"] == "Quintessa Marblewright"
    assert mine[0]["students"][0]["student_ref"] == "SID778812" and mine[2]["callback"]["message"] == "Call me back"
    with store.uow() as uow, pytest.raises(PermissionDenied):
        caller_export(uow, actor=staff["supervisor"], profile=oc(), who="714-555-0187")

    with store.uow() as uow:
        result = caller_erase(uow, actor=staff["admin"], profile=oc(), who="qmarble@example.org")
    assert (result.cases, result.held, result.callbacks) == (2, 0, 1)  # with the callback on her case
    with store.uow() as uow:
        assert caller_erase(uow, actor=staff["admin"], profile=oc(), who=OTHER["phone"]).held == 1
    with store.uow() as uow:
        result = caller_erase(uow, actor=staff["admin"], profile=oc(), who=PHONE)
    assert result.cases == 0 and result.callbacks == 1  # the cases were erased already; the voicemail now
    with store.uow(readonly=True) as uow:
        cases = uow.session.exec(select(Case).order_by(Case.id)).all()
        assert [c.caller_name for c in cases] == ["[erased]", "[erased]", OTHER["name"]]
        assert cases[0].claim.startswith("[NAME]") and cases[0].reportable
        assert not uow.session.exec(select(Callback)).all()
        entry = uow.session.exec(select(FollowUp)).one()
        assert entry.done == "Called [NAME] at [PHONE]" and entry.pending == "Email [EMAIL]"
        trail = " ".join(f"{e.old} {e.new} {e.changes}" for e in uow.session.exec(select(AuditEvent)))
    for marker in MARKERS:
        assert marker.lower() not in trail.lower()
    if backend == "sqlite":
        raw = _raw(store).lower()
        for marker in MARKERS:
            assert marker.lower().encode() not in raw, f"{marker!r} is still in the raw file"


def test_purge_and_erase_from_the_cli(store: Store, staff: dict[str, Actor], db_url: str) -> None:
    _closed_long_ago(store, staff)
    run(db_url, "--protocol", "oc_ccts", "hold", "list")  # the first open loads the profile's reference data
    before = _counts(store)
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "purge", "--closed-before", "2026-12-01", "--dry-run",
                       "--json")
    assert code == 0 and json.loads(out)["cases"] == 1 and _counts(store) == before
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "purge", "--closed-before", "2026-12-01")
    assert code == 0 and "Purged 1 case(s)" in out
    number = planted_case(store, staff)
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "hold", "place", number, "--reason", "Matter 7", "--json")
    assert code == 0 and json.loads(out) == {"case_number": number, "held": True}
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "hold", "list", "--json")
    assert [(h["case_number"], h["reason"]) for h in json.loads(out)] == [(number, "Matter 7")]
    code, _, err = run(db_url, "--protocol", "oc_ccts", "hold", "place", number, "--reason", "again")
    assert code == 1 and "already under a litigation hold" in err
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "caller", "erase", PHONE, "--json")
    assert code == 0 and json.loads(out)["held"] == 1 and json.loads(out)["cases"] == 0
    assert run(db_url, "--protocol", "oc_ccts", "hold", "release", number)[0] == 0
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "caller", "export", PHONE)
    assert code == 0 and json.loads(out)[0]["email"] == "qmarble@example.org"
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "caller", "erase", PHONE, "--json")
    assert code == 0 and json.loads(out)["cases"] == 1
