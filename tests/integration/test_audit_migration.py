"""Migration 0008: the trail's old one-row-per-field events become one event per change, on both backends,
and the trail stays append-only afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from calldesk.models import AuditEvent
from calldesk.store.audit import event_changes
from calldesk.store.schema import alembic_config, upgrade
from calldesk.store.store import Store

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
