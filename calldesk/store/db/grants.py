"""PostgreSQL login roles with only what calldesk needs: the database, not the client, enforces who may write.

`grant_login` (re)creates a calldesk user's login role and derives its privileges from the role table
(`calldesk.rules.permissions`: PERMISSIONS says which actions a role may take, WRITES which tables each action
writes), so a table a new migration adds is written by nobody until an action names it:
- every role reads the calldesk tables (rows: the database's row-level security, calldesk.store.db.security; never
  a web password's hash nor an API key's digest, HIDDEN_COLUMNS) and
  appends to the audit trail (never updates or deletes it; the database sets each event's actor);
- each role inserts, updates and deletes exactly where its actions do; updates leave alone the columns fixed when
  a row is made (FIXED_COLUMNS: a case's number, opener, opening time...) and, for everyone but admins, every
  column of a user but their absence;
- admins write every table (the audit trail stays append-only by its triggers).
Run it after `user add` and after `user set-role`; a deactivated user's role keeps no privileges at all.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from calldesk.errors import InvalidInput
from calldesk.models import User
from calldesk.rules.free_text import narrative_columns
from calldesk.rules.permissions import AUDIT_TABLE, FIXED_COLUMNS, HIDDEN_COLUMNS, may, writes_of
from calldesk.rules.profile import a_role
from calldesk.store.db.ownership import require_owner, require_role_maker
from calldesk.store.db.security import CALLABLE, EVERYONE
from calldesk.store.db.security_guards import AUTHORS
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import USERNAME, Actor, authorise, named_user

VERBS = {"i": "INSERT", "d": "DELETE"}
# Of the users table, a desk role updates only this (their own absence; a supervisor's for their team).
STAFF_USER_COLUMNS = ("absent_since",)
# The tables whose ids a demo gives itself and whose numbering it then moves on (calldesk.demo.fill).
SERIAL_TABLES = ("cases", "followup", "callback", "caselink", "resolution", "app_user")


def catalogue(conn: Connection) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """The store's tables, its views and each table's columns, from the database's own catalogue."""
    tables = sorted(r[0] for r in conn.execute(text(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public'")))
    views = sorted(r[0] for r in conn.execute(text(
        "SELECT viewname FROM pg_catalog.pg_views WHERE schemaname = 'public'")))
    columns: dict[str, list[str]] = {}
    for table, column in conn.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "ORDER BY table_name, ordinal_position")):
        columns.setdefault(table, []).append(column)
    return tables, views, columns


def _quoted(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def privileges(role: str, tables: list[str], views: list[str], columns: dict[str, list[str]]) -> list[str]:
    """The GRANT statements `role` gets, in words the database runs: what `calldesk.rules.permissions` says."""
    every = [t for t in tables if t != "alembic_version"]
    readable = ", ".join(f"public.{_quoted([t])}" for t in [*tables, *views] if t not in HIDDEN_COLUMNS)
    out = [f"GRANT SELECT ON {readable} TO {{role}}", f"GRANT INSERT ON public.{AUDIT_TABLE} TO {{role}}",
           "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"]
    # A hash or a digest: every column but those (the database compares them itself).
    out += [f'GRANT SELECT ({_quoted([c for c in columns[t] if c not in HIDDEN_COLUMNS[t]])}) ON public."{t}" '
            f"TO {{role}}" for t in tables if t in HIDDEN_COLUMNS]
    if may(role, "maintain_store"):  # a demo's ids continue its tables' numbering (never the trail's)
        out += [f"GRANT UPDATE ON SEQUENCE public.{t}_id_seq TO {{role}}" for t in every
                if t != AUDIT_TABLE and "id" in columns.get(t, []) and t in SERIAL_TABLES]
    writes = writes_of(role, every)
    writes.setdefault("app_user", "")
    if "u" not in writes["app_user"]:
        writes["app_user"] += "u"  # their own absence, whoever they are
    for table, statements in writes.items():
        if table not in tables:
            continue
        for letter in statements:
            if letter in "un":
                allowed = updatable(role, table, columns.get(table, []), narrative_only=letter == "n")
                if allowed:
                    out.append(f'GRANT UPDATE ({_quoted(allowed)}) ON public."{table}" TO {{role}}')
                continue
            out.append(f'GRANT {VERBS[letter]} ON public."{table}" TO {{role}}')
    # Who they are (row-level security asks); the narrow reads across what they may see; the mark's scrub.
    out += [f"GRANT EXECUTE ON FUNCTION public.{function} TO {{role}}" for function in EVERYONE]
    out += [f"GRANT EXECUTE ON FUNCTION public.{function} TO {{role}}"
            for function, action in CALLABLE.items() if may(role, action)]
    return out


def updatable(role: str, table: str, columns: list[str], *, narrative_only: bool = False) -> list[str]:
    """The columns of `table` a login of `role` may UPDATE: never an id, a column fixed when the row is made, or
    the one naming who made it; of the users table only the absence (but for user managers); `narrative_only`:
    only the narrative columns (the abuse mark empties them)."""
    fixed = {"id", *FIXED_COLUMNS.get(table, ()), AUTHORS.get(table, "id")}
    if "*" in fixed:
        return []
    if narrative_only:
        return [c for c in columns if c in narrative_columns(table)]
    if table == "app_user" and not may(role, "manage_users"):
        return [c for c in columns if c in STAFF_USER_COLUMNS]
    return [c for c in columns if c not in fixed]


def _statements(conn: Connection, role: str, user: User) -> list[str]:
    quoted = f'"{role}"'
    tables, views, columns = catalogue(conn)
    every = ", ".join(f'public."{t}"' for t in [*tables, *views])
    out = [f"REVOKE ALL ON {every} FROM {quoted}", f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}",
           f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {quoted}"]
    if not user.active:
        return [*out, f"REVOKE ALL ON SCHEMA public FROM {quoted}"]
    out.append(f"GRANT USAGE ON SCHEMA public TO {quoted}")
    return out + [s.format(role=quoted) for s in privileges(user.role, tables, views, columns)]


def grant_login(uow: UnitOfWork, *, actor: Actor, username: str) -> str:
    """Create (if missing) the login role of calldesk user `username` and grant it what their role needs;
    returns what was done, in words. PostgreSQL only; admins only."""
    authorise(uow, actor, "manage_users")
    if uow.engine.dialect.name != "postgresql":
        raise InvalidInput("db grant is for PostgreSQL stores; a SQLite store is used by its file's owner alone.")
    if not USERNAME.fullmatch(username) or '"' in username:
        raise InvalidInput(f"{username!r} is not a valid role name.", field="username")
    user = named_user(uow.session, username)
    conn = uow.session.connection()
    require_owner(conn, "grant a login its privileges")
    exists = conn.execute(text("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :r"), {"r": username}).first()
    if exists is None:
        require_role_maker(conn, f"make {username}'s login role")
        conn.exec_driver_sql(f'CREATE ROLE "{username}" LOGIN')
    for statement in _statements(conn, username, user):
        conn.exec_driver_sql(statement)
    uow.commit()
    made = "created the login role and " if exists is None else ""
    if not user.active:
        return f"{made}revoked every privilege of {username} (deactivated)"
    return f"{made}granted {username} what {a_role(user.role)} needs"
