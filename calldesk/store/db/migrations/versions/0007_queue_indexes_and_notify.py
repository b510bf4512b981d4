"""the supervisor queue: keyset-paging indexes per sort column, and (PostgreSQL) a NOTIFY when cases change

Revision ID: 0007
Revises: 0003
"""
from __future__ import annotations

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# calldesk.models.case.QUEUE_SORT_COLUMNS, spelled out: migrations are frozen.
QUEUE_SORT_COLUMNS = {"deadline": "next_deadline", "number": "case_number", "opened": "opened_at",
                      "category": "category", "tier": "tier", "assignee": "assigned_to", "language": "language",
                      "source": "source"}

# Every open queue LISTENs on this channel; one notification per changing statement (a cheap statement trigger).
NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION calldesk_cases_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('calldesk_cases', '');
  RETURN NULL;
END $$;
"""
NOTIFY_TRIGGER = ("CREATE TRIGGER cases_changed AFTER INSERT OR UPDATE OR DELETE ON cases "
                  "FOR EACH STATEMENT EXECUTE FUNCTION calldesk_cases_changed()")


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name, column in QUEUE_SORT_COLUMNS.items():
            batch_op.create_index(f'ix_queue_{name}', ['status', column, 'id'], unique=False)
        batch_op.create_index('ix_case_opened_by', ['opened_by'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(NOTIFY_FUNCTION)
        op.execute(NOTIFY_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS cases_changed ON cases")
        op.execute("DROP FUNCTION IF EXISTS calldesk_cases_changed()")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_case_opened_by')
        for name in reversed(QUEUE_SORT_COLUMNS):
            batch_op.drop_index(f'ix_queue_{name}')
