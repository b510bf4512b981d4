"""Find by any word of the caller's name, accent- and case-insensitive: cases.caller_name_words holds the name's
words folded ("José María López" -> " jose maria lopez"), indexed with opened_at so the first word is a range scan

Revision ID: 0016
Revises: 0015
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from calldesk.rules.contact import name_words

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    # Plain ALTER TABLE on both backends (as 0014): a batch copy of `cases` would break the staff_load view.
    op.add_column('cases', sa.Column('caller_name_words', sa.String(length=400), server_default='',
                                     nullable=False))
    # The names already stored, folded by the same rule as new ones (calldesk.rules.contact.name_words).
    conn = op.get_bind()
    cases = sa.table('cases', sa.column('id', sa.Integer()), sa.column('caller_name', sa.String()),
                     sa.column('caller_name_words', sa.String()))
    last = 0
    while True:
        rows = conn.execute(sa.select(cases.c.id, cases.c.caller_name).where(cases.c.id > last)
                            .order_by(cases.c.id).limit(BATCH)).all()
        if not rows:
            break
        conn.execute(cases.update().where(cases.c.id == sa.bindparam('row_id'))
                     .values(caller_name_words=sa.bindparam('words')),
                     [{"row_id": row.id, "words": name_words(row.caller_name)} for row in rows])
        last = rows[-1].id
    op.create_index('ix_case_name_words_opened', 'cases', ['caller_name_words', 'opened_at'])


def downgrade() -> None:
    op.drop_index('ix_case_name_words_opened', table_name='cases')
    op.drop_column('cases', 'caller_name_words')
