"""a respondent's web sessions end when they sign out or their password is set: the account counts its sign-outs
and password changes (session_epoch), and a session cookie is good only while the count is the one it began at

Revision ID: 0023
Revises: 0022
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('webaccount', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('webaccount', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
