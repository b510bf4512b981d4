"""escalation kinds, staff languages, consent revocation, referrals, meetings and quality reviews

Revision ID: 0006
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _case_row_table(name: str, *columns: sa.Column) -> None:
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    *columns,
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_case_id'), ['case_id'], unique=False)


def upgrade() -> None:
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default='escalation'))
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('revoked_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    _case_row_table('referral',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('office', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('referred_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('referred_at', sa.DateTime(timezone=True), nullable=False))
    _case_row_table('meeting',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('parties', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('scheduled_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('parent_satisfied', sa.Boolean(), nullable=True),
    sa.Column('outcome_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True))
    _case_row_table('qualityreview',
    sa.Column('contact_accurate', sa.Boolean(), nullable=False),
    sa.Column('labelled_right', sa.Boolean(), nullable=False),
    sa.Column('claim_evidence_written', sa.Boolean(), nullable=False),
    sa.Column('urgency', sa.Boolean(), nullable=False),
    sa.Column('follow_ups_on_time', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('reviewed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False))


def downgrade() -> None:
    op.drop_table('qualityreview')
    op.drop_table('meeting')
    op.drop_table('referral')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_column('revoked_by')
        batch_op.drop_column('revoked_on')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('languages')
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_column('kind')
