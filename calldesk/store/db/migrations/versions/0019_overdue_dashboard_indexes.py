"""overdue, the dashboard and the monthly report at a million cases: the due clocks of open cases, the period's
categories and types, the closed cases' compliance, the merged duplicates and the report's SLA outcome (its late
clocks) each read from one index

Revision ID: 0019
Revises: 0018
"""
from __future__ import annotations

from alembic import op

revision = '0019'
down_revision = '0018'
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


# The monthly report's covering index gains late_clocks (its SLA outcome reads it: without it, a row lookup per case).
REPORT_BEFORE = ['protocol', 'opened_at', 'reportable', 'call_type', 'category', 'channel', 'school', 'department',
                 'tier', 'source', 'status', 'resolve_by', 'closed_at']
REPORT_AFTER = [*REPORT_BEFORE, 'late_clocks']


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)
    op.drop_index('ix_case_report', table_name='cases')
    op.create_index('ix_case_report', 'cases', REPORT_AFTER, unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_report', table_name='cases')
    op.create_index('ix_case_report', 'cases', REPORT_BEFORE, unique=False)
    for name, (table, _) in reversed(INDEXES.items()):
        op.drop_index(name, table_name=table)
