"""Migration 0008: the trail's old one-row-per-field events become one event per change, on both backends,
and the trail stays append-only afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from calldesk.models import AuditEvent
from calldesk.store.db.audit import event_changes
from calldesk.store.db.schema import alembic_config, upgrade
from calldesk.store.db.store import Store

ROWS = [  # (at, action, case_id, field, old, new): three fields of one update, then a one-field reassign
    ("2026-11-23 18:00:00.000001", "case.update", 7, "school", None, "Roosevelt High"),
    ("2026-11-23 18:00:00.000002", "case.update", 7, "category", "Enrollment", "Transportation"),
    ("2026-11-23 18:00:00.000003", "case.update", 7, "tier", "inquiry_immediate", "concern"),
    ("2026-11-23 18:05:00.000000", "case.reassign", 7, "assigned_to", "ana", "sam"),
    ("2026-11-23 18:06:00.000000", "case.update", 8, "school", None, "Lincoln High"),
]


def test_per_field_rows_are_merged_into_one_event_per_change(store: Store) -> None:
    from alembic import command

    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    with store.engine.begin() as conn:
        for at, action, case_id, field, old, new in ROWS:
            conn.execute(text("INSERT INTO auditevent (at, actor, action, entity, entity_id, case_id, field, old, new)"
                              " VALUES (:at, 'ana', :action, 'case', :eid, :cid, :field, :old, :new)"),
                         {"at": at, "action": action, "eid": f"2026-00000{case_id}", "cid": case_id,
                          "field": field, "old": old, "new": new})
    upgrade(store.engine)
    with store.uow(readonly=True) as uow:
        events = uow.session.exec(select(AuditEvent).where(AuditEvent.case_id.in_([7, 8]))  # type: ignore[union-attr]
                                  .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["case.update", "case.reassign", "case.update"]
    assert event_changes(events[0]) == {"school": (None, "Roosevelt High"),
                                        "category": ("Enrollment", "Transportation"),
                                        "tier": ("inquiry_immediate", "concern")}
    assert events[0].field is None
    assert (events[1].field, events[1].new) == ("assigned_to", "sam")  # a one-field event keeps its columns
    assert event_changes(events[1]) == {"assigned_to": ("ana", "sam")}
    assert event_changes(events[2]) == {"school": (None, "Lincoln High")}  # another case: not merged
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM auditevent"))


def test_callback_tries_recorded_before_0017_are_counted_from_the_trail(store: Store, admin) -> None:  # type: ignore[no-untyped-def]
    """Migration 0017 fills a callback's tries from its callback.attempt events, in one grouped pass over the trail
    (a correlated count per callback took minutes at a million cases): two tries for one callback, none for the
    other, and another entity's events with the same id are not counted."""
    from alembic import command

    from calldesk.models import Callback, CallbackCreate
    from calldesk.profiles import load_profile
    from calldesk.store.services.callbacks import add_callback

    profile = load_profile("lausd")
    with store.uow() as uow:
        tried = add_callback(uow, actor=admin, profile=profile, data=CallbackCreate(caller_name="Rosa Diaz"))
        untried = add_callback(uow, actor=admin, profile=profile, data=CallbackCreate(caller_name="Li Wen"))
        uow.commit()
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0016")
    with store.engine.begin() as conn:
        for entity, action in (("callback", "callback.attempt"), ("callback", "callback.attempt"),
                               ("case", "callback.attempt"), ("callback", "callback.add")):
            conn.execute(text("INSERT INTO auditevent (at, actor, action, entity, entity_id) "
                              "VALUES (CURRENT_TIMESTAMP, 'ana', :action, :entity, :eid)"),
                         {"action": action, "entity": entity, "eid": str(tried.id)})
    upgrade(store.engine)
    with store.uow(readonly=True) as uow:
        assert uow.session.get(Callback, tried.id).attempts == 2  # type: ignore[union-attr]
        assert uow.session.get(Callback, untried.id).attempts == 0  # type: ignore[union-attr]
