"""Schema upgrades (Alembic) and the version check every start makes.

Starting checks the version with one plain query against HEAD; Alembic itself (slow to import) loads only when
an upgrade is needed. A test keeps HEAD equal to the newest migration.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0024"  # the newest revision under migrations/versions


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    """The newest migration, as Alembic reads it from the scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at (None for an empty store)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store's schema up to `revision` (idempotent); on PostgreSQL (re)make the database's own
    enforcement of the rules (calldesk.store.db.security) in the same transaction."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
        if conn.dialect.name == "postgresql" and revision == "head":
            from calldesk.store.db import security

            security.apply(conn)
            security.stamp(conn)
