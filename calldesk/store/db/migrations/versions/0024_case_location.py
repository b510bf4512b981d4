"""a case keeps where it happened as an Open311 client sends it: the address (address_string), its id, latitude and
longitude, and a media URL (GeoReport v2 POST service request)

Revision ID: 0024
Revises: 0023
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both backends (as 0014, 0016): a batch copy of `cases` would break the staff_load view.
    op.add_column('cases', sa.Column('address', sa.String(length=200), nullable=True))
    op.add_column('cases', sa.Column('address_id', sa.String(length=100), nullable=True))
    op.add_column('cases', sa.Column('latitude', sa.Float(), nullable=True))
    op.add_column('cases', sa.Column('longitude', sa.Float(), nullable=True))
    op.add_column('cases', sa.Column('media_url', sa.String(length=500), nullable=True))


def downgrade() -> None:
    for name in ('media_url', 'longitude', 'latitude', 'address_id', 'address'):
        op.drop_column('cases', name)
