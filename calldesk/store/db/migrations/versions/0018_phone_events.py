"""the phone system's events (Zammad's generic CTI: newCall, answer, hangup), each stored once, the store's
CTI token (the secret in the listener's URL), and the mailbox's messages (in: fetched once each; out: queued,
sent or failed)

Revision ID: 0018
Revises: 0017
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('phoneevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('from_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('to_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('phone_digits', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('users', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('queue', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('answering_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('cause', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('callback_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('call_id', 'event', name='uq_phoneevent_call_event')
    )
    with op.batch_alter_table('phoneevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phoneevent_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_phoneevent_phone_digits'), ['phone_digits'], unique=False)
    op.create_table('mailmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('by_user', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id')
    )
    with op.batch_alter_table('mailmessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mailmessage_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mailmessage_status'), ['status'], unique=False)
    # The token a phone system puts in the listener's URL (POST /api/v1/cti/{token}): one per store.
    op.bulk_insert(sa.table('storesecret', sa.column('name', sa.String), sa.column('value', sa.String)),
                   [{'name': 'cti', 'value': secrets.token_urlsafe(24)}])


def downgrade() -> None:
    op.execute("DELETE FROM storesecret WHERE name = 'cti'")
    with op.batch_alter_table('mailmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mailmessage_status'))
        batch_op.drop_index(batch_op.f('ix_mailmessage_case_id'))
    op.drop_table('mailmessage')
    with op.batch_alter_table('phoneevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phoneevent_phone_digits'))
        batch_op.drop_index(batch_op.f('ix_phoneevent_at'))
    op.drop_table('phoneevent')
