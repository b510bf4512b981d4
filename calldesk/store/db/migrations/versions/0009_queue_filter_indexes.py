"""the supervisor queue at 1M cases: an index per filter column in deadline order, for filtered keyset pages

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# calldesk.store.read.queue.FILTER_INDEXES, spelled out: migrations are frozen. A filter on one of these columns, in
# the default order (next deadline), reads an index range however rare the value (a 3 s scan at 1M without it).
FILTER_COLUMNS = {"category": "category", "tier": "tier", "assignee": "assigned_to", "language": "language",
                  "source": "source", "school": "school", "department": "department"}


def upgrade() -> None:
    for name, column in FILTER_COLUMNS.items():
        op.create_index(f'ix_queue_by_{name}', 'cases', ['status', column, 'next_deadline', 'id'], unique=False)


def downgrade() -> None:
    for name in reversed(FILTER_COLUMNS):
        op.drop_index(f'ix_queue_by_{name}', table_name='cases')
