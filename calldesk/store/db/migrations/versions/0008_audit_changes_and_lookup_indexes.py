"""one audit event per change (its changed fields as JSON); caller lookup indexes on (key, opened_at)

Revision ID: 0008
Revises: 0003
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# (old index, new index, its columns): each lookup key becomes a range scan in opening order (newest-N).
LOOKUP_INDEXES = [
    ('ix_case_phone_digits', 'ix_case_phone_opened', ['phone_digits', 'opened_at']),
    ('ix_case_email', 'ix_case_email_opened', ['email', 'opened_at']),
    ('ix_cases_caller_name_key', 'ix_case_name_opened', ['caller_name_key', 'opened_at']),
    ('ix_case_school', 'ix_case_school_opened', ['school', 'opened_at']),
]
SQLITE_TRIGGERS = {  # 0001's, spelled out: migrations are frozen
    'auditevent_no_update': """CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    'auditevent_no_delete': """CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
}
SAME_CHANGE_SECONDS = 1.0  # one call of record_changes wrote its rows within this of each other


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _groups(rows: list[Any]) -> list[list[Any]]:
    """Consecutive one-field rows of one change (same actor, action, entity, case, written together)."""
    groups: list[list[Any]] = []
    for row in rows:
        last = groups[-1] if groups else None
        if (last is not None and row.field is not None and last[0].field is not None
                and (row.actor, row.action, row.entity, row.entity_id, row.case_id)
                == (last[0].actor, last[0].action, last[0].entity, last[0].entity_id, last[0].case_id)
                and abs((_moment(row.at) - _moment(last[0].at)).total_seconds()) <= SAME_CHANGE_SECONDS
                and row.field not in {r.field for r in last}):
            last.append(row)
        else:
            groups.append([row])
    return groups


def _merge_trail(bind: sa.Connection) -> None:
    """The rows written one per field become one event per change; a one-field event keeps field/old/new."""
    audit = sa.table('auditevent', sa.column('id', sa.Integer), sa.column('changes', sa.Text),
                     sa.column('field', sa.String), sa.column('old', sa.Text), sa.column('new', sa.Text))
    last_id = 0
    while True:
        rows = bind.execute(sa.text(
            "SELECT id, at, actor, action, entity, entity_id, case_id, field, old, new FROM auditevent "
            "WHERE id > :last ORDER BY id LIMIT 20000"), {"last": last_id}).all()
        if not rows:
            return
        groups = _groups(list(rows))
        if len(rows) == 20000 and len(groups) > 1:
            groups = groups[:-1]  # the last group may continue in the next page
        for group in groups:
            if group[0].field is None:
                continue
            changes = json.dumps({r.field: [r.old, r.new] for r in group}, ensure_ascii=False)
            values: dict[str, Any] = {"changes": changes}
            if len(group) > 1:
                values.update(field=None, old=None, new=None)
            bind.execute(sa.update(audit).where(audit.c.id == group[0].id).values(values))
            if len(group) > 1:
                bind.execute(sa.delete(audit).where(audit.c.id.in_([r.id for r in group[1:]])))
        last_id = groups[-1][-1].id


def upgrade() -> None:
    op.add_column('auditevent', sa.Column('changes', sa.Text(), nullable=True))
    for old, new, columns in LOOKUP_INDEXES:
        op.drop_index(old, table_name='cases')
        op.create_index(new, 'cases', columns, unique=False)
    # The owner rewrites its own trail once, with the append-only guard off for this transaction only.
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("ALTER TABLE auditevent DISABLE TRIGGER auditevent_no_change")
        _merge_trail(bind)
        op.execute("ALTER TABLE auditevent ENABLE TRIGGER auditevent_no_change")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        _merge_trail(bind)
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)


def downgrade() -> None:
    for old, new, columns in LOOKUP_INDEXES:
        op.drop_index(new, table_name='cases')
        op.create_index(old, 'cases', columns[:1], unique=False)
    op.drop_column('auditevent', 'changes')
