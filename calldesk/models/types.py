"""Column types shared by every table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from calldesk.rules.vocabulary import utcnow

__all__ = ["UTCDateTime", "max_length", "sqlite_utc_text", "utcnow"]


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on both backends (SQLite keeps no zone, so we add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("calldesk stores only timezone-aware datetimes")
        value = value.astimezone(UTC)
        # SQLite has no zone type: keep naive UTC so ordering by text stays correct.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)



def sqlite_utc_text(value: datetime | None) -> str | None:
    """What UTCDateTime and SQLite's DATETIME together store for `value` (naive UTC text with microseconds),
    in one step: for bulk inserts that bind a million values."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("calldesk stores only timezone-aware datetimes")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def max_length(model: type[SQLModel], name: str) -> int:
    """The most characters `model`'s field `name` takes (its `max_length`): the one statement of that limit, for a
    form's box and its check. KeyError if the field sets none."""
    for rule in model.model_fields[name].metadata:
        limit = getattr(rule, "max_length", None)
        if isinstance(limit, int):
            return limit
    raise KeyError(f"{model.__name__}.{name} sets no max_length")
