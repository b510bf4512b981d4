"""After an abuse mark the narrative leaves the store's files as far as each backend allows; `db compact`
rewrites the rest."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from calldesk.store.db.engine import sqlite_path
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import mark_abuse
from tests.cli.test_cli import run
from tests.integration.helpers import call

MARKER = "QZX-narrative-that-must-go-4417"


def _filenodes(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT relname, relfilenode FROM pg_class WHERE relname IN "
                                 "('cases', 'followup', 'auditevent', 'callback')")).all()
    return {name: int(node) for name, node in rows}


def test_compact_rewrites_the_store_and_no_copy_of_a_scrubbed_narrative_is_left(
        store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], claim=f"{MARKER} at home").case.case_number
    with store.uow() as uow:
        mark_abuse(uow, actor=staff["supervisor"], case_number=number)
    before = _filenodes(store) if store.backend == "postgresql" else {}
    code, out, err = run(store.url, "db", "compact")
    assert code == 0 and "Compacted" in out, err
    if store.backend == "postgresql":  # VACUUM FULL: every table rewritten into a new file, dead versions gone
        after = _filenodes(store)
        assert after.keys() == before.keys() and all(after[t] != before[t] for t in before)
        return
    path = sqlite_path(store.url)
    assert path is not None
    files = [path, path.with_name(path.name + "-wal")]
    assert all(MARKER.encode() not in f.read_bytes() for f in files if f.exists())


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_compact_is_for_admins(store: Store, staff: dict[str, Actor]) -> None:
    from tests.cli.test_cli import _other_admin_and_os_user_as

    _other_admin_and_os_user_as(store.url, "supervisor")
    code, _, err = run(store.url, "db", "compact")
    assert code == 1 and "Only admins may maintain the store" in err
