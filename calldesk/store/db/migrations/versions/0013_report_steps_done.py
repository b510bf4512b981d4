"""each reporting-chain step is marked done by the person who does it, when they do it (OC CCTS III.B)

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reportstep',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('done_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('protocol', 'kind', 'period', 'step', name='uq_reportstep')
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        # The database's enforcement names the table (calldesk.store.db.security): it goes first, made again at the
        # head.
        op.execute("DROP TRIGGER IF EXISTS reportstep_recorded ON public.reportstep")
        op.execute("DROP TRIGGER IF EXISTS reportstep_author ON public.reportstep")
        op.execute("DROP TRIGGER IF EXISTS reportstep_guard ON public.reportstep")
    op.drop_table('reportstep')
