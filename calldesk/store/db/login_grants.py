"""What a calldesk user's login role is granted on PostgreSQL, derived from the role table (the rules of
calldesk.store.db.grants, which makes the login), and `follow_role`: a role change or a deactivation applied to the
login in the same transaction, so the database enforces the user's role as it is now."""

from __future__ import annotations

from sqlalchemy import Connection, text

from calldesk.models import User
from calldesk.rules.free_text import narrative_columns
from calldesk.rules.permissions import AUDIT_TABLE, FIXED_COLUMNS, HIDDEN_COLUMNS, may, writes_of
from calldesk.store.db.ownership import require_owner
from calldesk.store.db.security import CALLABLE, EVERYONE
from calldesk.store.db.security_guards import AUTHORS
from calldesk.store.db.uow import UnitOfWork

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


def login_statements(conn: Connection, role: str, user: User) -> list[str]:
    """The statements that give login `role` (calldesk user `user`) exactly what their role needs."""
    quoted = f'"{role}"'
    tables, views, columns = catalogue(conn)
    every = ", ".join(f'public."{t}"' for t in [*tables, *views])
    out = [f"REVOKE ALL ON {every} FROM {quoted}", f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}",
           f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {quoted}"]
    if not user.active:
        return [*out, f"REVOKE ALL ON SCHEMA public FROM {quoted}"]
    out.append(f"GRANT USAGE ON SCHEMA public TO {quoted}")
    return out + [s.format(role=quoted) for s in privileges(user.role, tables, views, columns)]


def has_login(conn: Connection, username: str) -> bool:
    """True when `username` has a login role in the cluster."""
    return conn.execute(text("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :r"), {"r": username}).first() \
        is not None


def logins_among(conn: Connection, usernames: list[str]) -> set[str]:
    """Which of `usernames` have a login role in the cluster that may sign in (one catalogue read)."""
    return {r[0] for r in conn.execute(text(
        "SELECT rolname FROM pg_catalog.pg_roles WHERE rolcanlogin AND rolname = ANY(:names)"),
        {"names": usernames})}


def owns_store(conn: Connection, username: str) -> bool:
    """True when login `username` owns the store's tables (its privileges are the owner's, never granted)."""
    return bool(conn.execute(text(
        "SELECT pg_catalog.pg_has_role(:r, c.relowner, 'MEMBER') FROM pg_catalog.pg_class c "
        "WHERE c.oid = 'public.cases'::pg_catalog.regclass"), {"r": username}).scalar())


def apply_grants(conn: Connection, user: User) -> None:
    """Give `user`'s login role what their calldesk role needs now (nothing when deactivated)."""
    for statement in login_statements(conn, user.username, user):
        conn.exec_driver_sql(statement)


def follow_role(uow: UnitOfWork, user: User) -> None:
    """On PostgreSQL, `user`'s login role (if they have one) given what their role needs now, or nothing once
    deactivated, in the caller's transaction (`user` flushed as changed). Only the store's owner login changes a
    login's privileges: PermissionDenied, in words, for anyone else (the caller's transaction then commits
    nothing)."""
    if uow.engine.dialect.name != "postgresql":
        return
    conn = uow.session.connection()
    if not has_login(conn, user.username) or owns_store(conn, user.username):
        return  # (no login; or the owner's, whose calldesk role is the store's business, not its privileges')
    require_owner(conn, f"change what {user.username}'s login may do (their role, or whether they are active)")
    apply_grants(conn, user)
