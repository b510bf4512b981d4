"""Bulk inserts for demo data and imports: one driver executemany per table and batch."""

from __future__ import annotations

from typing import Any

from calldesk.models.types import UTCDateTime, sqlite_utc_text


def insert_rows(connection: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """One driver executemany of `rows` (dicts of the same columns) into `table`: each value bound by its
    column's type exactly as SQLAlchemy binds it, without building a statement context per row."""
    names = list(rows[0])
    compiled = table.insert().compile(dialect=connection.dialect, column_keys=names)
    order = list(compiled.positiontup) if compiled.positional else names
    dialect = connection.dialect
    binds = [(name, sqlite_utc_text if dialect.name == "sqlite" and isinstance(table.c[name].type, UTCDateTime)
              else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in order]
    if compiled.positional:
        params: list[Any] = [tuple(bind(row[name]) if bind else row[name] for name, bind in binds) for row in rows]
    else:
        params = [{name: bind(row[name]) if bind else row[name] for name, bind in binds} for row in rows]
    connection.exec_driver_sql(str(compiled), params)
