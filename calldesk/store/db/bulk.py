"""Bulk inserts for demo data and imports: one driver executemany per table and batch."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, text

from calldesk.models.types import UTCDateTime, sqlite_utc_text
from calldesk.rules.repeat import TREND_LISTED

CACHE_KIB = 65536  # SQLite page cache of a bulk writer's connection: the growing indexes stay in memory


def bulk_connection(session: Any) -> Any:
    """The session's connection, set up for a bulk load: on SQLite a bigger page cache (this connection only;
    durability unchanged)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"PRAGMA cache_size = -{CACHE_KIB}"))
    return session.connection()


def _bind_of(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """How SQLAlchemy binds a value of `column_type`, in one step where that can be had: UTC text for SQLite's
    datetimes; on SQLite a Python bool as it is (the driver stores True as 1, as Boolean's processor would)."""
    if dialect.name == "sqlite":
        if isinstance(column_type, UTCDateTime):
            return sqlite_utc_text
        if isinstance(column_type, Boolean):
            return None
    return column_type.dialect_impl(dialect).bind_processor(dialect)  # type: ignore[no-any-return]


def insert_rows(connection: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """One driver executemany of `rows` (dicts of the same columns) into `table`: each value bound by its
    column's type exactly as SQLAlchemy binds it, without building a statement context per row."""
    names = list(rows[0])
    compiled = table.insert().compile(dialect=connection.dialect, column_keys=names)
    order = list(compiled.positiontup) if compiled.positional else names
    dialect = connection.dialect
    binds = [(name, _bind_of(table.c[name].type, dialect)) for name in order]
    if compiled.positional:  # column by column (C loops, not a Python loop per value), then zipped into rows
        columns = [list(map(bind, map(itemgetter(name), rows))) if bind else list(map(itemgetter(name), rows))
                   for name, bind in binds]
        params: list[Any] = list(zip(*columns, strict=True))
    else:
        params = [{name: bind(row[name]) if bind else row[name] for name, bind in binds} for row in rows]
    connection.exec_driver_sql(str(compiled), params)


class SchoolLog:
    """The opening times and numbers of the cases held at each school (as `open_case` finds them: the school
    as written), in opening order: how many fall in a trend window is two bisections, not a walk (the trend
    rule's count for a bulk path: `rules.repeat.trend_of`)."""

    def __init__(self) -> None:
        self.times: dict[str, list[datetime]] = defaultdict(list)
        self.numbers: dict[str, list[str]] = defaultdict(list)

    def add(self, school: str, opened: datetime, number: str) -> None:
        times = self.times[school]
        at = bisect_right(times, opened)
        times.insert(at, opened)
        self.numbers[school].insert(at, number)

    def forget(self, school: str, before: datetime) -> None:
        times = self.times.get(school)
        if times is None:
            return
        cut = bisect_left(times, before)
        del times[:cut], self.numbers[school][:cut]
        if not times:
            del self.times[school], self.numbers[school]

    def earlier(self, school: str, since: datetime, until: datetime) -> tuple[int, list[str]]:
        """How many cases at `school` opened in [since, until], and the newest TREND_LISTED of their numbers."""
        times = self.times.get(school)
        if not times:
            return 0, []
        lo, hi = bisect_left(times, since), bisect_right(times, until)
        return max(hi - lo, 0), self.numbers[school][max(lo, hi - TREND_LISTED):hi]
