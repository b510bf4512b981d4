"""Opening the store: engine, schema upgrade on first start, first admin, signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from calldesk.errors import StoreError, UnknownUser
from calldesk.rules.permissions import may
from calldesk.store.db.engine import describe, make_engine
from calldesk.store.db.schema import HEAD, current_revision, upgrade
from calldesk.store.db.scrub import resume_pending
from calldesk.store.db.uow import UnitOfWork, translate
from calldesk.store.db.users import Actor, actor_for, bootstrap_first_admin, signed_in_login


@dataclass
class Store:
    """One open store and who is using it."""

    url: str
    engine: Engine
    login: str
    protocol: str = "lausd"

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def location(self) -> str:
        return describe(self.url)

    def uow(self, *, readonly: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, readonly=readonly)

    def actor(self) -> Actor:
        """The signed-in user, checked against the users table (UnknownUser if not allowed in)."""
        with self.uow(readonly=True) as uow:
            return actor_for(uow.session, self.login)

    def close(self) -> None:
        self.engine.dispose()


def open_store(
    url: str,
    *,
    configured_user: str | None = None,
    protocol: str = "lausd",
    create: bool = True,
    migrate: bool = True,
    prepare: Callable[[Store], None] | None = None,
) -> Store:
    """Open the store at `url`.

    With `create` (the desk's first start, `db upgrade`) a missing or empty store is created, migrated and its
    first user made admin; without it (every other command) a missing store is refused and nothing is created.
    An existing store on an older schema is upgraded only when an admin signs in with `migrate`.
    """
    engine = make_engine(url, create=create)
    try:
        revision = _revision(engine)
        if revision is None and not create:
            raise StoreError(f"{describe(url)} is not a calldesk store (no calldesk schema); check --db, or run "
                             "`calldesk db upgrade` to create a store there.")
        store = Store(url=url, engine=engine, login=signed_in_login(engine, configured_user), protocol=protocol)
        if revision is None:
            upgrade(engine)
        elif revision != HEAD:
            _upgrade_as_admin(store, revision, migrate=migrate)
        elif engine.dialect.name == "postgresql":
            _enforcement_current(engine)
        resume_pending(engine)  # a scrub after an abuse mark that an earlier process could not finish
        if create:
            with store.uow() as uow:
                bootstrap_first_admin(uow, store.login)
                uow.commit()
        if prepare is not None:
            prepare(store)  # e.g. reference data the protocol needs (cheap when already there)
    except Exception as exc:
        engine.dispose()
        translated = translate(exc)
        if translated is not None:
            raise translated from exc
        raise
    return store


def _revision(engine: Engine) -> str | None:
    """The store's schema revision; a PostgreSQL login that holds no privilege on it (a deactivated user's, or one
    not granted yet) is refused in words (UnknownUser), not with the database's "permission denied"."""
    try:
        return current_revision(engine)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
    login = signed_in_login(engine)
    raise UnknownUser(f"{login} may not use this store: its login holds no privilege on it (a deactivated user's, "
                      f"or one not granted yet: an admin runs `calldesk db grant {login}`).")


def _enforcement_current(engine: Engine) -> None:
    """The database's own enforcement is this calldesk's (calldesk.store.db.security): made again by the owner's
    start, refused for anyone else's until the owner runs `calldesk db upgrade`."""
    from calldesk.store.db import security

    with engine.begin() as conn:
        if security.is_current(conn):
            return
        if not security.is_owner(conn):
            raise StoreError("The store's database rules are older than this calldesk: its owner must run "
                             "`calldesk db upgrade`.")
        security.apply(conn)
        security.stamp(conn)


def _upgrade_as_admin(store: Store, revision: str, *, migrate: bool) -> None:
    """A schema change is store maintenance: only an active admin's start (or `db upgrade`) makes it."""
    actor = store.actor()
    if not migrate or not may(actor.role, "maintain_store"):
        raise StoreError(f"The store's schema is at {revision} and this calldesk needs {HEAD}: an admin must run "
                         "`calldesk db upgrade`.")
    upgrade(store.engine)
