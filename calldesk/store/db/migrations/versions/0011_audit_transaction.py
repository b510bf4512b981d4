"""the audit trail names each event's transaction (PostgreSQL): a change's own events and the database's record
of the rows it wrote go together in a case's history

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tx', sa.BigInteger(), nullable=True))


# Below this revision a store has none of the database's own enforcement (calldesk.store.db.security, made at the
# head): it goes, and the trail's two triggers get back the bodies migrations 0001 and 0002 gave them.
REMOVE_ENFORCEMENT = """
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT c.relname FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
           WHERE p.polname = 'calldesk_sees' LOOP
    EXECUTE format('DROP POLICY calldesk_sees ON public.%I', r.relname);
    EXECUTE format('ALTER TABLE public.%I DISABLE ROW LEVEL SECURITY', r.relname);
  END LOOP;
  FOR r IN SELECT t.tgname, c.relname FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
           JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid
           WHERE NOT t.tgisinternal AND f.proname LIKE 'calldesk%'
             AND f.proname NOT IN ('calldesk_audit_actor', 'calldesk_audit_append_only', 'calldesk_cases_changed') LOOP
    EXECUTE format('DROP TRIGGER %I ON public.%I', r.tgname, r.relname);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS f FROM pg_catalog.pg_proc p
           JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.proname LIKE 'calldesk%'
             AND p.proname NOT IN ('calldesk_audit_actor', 'calldesk_audit_append_only', 'calldesk_cases_changed') LOOP
    EXECUTE format('DROP FUNCTION %s', r.f);
  END LOOP;
END $$;
CREATE OR REPLACE FUNCTION calldesk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $f$
  BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $f$;
CREATE OR REPLACE FUNCTION calldesk_audit_actor() RETURNS trigger LANGUAGE plpgsql AS $f$
  BEGIN
    IF NOT pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                      WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME), 'MEMBER') THEN
      NEW.actor := current_user;
    END IF;
    RETURN NEW;
  END $f$;
"""


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(REMOVE_ENFORCEMENT)
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_column('tx')
