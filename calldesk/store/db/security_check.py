"""Is a PostgreSQL store's enforcement calldesk's, and nothing more? (`db check`, and `db restore` before it accepts
a backup: a dump is SQL its restorer runs, so a tampered one could add a trigger that copies every claim into a
table anyone reads, or grant everything to PUBLIC.)

What calldesk makes is read from calldesk.store.db.security (and the migrations' own triggers); one SQL query compares
the store's catalogue with it, so `db check` (from Python) and the restore (inside psql's transaction, before it
commits) ask the same: every function, trigger, policy, view, rule, schema and extension beyond calldesk's is a
problem, so is any privilege granted to PUBLIC; a full check also finds missing or changed ones and tables whose
row-level security is off.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection
from sqlmodel import SQLModel

import calldesk.models  # noqa: F401  (every table in the metadata)
from calldesk.store.db import security

# Made by the migrations, not by calldesk.store.db.security (0001, 0002, 0007 and 0021).
MIGRATION_FUNCTIONS = ("calldesk_cases_changed", "calldesk_audit_actor", "calldesk_audit_append_only",
                       "calldesk_phone_changed")
MIGRATION_TRIGGERS = {("auditevent", "auditevent_no_change"), ("auditevent", "auditevent_no_truncate"),
                      ("auditevent", "auditevent_actor"), ("cases", "cases_changed"),
                      ("phoneevent", "phoneevent_changed")}
VIEWS = ("staff_load",)
TABLES = frozenset({*SQLModel.metadata.tables, "alembic_version"})
_FUNCTION = re.compile(r"CREATE OR REPLACE FUNCTION public\.(\w+)\(.*?AS \$\$(.*?)\$\$", re.S)
_TRIGGER = re.compile(r"^CREATE TRIGGER (\w+) .*? ON public\.(\w+)\b", re.S)
_POLICY = re.compile(r"^CREATE POLICY (\w+) ON public\.(\w+)\b")


def expected() -> tuple[dict[str, str], set[tuple[str, str]], set[tuple[str, str]]]:
    """calldesk's functions (name -> body), triggers and policies ((table, name))."""
    made = security.statements()
    functions = {name: body for statement in made for name, body in _FUNCTION.findall(statement)}
    triggers = {(m.group(2), m.group(1)) for m in map(_TRIGGER.match, made) if m} | MIGRATION_TRIGGERS
    policies = {(m.group(2), m.group(1)) for m in map(_POLICY.match, made) if m}
    return functions, triggers, policies


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _values(rows: list[tuple[str, ...]], names: str) -> str:
    body = ", ".join("(" + ", ".join(_text(v) for v in row) + ")" for row in rows)
    return f"(VALUES {body}) AS {names}"


def problems_sql(*, full: bool, also_schemas: tuple[str, ...] = ()) -> str:
    """One query whose rows are the problems, one sentence each (`full`: also what is missing or changed)."""
    functions, triggers, policies = expected()
    known_functions = sorted({*functions, *MIGRATION_FUNCTIONS})
    fn = ("SELECT p.proname::text AS name, p.prosrc AS body, p.prosecdef AS definer, p.proacl "
          "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
          "WHERE n.nspname = 'public'")
    tg = ("SELECT c.relname::text AS tab, t.tgname::text AS name FROM pg_catalog.pg_trigger t "
          "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = 'public' AND NOT t.tgisinternal")
    po = ("SELECT c.relname::text AS tab, p.polname::text AS name FROM pg_catalog.pg_policy p "
          "JOIN pg_catalog.pg_class c ON c.oid = p.polrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = 'public'")
    rel = ("SELECT c.relname::text AS name, c.relkind::text AS kind, c.relrowsecurity AS secured, c.relacl, c.oid "
           "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = 'public'")
    schemas = _text(",".join(("public", *also_schemas)))
    parts = [
        f"SELECT 'function ' || name || ' is not calldesk''s' FROM ({fn}) f "
        f"WHERE name <> ALL (ARRAY[{', '.join(map(_text, known_functions))}])",
        f"SELECT 'function ' || name || ' is defined ' || count(*) || ' times' FROM ({fn}) f GROUP BY name "
        "HAVING count(*) > 1",
        f"SELECT 'function ' || name || ' (with its owner''s rights) may be run by PUBLIC' FROM ({fn}) f, "
        "LATERAL pg_catalog.aclexplode(coalesce(f.proacl, pg_catalog.acldefault('f', 10))) a "
        "WHERE f.definer AND a.grantee = 0",
        f"SELECT 'trigger ' || name || ' on ' || tab || ' is not calldesk''s' FROM ({tg}) t "
        f"WHERE (tab, name) NOT IN (SELECT * FROM {_values(sorted(triggers), 'e(tab, name)')})",
        f"SELECT 'policy ' || name || ' on ' || tab || ' is not calldesk''s' FROM ({po}) p "
        f"WHERE (tab, name) NOT IN (SELECT * FROM {_values(sorted(policies), 'e(tab, name)')})",
        f"SELECT 'table ' || name || ' is not calldesk''s' FROM ({rel}) r WHERE kind IN ('r', 'p', 'f') "
        f"AND name <> ALL (ARRAY[{', '.join(map(_text, sorted(TABLES)))}])",
        f"SELECT 'view ' || name || ' is not calldesk''s' FROM ({rel}) r WHERE kind IN ('v', 'm') "
        f"AND name <> ALL (ARRAY[{', '.join(map(_text, VIEWS))}])",
        "SELECT 'rule ' || r.rulename || ' is not calldesk''s' FROM pg_catalog.pg_rewrite r "
        "JOIN pg_catalog.pg_class c ON c.oid = r.ev_class JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND r.rulename <> '_RETURN'",
        "SELECT 'schema ' || nspname || ' is not calldesk''s' FROM pg_catalog.pg_namespace "
        "WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' "
        f"AND nspname <> ALL (pg_catalog.string_to_array({schemas}, ','))",
        f"SELECT DISTINCT 'table ' || name || ' grants privileges to PUBLIC' FROM ({rel}) r, "
        "LATERAL pg_catalog.aclexplode(r.relacl) a WHERE a.grantee = 0",
        "SELECT 'extension ' || extname || ' is not calldesk''s' FROM pg_catalog.pg_extension "
        "WHERE extname <> 'plpgsql'",
    ]
    if full:
        parts += [
            f"SELECT 'function ' || e.name || ' is missing' FROM {_values(sorted((n,) for n in functions), 'e(name)')} "
            f"WHERE e.name NOT IN (SELECT name FROM ({fn}) f)",
            f"SELECT 'function ' || f.name || ' differs from calldesk''s (changed after calldesk made it)' "
            f"FROM ({fn}) f JOIN {_values(sorted(functions.items()), 'e(name, body)')} USING (name) "
            "WHERE f.body <> e.body",
            f"SELECT 'trigger ' || e.name || ' on ' || e.tab || ' is missing' "
            f"FROM {_values(sorted(triggers), 'e(tab, name)')} WHERE (e.tab, e.name) NOT IN (SELECT tab, name "
            f"FROM ({tg}) t)",
            f"SELECT 'policy ' || e.name || ' on ' || e.tab || ' is missing' "
            f"FROM {_values(sorted(policies), 'e(tab, name)')} WHERE (e.tab, e.name) NOT IN (SELECT tab, name "
            f"FROM ({po}) p)",
            f"SELECT 'table ' || name || ' has no row-level security' FROM ({rel}) r WHERE kind = 'r' AND NOT secured "
            f"AND name = ANY (ARRAY[{', '.join(_text(t) for t in sorted({t for t, _ in policies}))}])",
        ]
    return "SELECT problem FROM (" + " UNION ALL ".join(f"({p})" for p in parts) + ") AS found(problem) ORDER BY 1"


def problems(conn: Connection) -> list[str]:
    """Every way the store's enforcement differs from calldesk's, one sentence each (none: it is calldesk's)."""
    return [row[0] for row in conn.exec_driver_sql(problems_sql(full=True).replace("%", "%%"))]


def refuse_extras_sql(*, also_schemas: tuple[str, ...]) -> str:
    """A DO block that rolls a restore back when the restored store holds anything calldesk did not make."""
    query = problems_sql(full=False, also_schemas=also_schemas)
    return f"""DO $calldesk_check$ DECLARE found text; BEGIN
  SELECT string_agg(problem, '; ') INTO found FROM ({query}) AS problems(problem);
  IF found IS NOT NULL THEN
    RAISE EXCEPTION 'calldesk: the backup holds what calldesk did not make: %', found;
  END IF;
END $calldesk_check$;"""
