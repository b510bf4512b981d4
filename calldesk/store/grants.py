"""PostgreSQL login roles with only what calldesk needs: the database, not the client, enforces who may write.

`grant_login` (re)creates a calldesk user's login role and derives its privileges from the role table
(`calldesk.rules.permissions`: PERMISSIONS says which actions a role may take, WRITES which tables each action
writes), so a table a new migration adds is written by nobody until an action names it:
- every role reads the calldesk tables (rows: the database's row-level security, calldesk.store.security) and
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
from calldesk.rules.permissions import AUDIT_TABLE, FIXED_COLUMNS, may, writes_of
from calldesk.store.security import CALLABLE, EVERYONE
from calldesk.store.uow import UnitOfWork
from calldesk.store.users import USERNAME, Actor, _get, authorise

VERBS = {"i": "INSERT", "u": "UPDATE", "d": "DELETE"}
# Of the users table, a desk role updates only this (their own absence; a supervisor's for their team).
STAFF_USER_COLUMNS = ("absent_since",)


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
    readable = ", ".join(f"public.{_quoted([t])}" for t in [*tables, *views])
    out = [f"GRANT SELECT ON {readable} TO {{role}}", f"GRANT INSERT ON public.{AUDIT_TABLE} TO {{role}}",
           "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"]
    writes = writes_of(role, every)
    writes.setdefault("app_user", "")
    if "u" not in writes["app_user"]:
        writes["app_user"] += "u"  # their own absence, whoever they are
    for table, statements in writes.items():
        if table not in tables:
            continue
        for letter in statements:
            verb = VERBS[letter]
            if letter == "u":
                fixed = set(FIXED_COLUMNS.get(table, ()))
                if table == "app_user" and not may(role, "manage_users"):
                    allowed = [c for c in columns.get(table, []) if c in STAFF_USER_COLUMNS]
                else:
                    allowed = [c for c in columns.get(table, []) if c not in fixed]
                if "*" in fixed or not allowed:
                    continue
                verb = f"UPDATE ({_quoted(allowed)})"
            out.append(f'GRANT {verb} ON public."{table}" TO {{role}}')
    # The narrow reads across what they may see, and the abuse mark's scrub of the trail (calldesk.store.security).
    out += [f"GRANT EXECUTE ON FUNCTION public.{function} TO {{role}}" for function in EVERYONE]
    out += [f"GRANT EXECUTE ON FUNCTION public.{function} TO {{role}}"
            for function, action in CALLABLE.items() if may(role, action)]
    return out


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
    user = _get(uow.session, username)
    conn = uow.session.connection()
    exists = conn.execute(text("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :r"), {"r": username}).first()
    if exists is None:
        conn.exec_driver_sql(f'CREATE ROLE "{username}" LOGIN')
    for statement in _statements(conn, username, user):
        conn.exec_driver_sql(statement)
    uow.commit()
    made = "created the login role and " if exists is None else ""
    if not user.active:
        return f"{made}revoked every privilege of {username} (deactivated)"
    return f"{made}granted {username} what a {user.role.replace('_', ' ')} needs"
