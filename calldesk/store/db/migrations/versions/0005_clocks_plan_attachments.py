"""clock events (met, extended, missed), the prescribed plan's steps, attached files (the signed letter)

Revision ID: 0005
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('clockevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('due_at', _when(), nullable=True),
    sa.Column('new_due_at', _when(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('by_user', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', _when(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_clockevent_case_id'), 'clockevent', ['case_id'], unique=False)
    op.create_table('planstep',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Text(), nullable=False),
    sa.Column('due_at', _when(), nullable=False),
    sa.Column('by_user', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', _when(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_planstep_case_id'), 'planstep', ['case_id'], unique=False)
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('stored_as', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('by_user', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', _when(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_attachment_case_id'), 'attachment', ['case_id'], unique=False)


def downgrade() -> None:
    for table in ('attachment', 'planstep', 'clockevent'):
        op.drop_index(op.f(f'ix_{table}_case_id'), table_name=table)
        op.drop_table(table)
