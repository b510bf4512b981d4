"""Alembic environment: runs on the connection calldesk hands it (see calldesk.store.db.schema)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import calldesk.models  # noqa: F401  (registers every table on SQLModel.metadata)

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("calldesk migrations run through `calldesk db upgrade`, which supplies the connection.")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
