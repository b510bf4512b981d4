"""Every table, every column, every statement, as every staff login, straight at PostgreSQL (issue 21).

The tables and columns come from the database's own catalogue, so a table a migration adds is probed too. What
each login may write is `calldesk.rules.permissions.writes_of` (the union of its role's actions' writes), less the
columns fixed when a row is made (FIXED_COLUMNS) and, for everyone but admins, every column of a user but their
absence; the trail is append-only, the store's keys and the schema's revision are written by nobody. Everything
else must be refused by the database itself; every allowed change to a case's rows must be in the trail, put there
by the database, with the login as its actor; every row a login makes names that login as its author.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from sqlmodel import SQLModel

from calldesk.rules.free_text import FINGERPRINTED, narrative_columns
from calldesk.rules.permissions import FIXED_COLUMNS, HIDDEN_COLUMNS, may, writes_of
from calldesk.store.db.audit import PERSONAL, PERSONAL_MARK
from tests.conftest import Team
from tests.reliability.direct_sql import (
    FINGERPRINT,
    PEOPLE,
    ROLE,
    Seeds,
    build_team,
    connect,
    owner,
    refusal,
    seed,
    trying,
)

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

# Who made a row, named by the row (the database writes the login there, whatever the insert says).
AUTHORS = {"cases": "opened_by", "followup": "by_user", "clockevent": "by_user", "planstep": "by_user",
           "attachment": "by_user", "escalation": "by_user", "referral": "referred_by", "meeting": "scheduled_by",
           "qualityreview": "reviewed_by", "caselink": "created_by", "disclosure": "disclosed_by",
           "consent": "recorded_by", "litigationhold": "placed_by", "report": "run_by",
           "reportstep": "done_by", "casestep": "by_user", "auditevent": "actor", "phoneevent": "recorded_by",
           "mailmessage": "by_user", "blockednumber": "blocked_by",
           "webkey": "issued_by", "webaccount": "created_by"}
# Tables recorded by the database beyond a case's rows: the users (their absence), the reports and their steps, and
# the resource directory the coordinator keeps, the phone system's events.
ALSO_RECORDED = ("app_user", "report", "reportstep", "resource", "phoneevent")
# Columns whose change a calldesk guard refuses even where the grant allows the statement (the probe's value is
# not one the guard lets through): table -> column -> the guard's words.
GUARDED = {"casecounter": {"year": "numbers only move up"}, "cases": {"owner_role": "is not a role"},
           "resolution": {"letter_status": "in that order", "approved_by": "approver and signer",
                          "approved_at": "approver and signer", "signed_by": "approver and signer",
                          "drafted_by": "who took those steps", "returned_by": "who took those steps",
                          "returned_at": "who took those steps"},
           "report": {"approved_by": "draft until an approver", "approved_at": "draft until an approver",
                      "status": "draft until an approver"}}
# Columns a guard lets only some roles change: (table, column) -> (the action whose roles may, the guard's words).
GUARDED_BY_ROLE = {("resolution", "letter_text"): ("draft_letter", "only a drafter's role"),
                   ("resolution", "submitted_at"): ("draft_letter", "only a drafter's role"),
                   ("resolution", "letter_note"): ("approve_letter", "only an approver's role returns")}
# Columns the database itself keeps (a login's value is replaced, so nothing changes and nothing is recorded).
KEPT_BY_THE_DATABASE = {("cases", "previous_assignee")}
# Columns whose new value takes the row out of the login's sight: row-level security refuses the change (an agent
# sees an unassigned case only in her role's queue, a respondent only her schools', each person only their drafts).
LEAVES_SIGHT = {"cases": ("owner_role", "assigned_to", "school"), "draft": ("owner",)}
# Columns the trigger leaves out of a recorded change (the row's key and its bookkeeping).
UNRECORDED = ("id", "version", "updated_at")


@dataclass
class Catalogue:
    tables: dict[str, dict[str, tuple[str, int | None, bool]]]  # table -> column -> (type, length, serial)
    views: list[str]
    refs: dict[tuple[str, str], str]  # (table, column) -> the table it refers to
    unique: dict[str, list[list[str]]]  # table -> its unique keys' columns
    case_rows: set[str]  # cases and every table whose rows belong to a case (by foreign keys, transitively)


def catalogue(team: Team) -> Catalogue:
    with owner(team) as conn:
        tables: dict[str, dict[str, tuple[str, int | None, bool]]] = {}
        for table, column, kind, length, default in conn.execute(
                "SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length, c.column_default "
                "FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name) "
                "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY 1, c.ordinal_position"):
            tables.setdefault(table, {})[column] = (kind, length, "nextval(" in (default or ""))
        views = [r[0] for r in conn.execute("SELECT table_name FROM information_schema.views "
                                            "WHERE table_schema = 'public'")]
        refs = {(t, c): r for t, c, r in conn.execute(
            "SELECT k.conrelid::regclass::text, a.attname, k.confrelid::regclass::text FROM pg_constraint k "
            "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
            "WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace")}
        unique: dict[str, list[list[str]]] = {}
        for table, columns in conn.execute(
                "SELECT r.relname::text, array_agg(a.attname::text) FROM pg_index i "
                "JOIN pg_class r ON r.oid = i.indrelid AND r.relnamespace = 'public'::regnamespace "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indisunique GROUP BY i.indexrelid, r.relname"):
            unique.setdefault(table, []).append(list(columns))
    case_rows = {"cases"}
    while grown := {t for (t, _), r in refs.items() if r in case_rows and t not in case_rows}:
        case_rows |= grown
    return Catalogue(tables, views, refs, unique, case_rows)


@pytest.fixture(scope="module")
def crew(team_template: str) -> Iterator[tuple[Team, Seeds, Catalogue]]:
    for team in build_team(team_template):
        yield team, seed(team), catalogue(team)


def _may_update(role: str, table: str, column: str, writes: dict[str, str]) -> bool:
    """The role table's answer: never a row's id, a column fixed when it is made or the one naming who made it;
    of a user only the absence (but for user managers); "n": only a narrative column (the abuse mark's)."""
    if table == "app_user" and not may(role, "manage_users"):
        return column == "absent_since"  # their own absence: the only column of a user a desk role changes
    fixed = {"id", *FIXED_COLUMNS.get(table, ()), AUTHORS.get(table, "id")}
    letters = writes.get(table, "")
    if "n" in letters:
        return column in narrative_columns(table)
    return "u" in letters and "*" not in fixed and column not in fixed


def _expected(role: str, cat: Catalogue) -> dict[str, str]:
    """table -> the statements ("iud") `role`'s login may run, from the role table ("n" is an update)."""
    writes = writes_of(role, [t for t in cat.tables if t != "alembic_version"])
    writes["auditevent"] = "i"  # everyone appends to the trail; nobody changes it
    return {t: "".join(s for s in "iud" if s in writes.get(t, "").replace("n", "u") or (s == "u" and t == "app_user"))
            for t in cat.tables}


def _where(table: str, who: str, team: Team, seeds: Seeds) -> str:
    if table == "app_user":
        return f"username = '{team.name(who)}'"
    if table == "draft":
        return f"id = {seeds.drafts[who]}"
    if table in seeds.rows:
        (key, value), = seeds.rows[table].items()
        return f"\"{key}\" = '{value}'"
    return f'ctid = (SELECT ctid FROM public."{table}" LIMIT 1)'  # a table the seeder does not know: any row


def _changed(table: str, column: str, kind: str, length: int | None, cat: Catalogue, seeds: Seeds) -> str | None:
    """A new value for the column, as SQL (None: the column keeps its value, only the privilege is probed)."""
    c = f'"{column}"'
    if column in HIDDEN_COLUMNS.get(table, ()):  # a hash no login reads: a new value that does not read the old
        return "'probe-' || md5(random()::text)"
    if cat.refs.get((table, column)) == "cases":  # the row moves to (or points at) the other case
        return f"CASE WHEN {c} = {seeds.blank} THEN {seeds.case} ELSE {seeds.blank} END"
    if column == "id" or (table, column) in cat.refs:
        return None
    if kind == "boolean":
        return f"NOT coalesce({c}, false)"
    if kind in ("integer", "bigint", "smallint"):
        return f"coalesce({c}, 0) + 1"
    if kind in ("text", "character varying"):
        return f"left(CASE WHEN {c} = 'probe-a' THEN 'probe-b' ELSE 'probe-a' END, {length or 100})"
    if kind.startswith("timestamp"):
        return f"coalesce({c}, now()) + interval '1 day'"
    if kind == "date":
        return f"coalesce({c}, current_date) + 1"
    if kind == "bytea":
        return f"coalesce({c}, ''::bytea) || '\\x00'::bytea"
    return None


def _insert(table: str, who: str, team: Team, seeds: Seeds, cat: Catalogue) -> str:
    """A copy of the row the login sees, with fresh unique values, the blank case, and another person as author."""
    fresh = {next((c for c in key if cat.tables[table][c][0] in ("text", "character varying")), key[0])
             for key in cat.unique.get(table, [])}
    names, values = [], []
    for column, (kind, length, serial) in cat.tables[table].items():
        if serial:
            continue
        c = f'"{column}"'
        if cat.refs.get((table, column)) == "cases":
            value = str(seeds.blank)
        elif AUTHORS.get(table) == column:
            value = f"'{team.name('vic' if who != 'vic' else 'sue')}'"
        elif column in HIDDEN_COLUMNS.get(table, ()) or (column in fresh and kind in ("text", "character varying")):
            # (a hash no login reads is never copied from the row: a fresh value, unique where a digest must be)
            value = f"left('p' || md5(random()::text), {length or 30})"
        elif column in fresh and kind in ("integer", "bigint"):
            value = f"{c} + 1000 + (random() * 100000)::int"
        else:
            value = c
        names.append(c)
        values.append(value)
    shown = ", ".join(f'"{c}"' for c in cat.tables[table] if c not in HIDDEN_COLUMNS[table]) \
        if table in HIDDEN_COLUMNS else "*"  # what the login reads back (never a hash)
    return (f'INSERT INTO public."{table}" ({", ".join(names)}) SELECT {", ".join(values)} FROM public."{table}" '
            f"WHERE {_where(table, who, team, seeds)} RETURNING {shown}")


def _recorded(conn: psycopg.Connection[Any]) -> list[tuple[str, str, str, int | None, dict[str, list[Any]]]]:
    """The database's own records of this transaction's row changes (as the login reads them: their own events)."""
    return [(a, act, e, c, json.loads(ch or "{}")) for a, act, e, c, ch in conn.execute(
        "SELECT actor, action, entity, case_id, changes FROM public.auditevent "
        "WHERE tx = txid_current() AND action LIKE 'db.%' ORDER BY id")]


def _check_event(problems: list[str], what: str, events: list[Any], *, login: str, action: str, table: str,
                 case: int | None, column: str | None = None) -> None:
    found = [e for e in events if e[1] == action and e[2] == table]
    if not found:
        problems.append(f"{what}: allowed, but the database recorded no {action} event ({events})")
        return
    actor, _, _, case_id, changes = found[0]
    if actor != login or case_id != case:
        problems.append(f"{what}: recorded as actor {actor!r}, case {case_id} (expected {login!r}, case {case})")
    if column is None:
        return
    if column not in changes:
        problems.append(f"{what}: the recorded change does not name {column} ({changes})")
        return
    new = changes[column][1]
    if column in FINGERPRINTED and new and not re.fullmatch(FINGERPRINT, new):
        problems.append(f"{what}: narrative {column} recorded as {new!r}, not a fingerprint")
    if column in PERSONAL and new and new != PERSONAL_MARK:
        problems.append(f"{what}: personal {column} recorded as {new!r}, not {PERSONAL_MARK!r}")


def _case_of(table: str, seeds: Seeds, cat: Catalogue, moved: bool = False) -> int | None:
    if table not in cat.case_rows:
        return None
    if table == "cases":
        return seeds.case
    return seeds.blank if moved and any(cat.refs.get((table, c)) == "cases" for c in cat.tables[table]) \
        else seeds.case


@dataclass
class Statement:
    letter: str  # "i", "u", "d", or "t" (TRUNCATE)
    table: str
    sql: str
    column: str | None = None
    changes: bool = True  # an UPDATE that changes the column's value (so the change must be recorded)


def statements(team: Team, seeds: Seeds, cat: Catalogue, who: str) -> Iterator[Statement]:
    """Per table: an INSERT, an UPDATE of each column alone, a DELETE and a TRUNCATE, aimed at a row `who` sees."""
    for table, columns in cat.tables.items():
        where = _where(table, who, team, seeds)
        yield Statement("i", table, _insert(table, who, team, seeds, cat))
        for column, (kind, length, _) in columns.items():
            value = _changed(table, column, kind, length, cat, seeds)
            sets = f'"{column}" = {value if value is not None else f"{chr(34)}{column}{chr(34)}"}'
            if table == "cases":  # every change takes the case's next version (the guard's rule)
                sets = "version = version + 1" if column == "version" else f"{sets}, version = version + 1"
            yield Statement("u", table, f'UPDATE public."{table}" SET {sets} WHERE {where}', column,
                            value is not None and column not in UNRECORDED)
        yield Statement("d", table, f'DELETE FROM public."{table}" WHERE {where}')
        yield Statement("t", table, f'TRUNCATE public."{table}" CASCADE')


def probe_writes(team: Team, seeds: Seeds, cat: Catalogue, who: str) -> tuple[list[str], int]:
    """Every write statement as `who`, each rolled back; returns what went against the rules, and how many ran."""
    role, login = ROLE[who], team.name(who)
    expected = _expected(role, cat)
    writes = writes_of(role, [t for t in cat.tables if t != "alembic_version"])
    audited = cat.case_rows | set(ALSO_RECORDED)
    problems: list[str] = []
    ran = 0
    conn = connect(team, who)
    try:
        for st in statements(team, seeds, cat, who):
            ran += 1
            what = f"{who} ({role}): {st.sql[:100]}"
            allowed = st.letter in expected[st.table] and (
                st.letter != "u" or _may_update(role, st.table, st.column or "", writes))
            with trying(conn, st.sql) as done:
                events = _recorded(conn) if done.error is None else []
            kind = refusal(done.error) if done.error is not None else None
            if not allowed:
                if kind != "privilege":
                    problems.append(f"{what}: should be refused for want of a grant; got "
                                    f"{done.error or f'success, {done.rows} rows'}")
                continue
            guard = GUARDED.get(st.table, {}).get(st.column or "")
            by_role = GUARDED_BY_ROLE.get((st.table, st.column or ""))
            if st.letter == "u" and by_role is not None and not may(role, by_role[0]):
                guard = by_role[1]
            if st.letter == "u" and "n" in writes.get(st.table, ""):  # only emptied, and only by an abuse mark
                guard = "changes only by an abuse mark"
            if guard is not None:
                if done.error is None or guard not in str(done.error):
                    problems.append(f"{what}: the guard should refuse this value ({done.error or 'it ran'})")
                continue
            if kind == "rls" and st.column in LEAVES_SIGHT.get(st.table, ()):
                continue
            if done.error is not None:
                problems.append(f"{what}: allowed by the role table, but refused: {done.error}")
                continue
            if st.letter == "t":
                continue  # (never allowed: no staff login may TRUNCATE)
            if done.rows != 1:
                problems.append(f"{what}: allowed, but touched {done.rows} rows (the probed row is one it sees)")
                continue
            if (st.table, st.column) in KEPT_BY_THE_DATABASE:
                continue
            if st.letter == "i" and st.table in AUTHORS and done.returned[0][AUTHORS[st.table]] != login:
                problems.append(f"{what}: the new row names {done.returned[0][AUTHORS[st.table]]!r} as its author")
            if st.table in audited and st.changes:
                moved = st.letter == "i" or st.column == "case_id"
                case = done.returned[0]["id"] if (st.letter, st.table) == ("i", "cases") else \
                    _case_of(st.table, seeds, cat, moved=moved)
                _check_event(problems, what, events, login=login, action=f"db.{_VERB[st.letter]}", table=st.table,
                             case=case,
                             column=st.column if st.letter == "u" else None)
    finally:
        conn.rollback()
        conn.close()
    return problems, ran


_VERB = {"i": "insert", "u": "update", "d": "delete"}


def test_the_probes_cover_every_table_of_the_store(backend: str, crew: tuple[Team, Seeds, Catalogue]) -> None:
    team, _, cat = crew
    assert set(SQLModel.metadata.tables) <= set(cat.tables), "a model's table is missing from the database"
    assert set(cat.tables) - set(SQLModel.metadata.tables) == {"alembic_version"}
    with owner(team) as conn:  # every table has a row to aim at (a probe of an empty table would prove nothing)
        for table in cat.tables:
            assert conn.execute(f'SELECT count(*) FROM public."{table}"').fetchone() != (0,), table
    assert {"cases", "followup", "consent", "disclosure", "student", "litigationhold"} <= cat.case_rows
    assert "auditevent" not in cat.case_rows and "draft" not in cat.case_rows


@pytest.mark.parametrize("who", PEOPLE)
def test_each_login_writes_exactly_what_its_role_writes_and_the_database_records_it(
        backend: str, crew: tuple[Team, Seeds, Catalogue], who: str) -> None:
    team, seeds, cat = crew
    problems, ran = probe_writes(team, seeds, cat, who)
    assert ran > 4 * len(cat.tables)
    assert not problems, f"{len(problems)} of {ran} probes went against the rules:\n" + "\n".join(problems)


def test_every_probe_is_one_the_owner_could_run(backend: str, crew: tuple[Team, Seeds, Catalogue]) -> None:
    """The staff logins' refusals are the database's doing, not a malformed probe: as the owner (who holds every
    privilege) each statement runs, but for the trail's append-only rule and the counter's guard."""
    team, seeds, cat = crew
    conn = owner(team)
    conn.autocommit = False
    failed = []
    try:
        for st in statements(team, seeds, cat, "adm"):
            if st.letter == "t":
                continue
            with trying(conn, st.sql) as done:
                pass
            if done.error is not None and not (st.table in ("auditevent", "casecounter") and
                                               refusal(done.error) == "guard"):
                failed.append(f"{st.sql[:100]}: {done.error}")
    finally:
        conn.rollback()
        conn.close()
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("who", PEOPLE)
def test_each_login_reads_every_column_but_the_store_keys_and_hashes_it_may_not(
        backend: str, crew: tuple[Team, Seeds, Catalogue], who: str) -> None:
    team, _, cat = crew
    problems = []
    with connect(team, who) as conn:
        for table, columns in [*cat.tables.items(), *((v, {"*": ("", None, False)}) for v in cat.views)]:
            for column in columns:
                name = "*" if column == "*" else f'"{column}"'
                hidden = column in HIDDEN_COLUMNS.get(table, ())
                with trying(conn, f'SELECT {name} FROM public."{table}" LIMIT 1') as done:
                    if done.error is not None and not hidden:
                        problems.append(f"{table}.{column}: {done.error}")
                    if hidden and (done.error is None or refusal(done.error) != "privilege"):
                        problems.append(f"{table}.{column}: a hash no login may read was read ({done.error})")
            if table in HIDDEN_COLUMNS:  # nor all of the row at once
                with trying(conn, f'SELECT * FROM public."{table}" LIMIT 1') as done:
                    if done.error is None:
                        problems.append(f"{table}: SELECT * read its hidden column")
        keys = {r[0] for r in conn.execute("SELECT name FROM public.storesecret")}
        values = conn.execute("SELECT count(*) FROM public.storesecret WHERE value IS NOT NULL").fetchone()
    assert not problems, "\n".join(problems)
    # The trail's key: nobody but the owner. The pseudonyms' key: those who run reports; the phone listener's
    # token: the desk logins that receive the phone system's events.
    assert keys == ({"pseudonym"} if may(ROLE[who], "report") else set()) | (
        {"cti"} if may(ROLE[who], "record_phone") else set())
    assert values == (len(keys),)
