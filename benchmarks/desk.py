"""A fresh temp store with an agent signed in: what the in-process benchmarks run the real app on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calldesk.store.db.store import Store
    from calldesk.store.db.users import Actor

AGENT = "bench_agent"


def agent_desk(url: str) -> tuple[Store, Actor]:
    """Create the store at `url` (its first admin is this OS login), add an agent, and return both."""
    from calldesk.models import UserCreate
    from calldesk.store.db.store import open_store
    from calldesk.store.db.users import Actor, add_user
    from calldesk.store.services.reference import ensure_reference

    store = open_store(url, prepare=ensure_reference)
    with store.uow() as uow:
        add_user(uow, actor=store.actor(), data=UserCreate(username=AGENT, role="agent"))
        uow.commit()
    return store, Actor(AGENT, "agent")
