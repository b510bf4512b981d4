"""The bulk import binds SQLite datetimes in one step; what it stores must be what the ORM stores (the text is
compared and sorted by every deadline query)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from calldesk.models.types import UTCDateTime, sqlite_utc_text


@pytest.mark.parametrize("value", [
    datetime(2026, 11, 2, 10, 0, tzinfo=timezone(timedelta(hours=-8))),
    datetime(2026, 3, 8, 2, 30, 5, 12, tzinfo=UTC),
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    None,
])
def test_one_step_binding_is_what_the_orm_stores(value: datetime | None) -> None:
    dialect = sqlite.dialect()
    orm = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert orm is not None and sqlite_utc_text(value) == orm(value)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sqlite_utc_text(datetime(2026, 1, 1))


def test_a_bulk_insert_stores_what_the_orm_stores(db_url: str) -> None:
    # Booleans go to SQLite as they are and datetimes as one-step text: the rows must read back identically.
    from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, create_engine, select, text

    from calldesk.store.db.bulk import insert_rows

    table = Table("bulk_probe", MetaData(), Column("id", Integer, primary_key=True), Column("flag", Boolean),
                  Column("at", UTCDateTime()), Column("note", String))
    engine = create_engine(db_url)
    at = datetime(2026, 11, 2, 10, 0, 0, 5, tzinfo=timezone(timedelta(hours=-8)))
    rows = [{"id": i, "flag": flag, "at": when, "note": note}
            for i, (flag, when, note) in enumerate([(True, at, "a"), (False, None, ""), (None, at, None)])]
    try:
        with engine.begin() as connection:
            table.create(connection)
            for row in rows:  # as the ORM would: one statement per row
                connection.execute(table.insert(), {**row, "id": row["id"] + 10})
            insert_rows(connection, table, rows)
        with engine.connect() as connection:
            got = connection.execute(select(table).order_by(table.c.id)).all()
            stored = connection.execute(text("SELECT flag, CAST(at AS TEXT) FROM bulk_probe ORDER BY id")).all()
    finally:
        engine.dispose()
    assert [tuple(r)[1:] for r in got[:3]] == [tuple(r)[1:] for r in got[3:]]
    assert stored[:3] == stored[3:], "the same bytes in the file, not only the same values read back"
    assert got[0].flag is True and got[0].at == at


def test_an_opening_event_is_the_event_of_every_field_from_nothing() -> None:
    from calldesk.store.db import audit

    record = {"id": 7, "version": 1, "updated_at": datetime(2026, 1, 1, tzinfo=UTC), "case_number": "2026-000007",
              "caller_name": "Maria Gomez", "phone": "+12135550142", "claim": "Bus late [/] \x1b[31m",
              "urgent": True, "safety": False, "school": "", "email": None,
              "opened_at": datetime(2026, 11, 2, 18, 0, tzinfo=UTC), "tier": "inquiry"}
    kept = {k: v for k, v in record.items() if k not in audit.NOT_IN_SNAPSHOT and v is not None}
    expected = audit.event_row(at=record["opened_at"], actor="ana", action="case.open", entity="case",
                               entity_id="2026-000007", case_id=7, changes={k: (None, v) for k, v in kept.items()},
                               key=b"k")
    got = audit.opening_row(at=record["opened_at"], actor="ana", entity_id="2026-000007", case_id=7, record=record,
                            skip=audit.NOT_IN_SNAPSHOT, key=b"k")
    assert got == expected
    assert "Maria" not in got["changes"] and "Bus late" not in got["changes"]
