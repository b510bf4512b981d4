"""`calldesk demo`: synthetic cases in bulk, routed by the protocol's rules, deterministic, admins only."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from calldesk.demo.fill import fill_demo
from calldesk.errors import PermissionDenied
from calldesk.models import AuditEvent, Callback, Case, CaseLink, FollowUp
from calldesk.rules.routing import route
from calldesk.store.db.audit import case_history
from calldesk.store.db.store import Store, open_store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.conftest import ADMIN
from tests.integration.helpers import lausd

NOW = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)


def _rows(store: Store) -> list[tuple[object, ...]]:
    with store.uow(readonly=True) as uow:
        return [tuple(r) for r in uow.session.execute(text(
            "SELECT case_number, caller_name, phone_digits, category, school, call_type, tier, owner_role, status, "
            "respond_by, resolve_by FROM cases ORDER BY id")).all()]


def test_demo_fills_routed_cases_with_repeats_history_and_is_resumable(store: Store, admin: Actor) -> None:
    progress: list[tuple[int, int]] = []
    with store.uow() as uow:
        summary = fill_demo(uow, admin, lausd(), 600, 7, now=NOW, batch=250,
                            progress=lambda done, total: progress.append((done, total)))
    assert summary.cases == 600 and progress[-1] == (600, 600) and len(progress) >= 3
    with store.uow(readonly=True) as uow:
        session = uow.session
        cases = session.exec(select(Case)).all()
        assert len(cases) == 600
        assert {c.status for c in cases} == {"open", "closed"}
        assert len({c.call_type for c in cases}) >= 3 and len({c.category for c in cases}) >= 5
        years = {c.opened_at.year for c in cases}
        assert len(years) >= 2 and min(c.opened_at for c in cases) < NOW.replace(year=2025)
        names = [c.caller_name_key for c in cases]
        assert max(names.count(n) for n in set(names)) >= 3  # common names call again
        assert session.exec(select(func.count()).select_from(CaseLink)).one() == summary.repeats > 0
        assert session.exec(select(func.count()).select_from(FollowUp)).one() == summary.follow_ups > 0
        assert session.exec(select(func.count()).select_from(Callback)).one() == summary.callbacks > 0
        profile = lausd()
        for case in cases[:80]:  # the rules' own routing (a repeat is at least a concern)
            linked = session.exec(select(CaseLink).where(CaseLink.case_id == case.id)).first() is not None
            decided = route(profile, fields=case.model_dump(), opened_at=case.opened_at, linked_repeat=linked)
            assert (case.tier, case.resolve_by) == (decided.decision.tier, decided.decision.deadlines.resolve_by)
            assert not case.abuse_marked and "abuse" not in case.claim.lower()
        assert all(c.next_deadline is None for c in cases if c.status == "closed")
        # one audit event per change: the opening holds every field it set
        opened = session.exec(select(AuditEvent).where(AuditEvent.action == "case.open")).all()
        assert len(opened) == 600
        first = json.loads(opened[0].changes or "{}")
        assert first["category"][1] and first["caller_name"] == [None, "(personal data: see the record)"]
        assert first["claim"][1].startswith("[text ")  # narrative only as a fingerprint
        history = case_history(session, {cases[0].id or 0: cases[0].case_number})
        assert history[0].action == "case.open" and "tier" in history[0].changes
        (n,) = session.execute(text("SELECT max(last) FROM casecounter")).one()
        assert n >= 1
    before = _rows(store)
    with store.uow() as uow:
        again = fill_demo(uow, admin, lausd(), 600, 7, now=NOW)
    assert again.cases == 0 and again.skipped == 600 and _rows(store) == before


def _cases(store: Store) -> list[dict[str, object]]:
    with store.uow(readonly=True) as uow:
        return [c.model_dump(exclude={"id", "updated_at"}) for c in uow.session.exec(select(Case).order_by(Case.id))]


def test_demo_is_deterministic_for_a_seed(store: Store, admin: Actor, tmp_path: Path) -> None:
    with store.uow() as uow:
        fill_demo(uow, admin, lausd(), 150, 11, now=NOW)
    twin = open_store(f"sqlite:///{tmp_path / 'twin.db'}", configured_user=ADMIN)
    try:
        with twin.uow() as uow:
            fill_demo(uow, twin.actor(), lausd(), 150, 11, now=NOW)
        assert _cases(twin) == _cases(store)
        with twin.uow() as uow:
            fill_demo(uow, twin.actor(), lausd(), 150, 12, now=NOW)  # another seed: other cases
        assert _cases(twin)[150:] != _cases(store)
    finally:
        twin.close()


def test_demo_is_for_admins_only(store: Store, staff: dict[str, Actor]) -> None:
    with store.uow() as uow, pytest.raises(PermissionDenied):
        fill_demo(uow, staff["supervisor"], lausd(), 10, 1)
    assert _rows(store) == []


def test_demo_command(db_url: str) -> None:
    code, out, err = run(db_url, "demo", "--cases", "120", "--seed", "4", "--json")
    assert code == 0, err
    assert json.loads(out)["cases"] == 120
    code, out, _ = run(db_url, "case", "list", "--json")
    assert code == 0 and 0 < len(json.loads(out)) <= 120
    code, _, err = run(db_url, "demo", "--cases", "0")
    assert code == 1 and "--cases" in err
