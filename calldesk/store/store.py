"""Opening the store: engine, schema upgrade on first start, first admin, signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from calldesk.store.engine import describe, make_engine
from calldesk.store.schema import is_current, upgrade
from calldesk.store.scrub import resume_pending
from calldesk.store.uow import UnitOfWork, translate
from calldesk.store.users import Actor, actor_for, bootstrap_first_admin, signed_in_login


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
    migrate: bool = True,
    prepare: Callable[[Store], None] | None = None,
) -> Store:
    """Open (and on first start create and migrate) the store at `url`."""
    engine = make_engine(url)
    try:
        if migrate and not is_current(engine):
            upgrade(engine)
        resume_pending(engine)  # a scrub after an abuse mark that an earlier process could not finish
        store = Store(url=url, engine=engine, login=signed_in_login(engine, configured_user), protocol=protocol)
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
