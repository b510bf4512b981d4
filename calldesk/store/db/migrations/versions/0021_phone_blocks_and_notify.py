"""the phone: blocked numbers (a ring from one is rejected, kept marked blocked, never a pop or a callback) and, on
PostgreSQL, a NOTIFY when a phone event is kept (the desk's ring line LISTENs instead of reading the events)

Revision ID: 0021
Revises: 0020
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# calldesk.store.db.changes.PHONE_CHANNEL, spelled out: migrations are frozen. One notification per statement.
NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION calldesk_phone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('calldesk_phone', '');
  RETURN NULL;
END $$;
"""
NOTIFY_TRIGGER = ("CREATE TRIGGER phoneevent_changed AFTER INSERT ON phoneevent "
                  "FOR EACH STATEMENT EXECUTE FUNCTION calldesk_phone_changed()")


def upgrade() -> None:
    op.create_table('blockednumber',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('phone_digits', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('blocked_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('phone_digits')
    )
    with op.batch_alter_table('phoneevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocked', sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(NOTIFY_FUNCTION)
        op.execute(NOTIFY_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS phoneevent_changed ON phoneevent")
        op.execute("DROP FUNCTION IF EXISTS calldesk_phone_changed()")
    with op.batch_alter_table('phoneevent', schema=None) as batch_op:
        batch_op.drop_column('blocked')
    op.drop_table('blockednumber')
