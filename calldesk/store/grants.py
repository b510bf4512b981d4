"""PostgreSQL login roles with only what calldesk needs: the database, not the client, enforces who may write.

`grant_login` (re)creates a calldesk user's login role and sets its privileges from their calldesk role:
- every role reads the calldesk tables and appends to the audit trail (never updates or deletes it; the
  database sets each event's actor to the role that wrote it);
- desk roles (agent ... supervisor) insert and update the case tables (delete only unsaved drafts), and of the
  users table update only `absent_since`;
- admins write every table (the audit trail stays append-only by its triggers).
Run it after `user add` and after `user set-role`; a deactivated user's role keeps no privileges at all.
"""

from __future__ import annotations

from sqlalchemy import text

from calldesk.errors import InvalidInput
from calldesk.models import User
from calldesk.store.uow import UnitOfWork
from calldesk.store.users import USERNAME, Actor, _get, authorise

CASE_TABLES = ("cases", "followup", "resolution", "escalation", "callback", "caselink", "student", "consent",
               "disclosure", "draft", "casecounter", "referral", "meeting", "qualityreview")


def _statements(role: str, user: User, tables: list[str]) -> list[str]:
    quoted = f'"{role}"'
    every = ", ".join(f'public."{t}"' for t in tables)
    out = [
        f"REVOKE ALL ON {every} FROM {quoted}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}",
        f"REVOKE ALL ON public.alembic_version FROM {quoted}",
    ]
    if not user.active:
        return [*out, f"REVOKE ALL ON SCHEMA public FROM {quoted}"]
    out += [f"GRANT USAGE ON SCHEMA public TO {quoted}", f"GRANT SELECT ON {every} TO {quoted}",
            f"GRANT SELECT ON public.alembic_version TO {quoted}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
            f"GRANT INSERT ON public.auditevent TO {quoted}"]
    if user.role == "admin":
        writable = ", ".join(f'public."{t}"' for t in tables if t != "auditevent")
        return [*out, f"GRANT INSERT, UPDATE, DELETE ON {writable} TO {quoted}"]
    cases = ", ".join(f'public."{t}"' for t in CASE_TABLES if t in tables)
    # Nothing a desk does deletes a case or its history; only its own unsaved drafts go.
    return [*out, f"GRANT INSERT, UPDATE ON {cases} TO {quoted}", f"GRANT DELETE ON public.draft TO {quoted}",
            f"GRANT UPDATE (absent_since) ON public.app_user TO {quoted}"]


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
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": username}).first()
    if exists is None:
        conn.exec_driver_sql(f'CREATE ROLE "{username}" LOGIN')
    tables = sorted(r[0] for r in conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")))
    for statement in _statements(username, user, tables):
        conn.exec_driver_sql(statement)
    uow.commit()
    made = "created the login role and " if exists is None else ""
    if not user.active:
        return f"{made}revoked every privilege of {username} (deactivated)"
    return f"{made}granted {username} what a {user.role.replace('_', ' ')} needs"
