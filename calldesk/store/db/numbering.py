"""Case numbers: each year's numbers (2026-000001 upward) handed out by the year's `casecounter` row.

On PostgreSQL the number is taken by one statement in a transaction of its own (autocommit: the row is locked
inside the server for the UPDATE and its commit, never across a round trip to a desk that may be waiting for a
CPU), so desks saving at once do not queue behind one another's saves. The price is
a gap: a save that fails after taking its number (the database refuses it, the desk dies mid-save) leaves that
number unused; numbers stay unique, per year and rising. SQLite has one writer at a time, so there the number
is taken inside the save's own transaction and a failed save gives its number back.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text
from sqlmodel import Session

_BUMP = text("UPDATE casecounter SET last = last + 1 WHERE year = :y RETURNING last")
_FIRST = text("INSERT INTO casecounter (year, last) VALUES (:y, 0) ON CONFLICT (year) DO NOTHING")


def _bump(conn: Connection | Session, year: int) -> int:
    last = conn.execute(_BUMP, {"y": year}).scalar()
    if last is None:  # the year's first case: make its row (a racing desk may make it first), then bump it
        conn.execute(_FIRST, {"y": year})
        last = conn.execute(_BUMP, {"y": year}).scalar_one()
    return int(last)


def next_case_number(session: Session, year: int) -> str:
    """The next case number of `year` ("2026-000123"): on PostgreSQL already committed (see the module's note)."""
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            last = _bump(conn, year)
    else:
        last = _bump(session, year)
    return f"{year}-{last:06d}"


def one_save_per_client(session: Session, client_id: str) -> None:
    """A retried save of the same call (same client_id) waits for the first to finish, then finds its case.
    (SQLite's single writer already orders them; on PostgreSQL a lock on the client id, held until commit.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"calldesk.save:{client_id}"})
