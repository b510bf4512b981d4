"""every seed step can be recorded: the protocol's steps on a case (casestep), the resource directory kept by the
coordinator (retired entries, who changed them), the quality review's checklist from the profile and whose work
was reviewed

Revision ID: 0015
Revises: 0014
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('casestep',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('party', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('by_user', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'step')
    )
    with op.batch_alter_table('casestep', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casestep_case_id'), ['case_id'], unique=False)
    with op.batch_alter_table('qualityreview', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reviewed_person', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_qualityreview_reviewed_person'), ['reviewed_person'], unique=False)
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('updated_by')
        batch_op.drop_column('active')
    with op.batch_alter_table('qualityreview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qualityreview_reviewed_person'))
        batch_op.drop_column('reviewed_person')
        batch_op.drop_column('points')
    with op.batch_alter_table('casestep', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casestep_case_id'))
    op.drop_table('casestep')
