"""What PostgreSQL lets only the store's owner login do: grant a login its privileges (only a table's owner grants
them), rewrite a table (compact), read every table and key (backup) or replace them (restore), and make or change a
login role (CREATEROLE, which `db grant` gives nobody). An admin signed in as their own login (made by `db grant`)
is told so in one sentence, before anything is done, instead of a database failure or, for a compact (PostgreSQL
skips a table it may not rewrite with a warning), a success that rewrote nothing. On SQLite the file's owner is the
store's."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from calldesk.errors import PermissionDenied

_OWNER = ("SELECT pg_catalog.pg_get_userbyid(c.relowner), session_user::text, "
          "pg_catalog.pg_has_role(session_user, c.relowner, 'MEMBER') FROM pg_catalog.pg_class c "
          "WHERE c.oid = 'public.cases'::pg_catalog.regclass")


def require_owner(bind: Engine | Connection, doing: str) -> None:
    """PermissionDenied, naming the owner's login, unless the signed-in login owns the store (PostgreSQL; on SQLite
    nothing to check). `doing` words the request ("back up the store")."""
    if bind.dialect.name != "postgresql":
        return
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            found = conn.execute(text(_OWNER)).one()
    else:
        found = bind.execute(text(_OWNER)).one()
    owner, me, owns = found
    if not owns:
        raise PermissionDenied(f"Only the store's owner login ({owner}) may {doing}: PostgreSQL lets no other login "
                               f"do it; you are signed in as {me}.")


def require_role_maker(conn: Connection, doing: str) -> None:
    """PermissionDenied unless the signed-in login may make and change login roles (PostgreSQL's CREATEROLE)."""
    me, may = conn.execute(text("SELECT r.rolname::text, r.rolcreaterole OR r.rolsuper FROM pg_catalog.pg_roles r "
                                "WHERE r.rolname = session_user")).one()
    if not may:
        owner = conn.execute(text(_OWNER)).one()[0]
        raise PermissionDenied(f"Only the store's owner login ({owner}), or another that may make login roles "
                               f"(CREATEROLE), may {doing}; you are signed in as {me}.")
