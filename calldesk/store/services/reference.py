"""The protocol profile's taxonomy and resource directory, mirrored into the store."""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from calldesk.errors import NotFound, RuleRefused, StoreError
from calldesk.models import Category, Resource, utcnow
from calldesk.profiles import load_profile
from calldesk.rules.permissions import may
from calldesk.rules.profile import Profile
from calldesk.rules.resources import ResourceEntry, clean_entry
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise


def sync_reference(uow: UnitOfWork, *, actor: Actor, profile: Profile) -> tuple[int, int]:
    """Replace this protocol's categories with the profile's, and seed its resource directory from the profile's
    file if the store holds none yet (admins: it is store maintenance); returns their counts. The caller commits
    (it runs in the transaction that opens the store)."""
    authorise(uow, actor, "maintain_store")
    session = uow.session
    session.exec(delete(Category).where(col(Category.protocol) == profile.name))  # type: ignore[call-overload]
    # The resource directory is seeded from the profile's file once; after that the coordinator keeps it.
    kept = session.exec(select(Resource.id).where(Resource.protocol == profile.name).limit(1)).first() is not None
    categories = 0
    for cat in profile.categories:
        flags = {"special_education": cat.special_education, "safety": cat.safety, "reportable": cat.reportable}
        session.add(Category(protocol=profile.name, name=cat.name, parent="", **flags))
        categories += 1
        for sub in cat.subcategories:
            session.add(Category(protocol=profile.name, name=sub, parent=cat.name, **flags))
            categories += 1
    for res in () if kept else profile.resources:
        session.add(Resource(protocol=profile.name, department=res.department, response=res.response,
                             contact=res.contact, keywords=", ".join(res.keywords)))
    audit.record(session, actor=actor.username, action="reference.sync", entity="protocol", entity_id=profile.name,
                 field="categories", new=categories)
    return categories, 0 if kept else len(profile.resources)


def ensure_reference(store: object) -> None:
    """Load the protocol's taxonomy and resource directory into the store if it does not hold them yet
    (first start, or the first time the store is opened under another protocol)."""
    from calldesk.store.db.store import Store

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


def resources(session: Session, protocol: str, query: str = "", *, retired: bool = False) -> list[Resource]:
    """Resource directory entries whose department, response or keywords contain every word of `query`; the
    retired ones too when `retired`."""
    rows = list(session.exec(select(Resource).where(Resource.protocol == protocol,
                                                    *(() if retired else (col(Resource.active),)))
                             .order_by(col(Resource.department), col(Resource.id))))
    words = query.casefold().split()
    return [r for r in rows
            if all(w in f"{r.department} {r.response} {r.keywords} {r.contact}".casefold() for w in words)]


def _entry(uow: UnitOfWork, profile: Profile, resource_id: int) -> Resource:
    row = uow.session.get(Resource, resource_id, with_for_update=True)
    if row is None or row.protocol != profile.name:
        raise NotFound(f"No resource directory entry numbered {resource_id} in the {profile.title} directory.")
    return row


def _snapshot(row: Resource) -> dict[str, object]:
    return {"department": row.department, "response": row.response, "contact": row.contact,
            "keywords": row.keywords, "active": row.active}


def add_resource(uow: UnitOfWork, *, actor: Actor, profile: Profile, entry: ResourceEntry) -> Resource:
    """A new entry of the directory (the coordinator keeps it: LAUSD's Department Tiers of Responses and
    Resources); audited. Returns it."""
    actor = authorise(uow, actor, "keep_resources")
    clean = clean_entry(entry)
    row = Resource(protocol=profile.name, department=clean.department, response=clean.response,
                   contact=clean.contact, keywords=", ".join(clean.keywords), updated_by=actor.username,
                   updated_at=utcnow())
    uow.session.add(row)
    uow.flush()
    audit.record_changes(uow.session, actor=actor.username, action="resource.add", entity="resource", case_id=None,
                         entity_id=row.id, before={}, after=_snapshot(row))
    uow.commit()
    return row


def edit_resource(uow: UnitOfWork, *, actor: Actor, profile: Profile, resource_id: int,
                  entry: ResourceEntry) -> Resource:
    """The entry rewritten (department, response, contact, keywords); audited with what changed."""
    actor = authorise(uow, actor, "keep_resources")
    row = _entry(uow, profile, resource_id)  # (an unknown number is told as such, before the entry's own checks)
    if not row.active:
        raise RuleRefused(f"Entry {resource_id} ({row.department}) is retired.")
    clean = clean_entry(entry)
    before = _snapshot(row)
    row.department, row.response, row.contact = clean.department, clean.response, clean.contact
    row.keywords, row.updated_by, row.updated_at = ", ".join(clean.keywords), actor.username, utcnow()
    audit.record_changes(uow.session, actor=actor.username, action="resource.edit", entity="resource", case_id=None,
                         entity_id=row.id, before=before, after=_snapshot(row))
    uow.commit()
    return row


def retire_resource(uow: UnitOfWork, *, actor: Actor, profile: Profile, resource_id: int) -> Resource:
    """The entry is no longer offered to agents (kept, and named in the trail); audited."""
    actor = authorise(uow, actor, "keep_resources")
    row = _entry(uow, profile, resource_id)
    if not row.active:
        raise RuleRefused(f"Entry {resource_id} ({row.department}) is retired already.")
    row.active, row.updated_by, row.updated_at = False, actor.username, utcnow()
    audit.record_changes(uow.session, actor=actor.username, action="resource.retire", entity="resource", case_id=None,
                         entity_id=row.id, before={"active": True}, after={"active": False})
    uow.commit()
    return row
