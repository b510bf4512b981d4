"""deadlines are judged: a case counts the clocks (acknowledgement, written response, reply) met after their due
time, so a case met late counts as breached in the queue, the reports, the tracking logs and My work

Revision ID: 0014
Revises: 0013
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both backends (SQLite adds and drops a column in place): a batch copy of `cases` would
    # break the staff_load view that reads it.
    op.add_column('cases', sa.Column('late_clocks', sa.Integer(), server_default='0', nullable=False))
    # Clocks met late before this revision: counted from their recorded events.
    op.execute("UPDATE cases SET late_clocks = (SELECT count(*) FROM clockevent e WHERE e.case_id = cases.id "
               "AND e.event = 'met' AND e.due_at IS NOT NULL AND e.at > e.due_at)")


def downgrade() -> None:
    op.drop_column('cases', 'late_clocks')
