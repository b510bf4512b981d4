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
