"""Running a command against the store: the global options, opening the store, signing in, and one service
call (one transaction) or one read as the signed-in user."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import typer

from calldesk.errors import InvalidInput
from calldesk.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.rules.profile import Profile
    from calldesk.store.db.store import Store
    from calldesk.store.db.uow import UnitOfWork
    from calldesk.store.db.users import Actor

R = TypeVar("R")


@dataclass
class Options:
    """Global options given before the subcommand."""

    db: str | None = None
    protocol: str | None = None

    def settings(self) -> Settings:
        if self.protocol is not None and not self.protocol.strip():  # (a store opened under "" is no protocol's)
            raise InvalidInput("--protocol is empty: name a protocol profile (lausd, area_offices, ...) or a .toml "
                               "file, or leave the option out.", field="protocol")
        return load_settings(database_url=self.db, protocol=self.protocol)


def options(ctx: typer.Context) -> Options:
    root = ctx.find_root()
    if not isinstance(root.obj, Options):
        root.obj = Options()
    return root.obj


def open_from(ctx: typer.Context, *, create: bool = False) -> Store:
    """Open the store the global options name; only `create` (`db upgrade`) makes a new one."""
    from calldesk.profiles import load_profile
    from calldesk.store.db.store import open_store
    from calldesk.store.services.reference import ensure_reference

    settings = options(ctx).settings()
    load_profile(settings.protocol)  # a misspelt or broken profile is refused before the store is touched
    return open_store(
        settings.database_url,
        create=create,
        protocol=settings.protocol,
        prepare=ensure_reference,
    )


@contextmanager
def opened(ctx: typer.Context, *, create: bool = False) -> Iterator[Store]:
    """The store for one command, closed when the command ends."""
    store = open_from(ctx, create=create)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def signed_in(ctx: typer.Context, *, may: str | None = None, create: bool = False) -> Iterator[tuple[Store, Actor]]:
    """The store for a command that works on it as a whole (its engine: backups, imports, exports) and the
    signed-in user, refused unless their role may do `may` (an action of calldesk.rules.permissions)."""
    from calldesk.rules.permissions import require

    with opened(ctx, create=create) as store:
        actor = store.actor()
        if may is not None:
            require(actor.role, may)
        yield store, actor


def run_service(ctx: typer.Context, action: Callable[[UnitOfWork, Actor, Profile], R], *,
                readonly: bool = False) -> R:
    """Sign in (refused if unknown or deactivated), then run one service call (one transaction: the service
    commits; `readonly`: a service that only reads) as the signed-in user, with the store's protocol."""
    from calldesk.profiles import load_profile

    with signed_in(ctx) as (store, actor), store.uow(readonly=readonly) as uow:
        return action(uow, actor, load_profile(store.protocol))


def run_read(ctx: typer.Context, query: Callable[[Session, Actor, Profile], R]) -> R:
    """Sign in, then run `query` in a read-only transaction as the signed-in user (who sees only what they may:
    calldesk.store.db.visibility), with the store's protocol."""
    from calldesk.profiles import load_profile

    with signed_in(ctx) as (store, actor), store.uow(readonly=True) as uow:
        return query(uow.session, actor, load_profile(store.protocol))


def read_signed_in(ctx: typer.Context, query: Callable[[Session, Actor], R]) -> R:
    """`run_read` for a query that needs no profile."""
    return run_read(ctx, lambda session, actor, _profile: query(session, actor))


def store_profile(ctx: typer.Context) -> Profile:
    """The protocol the global options (or settings) name: the one every store opened by this command uses."""
    from calldesk.profiles import load_profile

    return load_profile(options(ctx).settings().protocol)
