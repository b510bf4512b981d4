"""The protocol profile's taxonomy and resource directory, mirrored into the store."""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from calldesk.errors import StoreError
from calldesk.models import Category, Resource
from calldesk.profiles import load_profile
from calldesk.rules.permissions import may
from calldesk.rules.profile import Profile
from calldesk.store import audit
from calldesk.store.uow import UnitOfWork
from calldesk.store.users import Actor, authorise


def sync_reference(uow: UnitOfWork, *, actor: Actor, profile: Profile) -> tuple[int, int]:
    """Replace this protocol's categories and resources with the profile's (admins: it is store maintenance);
    returns their counts. The caller commits (it runs in the transaction that opens the store)."""
    authorise(uow, actor, "maintain_store")
    session = uow.session
    session.exec(delete(Category).where(col(Category.protocol) == profile.name))  # type: ignore[call-overload]
    session.exec(delete(Resource).where(col(Resource.protocol) == profile.name))  # type: ignore[call-overload]
    categories = 0
    for cat in profile.categories:
        flags = {"special_education": cat.special_education, "safety": cat.safety, "reportable": cat.reportable}
        session.add(Category(protocol=profile.name, name=cat.name, parent="", **flags))
        categories += 1
        for sub in cat.subcategories:
            session.add(Category(protocol=profile.name, name=sub, parent=cat.name, **flags))
            categories += 1
    for res in profile.resources:
        session.add(Resource(protocol=profile.name, department=res.department, response=res.response,
                             contact=res.contact, keywords=", ".join(res.keywords)))
    audit.record(session, actor=actor.username, action="reference.sync", entity="protocol", entity_id=profile.name,
                 field="categories", new=categories)
    return categories, len(profile.resources)


def ensure_reference(store: object) -> None:
    """Load the protocol's taxonomy and resource directory into the store if it does not hold them yet
    (first start, or the first time the store is opened under another protocol)."""
    from calldesk.store.store import Store

    assert isinstance(store, Store)
    with store.uow() as uow:
        present = uow.session.exec(select(Category.id).where(Category.protocol == store.protocol).limit(1)).first()
        if present is None:
            actor = store.actor()
            if not may(actor.role, "maintain_store"):
                raise StoreError(f"The {store.protocol} protocol is not loaded in this store yet: an admin must "
                                 f"start calldesk once with --protocol {store.protocol}.")
            sync_reference(uow, actor=actor, profile=load_profile(store.protocol))
            uow.commit()


def resources(session: Session, protocol: str, query: str = "") -> list[Resource]:
    """Resource directory entries whose department, response or keywords contain every word of `query`."""
    rows = list(session.exec(select(Resource).where(Resource.protocol == protocol).order_by(Resource.department)))
    words = query.casefold().split()
    return [r for r in rows
            if all(w in f"{r.department} {r.response} {r.keywords} {r.contact}".casefold() for w in words)]
