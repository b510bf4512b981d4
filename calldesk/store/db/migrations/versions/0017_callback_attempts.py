"""a callback keeps its tries: how many were recorded, the last one's result and when, so the list shows them

Revision ID: 0017
Revises: 0016
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both backends (SQLite adds and drops a column in place), as 0014 does.
    op.add_column('callback', sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
    op.add_column('callback', sa.Column('last_attempt', sa.String(length=20), nullable=True))
    op.add_column('callback', sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True))
    # Tries recorded before this revision: counted from the audit trail (one callback.attempt event each), in one
    # pass over the trail grouped by callback (UPDATE ... FROM: PostgreSQL, SQLite 3.33+), not one scan of it per
    # callback (minutes at a million cases).
    op.execute("UPDATE callback SET attempts = tries.n FROM (SELECT a.entity_id AS callback_ref, count(*) AS n "
               "FROM auditevent a WHERE a.entity = 'callback' AND a.action = 'callback.attempt' "
               "GROUP BY a.entity_id) AS tries WHERE tries.callback_ref = CAST(callback.id AS VARCHAR(64))")


def downgrade() -> None:
    op.drop_column('callback', 'last_attempt_at')
    op.drop_column('callback', 'last_attempt')
    op.drop_column('callback', 'attempts')
