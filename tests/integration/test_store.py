"""The store itself on both backends: schema matches models, concurrent writers, online backup."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

from calldesk.errors import StoreError
from calldesk.models import AuditEvent, Case
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.queries import caller_history
from tests.integration.helpers import call

ROOT = Path(__file__).resolve().parents[2]


def test_migration_head_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diffs == []


def test_the_audit_trail_refuses_update_and_delete(store: Store, staff: dict[str, Actor]) -> None:
    call(store, staff["agent"])
    for statement in ("UPDATE auditevent SET actor = 'someone else'", "DELETE FROM auditevent"):
        with pytest.raises(StoreError, match="append-only"), store.uow() as uow:
            uow.session.connection().exec_driver_sql(statement)
            uow.commit()
    with store.uow(readonly=True) as uow:
        actors = set(uow.session.exec(select(AuditEvent.actor)))
    assert "someone else" not in actors and actors


def _writer(url: str, user: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.integration.writer", url, user, str(count)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_concurrent_agents_wait_instead_of_failing(store: Store, staff: dict[str, Actor]) -> None:
    procs = [_writer(store.url, name, 40) for name in ("ana", "pat", "sam")]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-400:] for _, err in results]
    with store.uow(readonly=True) as uow:
        numbers = list(uow.session.exec(select(Case.case_number)))
    assert len(numbers) == 120 and len(set(numbers)) == 120


# Backup under load, restores of truncated and fake backups: tests/reliability/test_backup_restore.py.


def test_logs_never_hold_personal_data(store: Store, staff: dict[str, Actor], caplog: pytest.LogCaptureFixture
                                       ) -> None:
    import logging

    marker = "Zelda Quixote-Marchbanks"
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("sqlalchemy").setLevel(logging.DEBUG)
        try:
            call(store, staff["agent"], caller_name=marker, email="zelda@example.org")
            with store.uow(readonly=True) as uow:  # reading the row back must not log its values either
                assert caller_history(uow.session, viewer=staff["agent"], name=marker)[0].caller_name == marker
            with pytest.raises(StoreError), store.uow() as uow:  # a failing statement logs its error
                uow.session.connection().exec_driver_sql("DELETE FROM auditevent")
                uow.commit()
        finally:
            logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)
    assert marker not in logged and "zelda@example.org" not in logged


def test_the_start_up_check_knows_the_newest_migration() -> None:
    from calldesk.store.db.schema import HEAD, head_revision

    assert head_revision() == HEAD
