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
Run it after `user add`; `user set-role`, `deactivate` and `activate` apply the change to an existing login at once
(calldesk.store.db.login_grants.follow_role); a deactivated user's role keeps no privileges at all.
"""

from __future__ import annotations

from calldesk.errors import InvalidInput
from calldesk.rules.profile import a_role
from calldesk.store.db.login_grants import apply_grants, has_login, owns_store
from calldesk.store.db.ownership import require_owner, require_role_maker
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import USERNAME, Actor, authorise, named_user


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
    exists = has_login(conn, username)
    if exists and owns_store(conn, username):
        raise InvalidInput(f"{username} owns the store: its login has every privilege already, and none is granted "
                           "or revoked by db grant.", field="username")
    if not exists:
        require_role_maker(conn, f"make {username}'s login role")
        conn.exec_driver_sql(f'CREATE ROLE "{username}" LOGIN')
    apply_grants(conn, user)
    uow.commit()
    made = "" if exists else "created the login role and "
    if not user.active:
        return f"{made}revoked every privilege of {username} (deactivated)"
    return f"{made}granted {username} what {a_role(user.role)} needs"
