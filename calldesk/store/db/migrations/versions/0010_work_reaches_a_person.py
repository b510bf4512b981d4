"""work reaches a person: when a case was assigned (round robin), who had it before (who handed it on keeps it
in sight), respondents' places

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


# Routing's view of each active user's load. On PostgreSQL a view reads with its owner's rights, so it counts the
# cases a login's row-level security hides, and shows nothing else of them. Open cases are counted up to 500 (one
# index range each, however large the store: beyond that, whoever has more is as full), the newest assignment is
# one probe of the (assigned_to, assigned_at) index.
STAFF_LOAD = """
CREATE VIEW staff_load AS
SELECT u.username, u.role, u.languages, u.absent_since,
       (SELECT count(*) FROM (SELECT 1 FROM cases c WHERE c.status = 'open' AND c.assigned_to = u.username
                              LIMIT 500) AS held) AS open_cases,
       (SELECT max(c.assigned_at) FROM cases c WHERE c.assigned_to = u.username) AS last_assigned
FROM app_user u WHERE u.active
"""


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('previous_assignee', sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=True))
        batch_op.create_index('ix_case_previous_assignee', ['previous_assignee'], unique=False)
        # A person's newest assignment (round robin) and their open cases: one range of this index each.
        batch_op.drop_index('ix_cases_assigned_to')
        batch_op.create_index('ix_case_assigned', ['assigned_to', 'assigned_at'], unique=False)
    op.execute("UPDATE cases SET assigned_at = updated_at WHERE assigned_to IS NOT NULL")
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('places', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False,
                                      server_default=''))
    op.execute(STAFF_LOAD)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS staff_load")
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('places')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_case_assigned')
        batch_op.drop_index('ix_case_previous_assignee')
        batch_op.create_index('ix_cases_assigned_to', ['assigned_to'], unique=False)
        batch_op.drop_column('previous_assignee')
        batch_op.drop_column('assigned_at')
