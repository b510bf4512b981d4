"""store secret for audit fingerprints; on PostgreSQL the database sets the audit actor

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 19:30:00
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# On PostgreSQL the actor of an audit event is the role that wrote it: a login role cannot put another name
# there. The store's owner (migrations, the first admin's own connection) writes system events as itself.
POSTGRES_ACTOR = [
    """CREATE FUNCTION calldesk_audit_actor() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NOT pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                           WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME),
                            'MEMBER') THEN
           NEW.actor := current_user;
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER auditevent_actor BEFORE INSERT ON auditevent
       FOR EACH ROW EXECUTE FUNCTION calldesk_audit_actor()""",
]


def upgrade() -> None:
    op.create_table('storesecret',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.bulk_insert(sa.table('storesecret', sa.column('name', sa.String), sa.column('value', sa.String)),
                   [{'name': 'audit', 'value': secrets.token_hex(32)}])
    if op.get_context().dialect.name == 'postgresql':
        for statement in POSTGRES_ACTOR:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS auditevent_actor ON auditevent")
        op.execute("DROP FUNCTION IF EXISTS calldesk_audit_actor()")
    op.drop_table('storesecret')
