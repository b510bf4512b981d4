"""A PostgreSQL store's pooled connections: one idle a while is tried before use and replaced when the server has
dropped it (a restart, a firewall); one used a moment ago is not tried, so back-to-back saves pay no round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from calldesk.store.db import engine as engine_module
from calldesk.store.db.store import Store, open_store
from tests.conftest import ADMIN, _pg_exec


def _backend_pid(store: Store) -> int:
    with store.uow(readonly=True) as uow:
        return int(uow.session.execute(text("SELECT pg_backend_pid()")).scalar_one())


@pytest.fixture
def pg_store(db_url: str) -> Store:
    """Pooled connections are PostgreSQL's (a SQLite store opens its file): these tests run there only."""
    return open_store(db_url, configured_user=ADMIN)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_dropped_idle_connection_is_replaced_unseen(pg_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _backend_pid(pg_store)
    _pg_exec(f"SELECT pg_terminate_backend({first})")  # the server drops the pooled connection
    monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING_S", 0.0)  # as if idle longer than the wait
    second = _backend_pid(pg_store)  # no error: the ping found it dead, the pool made another
    assert second != first
    assert pg_store.actor().role == "admin"  # and the store answers as before
    pg_store.close()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_connection_used_a_moment_ago_is_not_pinged(pg_store: Store) -> None:
    _backend_pid(pg_store)
    pinged = []
    real = pg_store.engine.dialect.do_ping
    pg_store.engine.dialect.do_ping = lambda conn: pinged.append(1) or real(conn)  # type: ignore[method-assign]
    for _ in range(5):
        assert _backend_pid(pg_store) > 0
    assert pinged == []  # five checkouts in a row, none tried first
    pg_store.close()
