"""The database login the web front signs in with for a respondent (PostgreSQL): the respondent's own login role,
made by `db grant`, given a random password the web front alone keeps. Everything a respondent does on the web is
then done by their own login, so the database's grants, row-level security and audit trail name them (they use
`session_user`, which no SET ROLE changes)."""

from __future__ import annotations

import re

from sqlmodel import Session

from calldesk.errors import InvalidInput
from calldesk.store.db.ownership import require_role_maker
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import USERNAME, Actor, actor_for, authorise
from calldesk.store.services.web_accounts import write_web_password

_GENERATED = re.compile(r"[A-Za-z0-9_-]{32,100}")


def set_respondent_sign_in(uow: UnitOfWork, *, actor: Actor, username: str, password: str,
                           login_password: str | None) -> None:
    """`calldesk serve respondent add` in one transaction: respondent `username`'s web password and, on PostgreSQL
    (`login_password`, generated), their login's database password; both or, refused, neither (every check of
    the login's is made before the web password is written)."""
    if login_password is not None:
        _check_login(uow, actor=actor, login=username, password=login_password)
    write_web_password(uow, actor=actor, username=username, password=password)
    if login_password is not None:
        _alter_password(uow, username, login_password)
    uow.commit()


def _check_login(uow: UnitOfWork, *, actor: Actor, login: str, password: str) -> None:
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


def check_login(session: Session, login: str) -> None:
    """InvalidInput unless `login` has its database login (made by `db grant`), PermissionDenied unless the
    signed-in login may set its password (PostgreSQL: the owner's, or one with CREATEROLE): asked before anything is
    written, and by `serve respondent add` before it asks for the password."""
    exists = session.connection().exec_driver_sql("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %(r)s",
                                                  {"r": login}).first()
    if exists is None:
        raise InvalidInput(f"{login} has no database login yet: run `calldesk db grant {login}` first.",
                           field="username")
    require_role_maker(session.connection(), f"set {login}'s database password")


def _alter_password(uow: UnitOfWork, login: str, password: str) -> None:
    # (both checked by _check_login: a login name without a quote, a generated password of [A-Za-z0-9_-])
    uow.session.connection().exec_driver_sql(f"ALTER ROLE \"{login}\" PASSWORD '{password}'")
