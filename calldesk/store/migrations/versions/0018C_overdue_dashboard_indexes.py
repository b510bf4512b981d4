"""overdue and the dashboard at a million cases: the due clocks of open cases, the period's categories and
types, the closed cases' compliance and the merged duplicates each read from one index

Revision ID: 0018C
Revises: 0017
"""
from __future__ import annotations

from alembic import op

revision = '0018C'
down_revision = '0017'
branch_labels = None
depends_on = None

# calldesk.models.case.Case and CaseLink's indexes, spelled out: migrations are frozen.
INDEXES = {
    'ix_case_overdue': ('cases', ['status', 'next_deadline', 'respond_by', 'acknowledge_by', 'next_follow_up_by',
                                  'resolve_by', 'assigned_to', 'owner_role', 'case_number']),
    'ix_case_opened_kind': ('cases', ['opened_at', 'category', 'call_type']),
    'ix_case_closed_on_time': ('cases', ['status', 'closed_at', 'resolve_by']),
    'ix_caselink_kind_case': ('caselink', ['kind', 'case_id']),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _) in reversed(INDEXES.items()):
        op.drop_index(name, table_name=table)
