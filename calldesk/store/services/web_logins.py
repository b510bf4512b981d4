"""The database login the web front signs in with for a respondent (PostgreSQL): the respondent's own login role,
made by `db grant`, given a random password the web front alone keeps. Everything a respondent does on the web is
then done by their own login, so the database's grants, row-level security and audit trail name them (they use
`session_user`, which no SET ROLE changes)."""

from __future__ import annotations

import re

from sqlmodel import Session

from calldesk.errors import InvalidInput
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import USERNAME, Actor, actor_for, authorise

_GENERATED = re.compile(r"[A-Za-z0-9_-]{32,100}")


def set_login_password(uow: UnitOfWork, *, actor: Actor, login: str, password: str) -> None:
    """Set respondent `login`'s database password to `password` (one the web front generated); admins only."""
    authorise(uow, actor, "manage_users")
    if not USERNAME.fullmatch(login) or '"' in login:
        raise InvalidInput(f"{login!r} is not a login name.", field="username")
    if actor_for(uow.session, login).role != "respondent":
        raise InvalidInput(f"{login} is not a respondent: the web front signs in only as respondents.",
                           field="username")
    if not _GENERATED.fullmatch(password):
        raise InvalidInput("The web front's login password is generated (32 or more letters and digits).",
                           field="password")
    check_login(uow.session, login)
    uow.session.connection().exec_driver_sql(f"ALTER ROLE \"{login}\" PASSWORD '{password}'")
    uow.commit()


def check_login(session: Session, login: str) -> None:
    """InvalidInput unless `login` has its database login (made by `db grant`): asked before anything is written
    (`serve respondent add` sets the web password first, then this login's)."""
    exists = session.connection().exec_driver_sql("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %(r)s",
                                                  {"r": login}).first()
    if exists is None:
        raise InvalidInput(f"{login} has no database login yet: run `calldesk db grant {login}` first.",
                           field="username")
