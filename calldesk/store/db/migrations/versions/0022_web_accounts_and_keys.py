"""the web front's accounts and keys in the store (several `calldesk serve` processes on one PostgreSQL share
them): respondents' web passwords (argon2id) with their lockout counters, and the Open311 clients' API keys (their
SHA-256 only)

Revision ID: 0022
Revises: 0021
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webaccount',
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('password_set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('username')
    )
    op.create_table('webkey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('digest')
    )
    with op.batch_alter_table('webkey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webkey_name'), ['name'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('webkey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webkey_name'))
    op.drop_table('webkey')
    op.drop_table('webaccount')
