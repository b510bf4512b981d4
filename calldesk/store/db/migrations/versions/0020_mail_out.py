"""the email out from a case says what it is (acknowledgement, written response, letter) and in which language

Revision ID: 0020
Revises: 0019
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both backends, as 0017 does. Messages sent before this revision were acknowledgements
    # (the only email out then), in English.
    op.add_column('mailmessage', sa.Column('kind', sa.String(length=20), server_default='', nullable=False))
    op.add_column('mailmessage', sa.Column('language', sa.String(length=10), server_default='', nullable=False))
    op.execute("UPDATE mailmessage SET kind = 'acknowledgement', language = 'en' WHERE direction = 'out'")


def downgrade() -> None:
    op.drop_column('mailmessage', 'language')
    op.drop_column('mailmessage', 'kind')
