"""Probing a PostgreSQL store directly as each staff login (issue 21, "The database is the last line").

Shared by tests/reliability/test_direct_sql*.py: a team of logins made by `calldesk db grant` (the conftest `team`
fixture's people, built once per module), the rows every probe aims at, and how a refusal is told apart from any
other error. Every probe connects as a staff login (psycopg on `team.url(who)`, or the real `psql`); the owner's
connection only seeds and checks.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, String, Table, TypeDecorator, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import calldesk.models  # noqa: F401  (every table in SQLModel.metadata)
from calldesk.store.db.store import open_store
from tests.conftest import (
    RUN_TAG,
    TEAM_PEOPLE,
    TEAM_PLACES,
    TEAM_PREFIX,
    Team,
    _drop_database,
    _pg_exec,
    pg_admin_url,
)
from tests.integration.helpers import call

ROLE = dict(TEAM_PEOPLE)
PEOPLE = [who for who, _ in TEAM_PEOPLE]
FINGERPRINT = r"\[text [0-9]+ chars hmac:[0-9a-f]{32}\]"
_made = itertools.count()


def build_team(team_template: str) -> Iterator[Team]:
    """The conftest `team` fixture's store and logins, for a whole module: a database copied from the team's
    template (one login per person, made by `grant_login`, each with a password for TCP)."""
    name = f"calldesk_probe_{RUN_TAG}_{next(_made)}"
    _pg_exec(f"CREATE DATABASE {name} TEMPLATE {team_template}")
    db_url = make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    owner = open_store(db_url)
    made = Team(db_url, owner, TEAM_PREFIX)
    try:
        yield made
    finally:
        made.close()
        owner.close()
        _drop_database(name)


def libpq(url: str) -> str:
    """A SQLAlchemy URL as libpq (psycopg, psql) takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def connect(team: Team, who: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    """`who`'s own connection (their login role), never the owner's."""
    conn = psycopg.connect(libpq(team.url(who)), autocommit=autocommit)
    assert conn.execute("SELECT session_user").fetchone() == (team.name(who),)
    return conn


def owner(team: Team) -> psycopg.Connection[Any]:
    """The owner's connection: for seeding and for looking behind the rules, never for a probe."""
    return psycopg.connect(libpq(team.db_url), autocommit=True)


def psql(team: Team, who: str, script: str, *, stop: bool = False) -> subprocess.CompletedProcess[str]:
    """Run `script` with the real psql binary signed in as `who` (unaligned, tuples only)."""
    binary = shutil.which("psql")
    if binary is None:
        pytest.fail("psql is not installed: the direct-SQL probes need the real client")
    url = make_url(team.url(who))
    env = {**os.environ, "PGPASSWORD": url.password or "", "PGCONNECT_TIMEOUT": "10"}
    args = [binary, "-X", "-q", "-A", "-t", "-h", url.host or "localhost", "-p", str(url.port or 5432),
            "-U", url.username or "", "-d", url.database or "", "-v", f"ON_ERROR_STOP={int(stop)}", "-f", "-"]
    return subprocess.run(args, input=script, capture_output=True, text=True, env=env, timeout=60, check=False)


def refusal(exc: BaseException) -> str | None:
    """What kind of refusal a database error is: "guard" (one of calldesk's triggers), "rls" (row-level security),
    "privilege" (no grant, not the owner, not a superuser); None for any other error (a malformed probe, a
    constraint)."""
    message = str(exc).lower()
    if "calldesk:" in message or "append-only" in message:
        return "guard"
    if "row-level security" in message:
        return "rls"
    if getattr(exc, "sqlstate", None) == "42501" or "permission denied" in message or "must be owner" in message:
        return "privilege"
    return None


def attempt(conn: psycopg.Connection[Any], sql: str, params: Any = None) -> tuple[BaseException | None, int]:
    """Run one statement in a savepoint kept when it succeeds (rolled back to on an error). Returns (error,
    rowcount)."""
    conn.execute("SAVEPOINT probe_try")
    try:
        cursor = conn.execute(sql, params)
    except psycopg.Error as exc:
        conn.execute("ROLLBACK TO SAVEPOINT probe_try")
        return exc, 0
    return None, cursor.rowcount


@dataclass
class Outcome:
    """What one probe did: its error (None: it ran), the rows it touched, the rows it returned (as dicts)."""

    error: BaseException | None
    rows: int = 0
    returned: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def trying(conn: psycopg.Connection[Any], sql: str, params: Any = None) -> Iterator[Outcome]:
    """Run one statement in a savepoint that is always rolled back after the block (which may look at what the
    statement did, in the same transaction)."""
    conn.execute("SAVEPOINT probe_try")
    try:
        cursor = conn.execute(sql, params)
        names = [d.name for d in cursor.description or []]
        outcome = Outcome(None, cursor.rowcount, [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
                          if names else [])
    except psycopg.Error as exc:
        outcome = Outcome(exc)
        conn.execute("ROLLBACK TO SAVEPOINT probe_try")
        yield outcome
        return
    try:
        yield outcome
    finally:
        conn.execute("ROLLBACK TO SAVEPOINT probe_try")


@dataclass
class Seeds:
    """The rows the probes aim at: `case` is seen by every login (unassigned in the agents' queue, at the
    respondent's school) and has one row in every table of a case's rows; `blank` is seen by all and has none."""

    case: int
    blank: int
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # table -> its seeded row's key column and value
    drafts: dict[str, int] = field(default_factory=dict)  # who -> the id of their own draft


def _value(column: Any, table: str) -> Any:
    kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, DateTime):
        return datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    if isinstance(kind, Date):
        return date(2026, 3, 2)
    if isinstance(kind, LargeBinary):
        return b"seed bytes"
    if isinstance(kind, String):
        return f"seed {table}.{column.name}"[: kind.length or 200]
    raise AssertionError(f"no seed value for {table}.{column.name} ({kind!r}): teach the probes this type")


# Values that make a seeded row what the app would hold (a letter not yet written, a report not yet approved).
OVERRIDES = {("resolution", "letter_status"): "draft", ("report", "status"): "draft", ("report", "numbers"): "{}",
             ("caselink", "kind"): "repeat", ("report", "approved_by"): None, ("report", "approved_at"): None,
             ("resolution", "approved_by"): None, ("resolution", "approved_at"): None,
             ("resolution", "signed_by"): None}


def seed(team: Team) -> Seeds:
    """Two open cases every login sees, a row in every other table there is none in (columns filled generically
    from SQLModel.metadata, so a new table gets one too), and a draft of each person's own."""
    boss = team.owner.actor()
    ids = [call(team.owner, boss, claim="The seeded claim of the shared case.", caller_name=f"Seed Caller {n}",
                phone=f"(213) 555-01{n}0", email=f"seed{n}@example.org").case.id for n in range(2)]
    engine = team.owner.engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET assigned_to = NULL, owner_role = 'agent', school = :s, status = 'open', "
                          "abuse_marked = false, evidence = 'seeded evidence', steps_taken = 'seeded steps' "
                          "WHERE id = ANY(:ids)"), {"s": TEAM_PLACES, "ids": ids})
        seeds = Seeds(case=ids[0], blank=ids[1])
        for table in SQLModel.metadata.sorted_tables:
            key = next(iter(table.primary_key.columns))
            if table.name == "cases":
                seeds.rows["cases"] = {key.name: ids[0]}
                continue
            if table.name == "draft":
                for who in PEOPLE:
                    seeds.drafts[who] = _fill(conn, table, {"owner": team.name(who), "client_id": f"draft-{who}",
                                                            "form": '{"claim": "seed"}'})
                continue
            mine = "case_id = :case" if "case_id" in table.c else "true"  # a row of the shared case
            existing = conn.execute(text(f'SELECT "{key.name}" FROM public."{table.name}" WHERE {mine} '
                                         f'ORDER BY "{key.name}" LIMIT 1'), {"case": ids[0]}).scalar()
            if existing is None:
                existing = _fill(conn, table, {"case_id": ids[0], "linked_case_id": ids[1],
                                               "student_id": seeds.rows.get("student", {}).get("id")})
            seeds.rows[table.name] = {key.name: existing}
    return seeds


def _fill(conn: Any, table: Table, given: dict[str, Any]) -> Any:
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.primary_key and column.autoincrement in (True, "auto") and isinstance(column.type, Integer):
            continue
        if column.name in given and given[column.name] is not None:
            values[column.name] = given[column.name]
        elif (table.name, column.name) in OVERRIDES:
            values[column.name] = OVERRIDES[(table.name, column.name)]
        elif column.foreign_keys:
            assert column.nullable, f"{table.name}.{column.name}: the seeder knows no row it refers to"
            values[column.name] = None
        else:
            values[column.name] = _value(column, table.name)
    key = next(iter(table.primary_key.columns))
    return conn.execute(insert(table).values(values).returning(key)).scalar_one()
