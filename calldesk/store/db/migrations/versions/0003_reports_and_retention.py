"""reports, litigation holds, the store's pseudonym secret, the report's covering index

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


# The monthly report's covering index (calldesk.models.case.REPORT_COLUMNS, spelled out: migrations are frozen).
REPORT_COLUMNS = ['protocol', 'opened_at', 'reportable', 'call_type', 'category', 'channel', 'school', 'department',
                  'tier', 'source', 'status', 'resolve_by', 'closed_at']


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_case_report', REPORT_COLUMNS, unique=False)
    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('numbers', sa.Text(), nullable=False),
    sa.Column('run_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('protocol', 'kind', 'period', name='uq_report_period')
    )
    op.create_table('litigationhold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('placed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )
    # The key of the reports' case pseudonyms, made once here (the table is 0002's), so no desk role needs to write it.
    op.bulk_insert(sa.table('storesecret', sa.column('name', sa.String), sa.column('value', sa.String)),
                   [{'name': 'pseudonym', 'value': secrets.token_hex(32)}])


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_case_report')
    op.execute("DELETE FROM storesecret WHERE name = 'pseudonym'")
    op.drop_table('litigationhold')
    op.drop_table('report')
