"""Who is signed in, and the admin's user services."""

from __future__ import annotations

import os
import pwd
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, text
from sqlalchemy import select as columns_of
from sqlmodel import Session, col, func, select

from calldesk.errors import InvalidInput, NotFound, UnknownUser
from calldesk.models import User, UserCreate, UserPublic
from calldesk.rules.assignment import listed
from calldesk.rules.permissions import OTHERS_ABSENCE, ROLE_LABELS, may, require, require_any
from calldesk.store.db import audit
from calldesk.store.db.login_grants import follow_role
from calldesk.store.db.uow import UnitOfWork

SYSTEM = "calldesk"
USERNAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}")


@dataclass(frozen=True)
class Actor:
    """The signed-in user, as the service layer checks them: `places` are a respondent's schools and departments;
    `sole` says they are the store's only active user, who acts in every role (a one-person office)."""

    username: str
    role: str
    full_name: str = ""
    places: tuple[str, ...] = ()
    sole: bool = False
    absent_since: date | None = None  # (as the store knew them when they were read: calldesk.store.db.users)

    def may(self, action: str) -> bool:
        """True when they may take `action` (the store's only user acts in every role)."""
        return self.sole or may(self.role, action)


def os_login() -> str:
    """The OS account this process runs as, from its uid (never from LOGNAME, USER or CALLDESK_* variables)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid{os.getuid()}"


def signed_in_login(engine: Engine, configured_user: str | None = None) -> str:
    """The login calldesk acts as: the OS user on SQLite; the authenticated database role on PostgreSQL.

    `configured_user` is for code embedding the store (tests, benchmarks) in a process that could write the
    file anyway; neither the CLI nor the desk passes it, so no setting or variable can choose who you are.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT current_user")).scalar_one())
    return configured_user or os_login()


def actor_for(session: Session, username: str) -> Actor:
    """The active user `username`, or UnknownUser saying what to do."""
    _check_name(username)
    others = select(func.count()).select_from(User).where(User.active == True,  # noqa: E712
                                                          User.username != username).scalar_subquery()
    found = session.execute(columns_of(col(User.username), col(User.role), col(User.full_name), col(User.places),
                                       col(User.active), col(User.absent_since), others)
                            .where(col(User.username) == username)).first()
    _refuse_inactive(username, found is not None, found is not None and found[4])
    assert found is not None
    name, role, full_name, places, _, absent_since, colleagues = found
    return Actor(name, role, full_name, listed(places), sole=colleagues == 0, absent_since=absent_since)


@dataclass(frozen=True)
class Staff:
    """An active user as one who is handed work: their name, and since when they are away (None: at work)."""

    username: str
    absent_since: date | None


def active_user(session: Session, username: str) -> Staff:
    """The active user `username` (someone work is handed to), or UnknownUser saying what to do."""
    _check_name(username)
    found = session.execute(columns_of(col(User.username), col(User.active), col(User.absent_since))
                            .where(col(User.username) == username)).first()
    _refuse_inactive(username, found is not None, found is not None and found[1])
    assert found is not None
    return Staff(found[0], found[2])


def _check_name(username: str) -> None:
    if not USERNAME.fullmatch(username):  # checked before any query (a NUL would be a raw error on PostgreSQL)
        raise UnknownUser(f"{username!r} is not a calldesk user name.")


def _refuse_inactive(username: str, exists: bool, active: bool) -> None:
    if not exists:
        raise UnknownUser(
            f"'{username}' is not a calldesk user; ask an admin to run: calldesk user add {username} --role agent"
        )
    if not active:
        raise UnknownUser(f"'{username}' has been deactivated; ask an admin to reactivate the account.")


def authorise(uow: UnitOfWork, actor: Actor, action: str, *, asked: str | None = None) -> Actor:
    """The first step of every service: the actor as the store knows them now (refused if unknown or
    deactivated since signing in; their current role, not the one they signed in with) may do `action`. The
    only active user of a store acts in every role (a one-person office). Read once a transaction: the services
    one user action joins (a call's save opens the case, adds its callback...) ask again without a query.
    `asked`: what the refusal says they asked for, when it is not the action's own words."""
    current = uow.actors.get(actor.username)
    if current is None:
        current = uow.actors[actor.username] = actor_for(uow.session, actor.username)
    if not current.sole:
        require(current.role, action, asked=asked)
    return current


def check(session: Session, actor: Actor, action: str, *, asked: str | None = None) -> Actor:
    """`authorise` for a read (a report, the dashboard): the actor as the store knows them now may do `action`
    (`asked`: what the refusal says they asked for, when a read needs the roles of `action`)."""
    current = actor_for(session, actor.username)
    if not current.sole:
        require(current.role, action, asked=asked)
    return current


def bootstrap_first_admin(uow: UnitOfWork, login: str) -> bool:
    """On a store with no users, make `login` its first admin. True when it did."""
    if uow.session.exec(select(func.count()).select_from(User)).one() > 0:
        return False
    user = User(username=login, full_name=login, role="admin")
    uow.session.add(user)
    uow.flush()
    audit.record(uow.session, actor=SYSTEM, action="user.bootstrap", entity="user", entity_id=login,
                 field="role", new="admin")
    return True


def _check_role(role: str) -> str:
    if role not in ROLE_LABELS:
        raise InvalidInput(f"Unknown role '{role}'; choose one of: {', '.join(ROLE_LABELS)}.", field="role")
    return role


def named_user(session: Session, username: str) -> User:
    """The user `username`, active or not; NotFound ("No user named 'x'.") when there is none."""
    if not USERNAME.fullmatch(username):  # never query with a NUL or a broken character
        raise NotFound(f"No user named {username!r}.")
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"No user named '{username}'.")
    return user


def add_user(uow: UnitOfWork, *, actor: Actor, data: UserCreate) -> UserPublic:
    """Create a user (admins only)."""
    authorise(uow, actor, "manage_users")
    if not USERNAME.fullmatch(data.username):
        raise InvalidInput(
            f"'{data.username}' is not a valid user name (letters, digits, . _ - @; at most 64).", field="username"
        )
    _check_role(data.role)
    if uow.session.exec(select(User).where(User.username == data.username)).first() is not None:
        raise InvalidInput(f"A user named '{data.username}' already exists.", field="username")
    if data.supervisor and not USERNAME.fullmatch(data.supervisor):
        raise InvalidInput(f"No user named {data.supervisor!r} to be the supervisor.", field="supervisor")
    if data.supervisor and uow.session.exec(select(User).where(User.username == data.supervisor)).first() is None:
        raise InvalidInput(f"No user named '{data.supervisor}' to be the supervisor; add them first.",
                           field="supervisor")
    user = User(username=data.username, full_name=data.full_name, role=data.role, supervisor=data.supervisor,
                languages=_languages(data.languages), places=_places(data.places, data.role))
    uow.session.add(user)
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="user.add", entity="user",
                 entity_id=user.username, field="role", new=user.role)
    uow.commit()  # one action, one commit, as every service
    return UserPublic.model_validate(user)


def _languages(text: str) -> str:
    cleaned = ", ".join(listed(text))
    if len(cleaned) > 200:
        raise InvalidInput("List at most 200 characters of languages.", field="languages")
    return cleaned


def _places(text: str, role: str) -> str:
    cleaned = ", ".join(listed(text))
    if len(cleaned) > 500:
        raise InvalidInput("List at most 500 characters of schools and departments.", field="places")
    if role == "respondent" and not cleaned:
        raise InvalidInput("A respondent needs their schools or departments (--places \"Roosevelt High\").",
                           field="places")
    return cleaned


def set_supervisor(uow: UnitOfWork, *, actor: Actor, username: str, supervisor: str | None) -> UserPublic:
    """Name who covers `username`'s callbacks while they are away (None: nobody); admins only. Commits."""
    authorise(uow, actor, "manage_users")
    user = named_user(uow.session, username)
    if supervisor is not None:
        if supervisor == username:
            raise InvalidInput(f"{username} cannot be their own supervisor.", field="supervisor")
        if not named_user(uow.session, supervisor).active:
            raise InvalidInput(f"{supervisor} is deactivated: name an active supervisor.", field="supervisor")
    audit.record(uow.session, actor=actor.username, action="user.supervisor", entity="user", entity_id=username,
                 field="supervisor", old=user.supervisor, new=supervisor)
    user.supervisor = supervisor
    uow.commit()
    return UserPublic.model_validate(user)


def set_languages(uow: UnitOfWork, *, actor: Actor, username: str, languages: str) -> UserPublic:
    """The languages a user takes calls in ("English, Spanish"); a call in one of them is routed to them
    (admins only). Commits."""
    authorise(uow, actor, "manage_users")
    user = named_user(uow.session, username)
    cleaned = _languages(languages)
    audit.record(uow.session, actor=actor.username, action="user.languages", entity="user", entity_id=username,
                 field="languages", old=user.languages, new=cleaned)
    user.languages = cleaned
    uow.commit()
    return UserPublic.model_validate(user)


def set_places(uow: UnitOfWork, *, actor: Actor, username: str, places: str) -> UserPublic:
    """The schools and departments whose cases a respondent sees and documents (admins only). Commits."""
    authorise(uow, actor, "manage_users")
    user = named_user(uow.session, username)
    cleaned = _places(places, user.role)
    audit.record(uow.session, actor=actor.username, action="user.places", entity="user", entity_id=username,
                 field="places", old=user.places, new=cleaned)
    user.places = cleaned
    uow.commit()
    return UserPublic.model_validate(user)


def list_users(session: Session, *, include_inactive: bool = True) -> list[UserPublic]:
    query = select(User).order_by(User.username)
    if not include_inactive:
        query = query.where(User.active == True)  # noqa: E712
    return [UserPublic.model_validate(u) for u in session.exec(query)]


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse a change that would leave the store with no active admin (nobody could manage users again)."""
    admins = session.exec(select(func.count()).select_from(User).where(User.role == "admin",
                                                                        User.active == True)).one()  # noqa: E712
    if user.role == "admin" and user.active and admins <= 1:
        raise InvalidInput(f"{user.username} is the last active admin; make someone else admin first.",
                           field="username")


def set_role(uow: UnitOfWork, *, actor: Actor, username: str, role: str) -> UserPublic:
    """Change a user's role (admins only)."""
    authorise(uow, actor, "manage_users")
    _check_role(role)
    user = named_user(uow.session, username)
    _places(user.places, role)  # a respondent without places would see nothing
    if role != "admin":
        _keep_an_admin(uow.session, user)
    audit.record(uow.session, actor=actor.username, action="user.set_role", entity="user",
                 entity_id=username, field="role", old=user.role, new=role)
    user.role = role
    uow.flush()
    follow_role(uow, user)  # PostgreSQL: their login may do what the new role does, from this commit on
    uow.commit()  # one action, one commit, as every service
    return UserPublic.model_validate(user)


def set_active(uow: UnitOfWork, *, actor: Actor, username: str, active: bool) -> UserPublic:
    """Deactivate (or reactivate) a user (admins only); an admin cannot lock themselves out."""
    authorise(uow, actor, "manage_users")
    if username == actor.username and not active:
        raise InvalidInput("You cannot deactivate yourself; ask another admin.", field="username")
    user = named_user(uow.session, username)
    if not active:
        _keep_an_admin(uow.session, user)
    audit.record(uow.session, actor=actor.username, action="user.set_active", entity="user",
                 entity_id=username, field="active", old=user.active, new=active)
    user.active = active
    uow.flush()
    follow_role(uow, user)  # PostgreSQL: a deactivated login keeps no privilege, from this commit on
    uow.commit()  # one action, one commit, as every service
    return UserPublic.model_validate(user)


def set_absence(uow: UnitOfWork, *, actor: Actor, username: str, absent_since: date | None) -> UserPublic:
    """Record that a user is away (their callbacks go to their supervisor after a day)."""
    current = actor_for(uow.session, actor.username)
    if current.username != username:
        require_any(current.role, OTHERS_ABSENCE, asked="record someone else's absence")
    user = named_user(uow.session, username)
    audit.record(uow.session, actor=actor.username, action="user.absence", entity="user",
                 entity_id=username, field="absent_since", old=user.absent_since, new=absent_since)
    user.absent_since = absent_since
    uow.flush()
    uow.commit()  # one action, one commit, as every service
    return UserPublic.model_validate(user)


def full_names(session: Session, usernames: set[str]) -> dict[str, str]:
    """The full names of these users (those who have one), by user name: how the case history names people."""
    if not usernames:
        return {}
    rows = session.exec(select(User.username, User.full_name).where(col(User.username).in_(sorted(usernames))))
    return {username: name for username, name in rows if name}
