"""Forging the trail from a staff login's own session (issue 21): temporary views, tables, functions and operators
named like the catalogue's and calldesk's, a search_path that puts them first, another role, the database's own
settings. The stored actor stays the login, the fingerprint stays the database's (keyed with the store's secret),
and nothing of calldesk's enforcement can be changed by a login. Made with the real psql binary."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from calldesk.rules.permissions import may
from tests.conftest import Team
from tests.reliability.direct_sql import PEOPLE, ROLE, Seeds, build_team, connect, owner, psql, refusal, seed, trying

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

# Stand-ins for everything calldesk's functions name, made in the login's own temporary schema and put first.
SHADOWS = r"""
\set VERBOSITY terse
CREATE TEMP VIEW pg_tables AS SELECT 'public'::name AS schemaname, 'cases'::name AS tablename;
CREATE TEMP VIEW pg_class AS SELECT c.oid, c.relname,
  (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) AS relowner FROM pg_catalog.pg_class c;
CREATE TEMP VIEW pg_roles AS SELECT * FROM pg_catalog.pg_roles WHERE rolname = current_user;
CREATE TEMP TABLE storesecret (name text, value text);
INSERT INTO storesecret VALUES ('audit', repeat('00', 32));
CREATE TEMP TABLE app_user AS SELECT * FROM public.app_user;
UPDATE app_user SET role = 'supervisor';
CREATE TEMP TABLE auditevent AS SELECT * FROM public.auditevent WHERE false;
CREATE FUNCTION pg_temp.pg_has_role(name, oid, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION pg_temp.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT '2001-01-01'::timestamptz$$;
CREATE FUNCTION pg_temp."session_user"() RETURNS name LANGUAGE sql AS $$SELECT :'victim'::name$$;
CREATE FUNCTION pg_temp.txid_current() RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint';
CREATE FUNCTION pg_temp.sha256(bytea) RETURNS bytea LANGUAGE sql AS $$SELECT '\x00'::bytea$$;
CREATE FUNCTION pg_temp.calldesk_is_owner() RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION pg_temp.yes(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR pg_temp.= (LEFTARG = text, RIGHTARG = text, FUNCTION = pg_temp.yes);
CREATE FUNCTION pg_temp.zero(integer, integer) RETURNS integer LANGUAGE sql AS 'SELECT 0';
CREATE OPERATOR pg_temp.# (LEFTARG = integer, RIGHTARG = integer, FUNCTION = pg_temp.zero);
SET search_path = pg_temp, public, pg_catalog;
SET ROLE :"victim";
SET ROLE :"owner";
SET SESSION AUTHORIZATION :"owner";
SET session_replication_role = replica;
SELECT 'shadows made';
"""
REFUSED = ('permission denied to set role "{victim}"', 'permission denied to set role "{owner}"',
           'permission denied to set session authorization "{owner}"',
           'permission denied to set parameter "session_replication_role"')


@pytest.fixture(scope="module")
def crew(team_template: str) -> Iterator[tuple[Team, Seeds, str, str]]:
    for team in build_team(team_template):
        seeds = seed(team)
        with owner(team) as conn:
            key = conn.execute("SELECT value FROM storesecret WHERE name = 'audit'").fetchone()
            role = conn.execute("SELECT current_user").fetchone()
        assert key is not None and role is not None
        yield team, seeds, key[0], role[0]


def fingerprint(key: str, text: str) -> str:
    digest = hmac.new(bytes.fromhex(key), text.encode(), hashlib.sha256).hexdigest()[:32]
    return f"[text {len(text)} chars hmac:{digest}]"


@pytest.mark.parametrize("who", PEOPLE)
def test_a_login_forges_no_actor_no_fingerprint_and_no_role_from_its_own_session(
        backend: str, crew: tuple[Team, Seeds, str, str], who: str) -> None:
    team, seeds, key, owner_role = crew
    victim = team.name("sue" if who != "sue" else "vic")
    forged, claim = f"Forged claim of {who}.", f"The claim {who} wrote from psql."
    script = SHADOWS + f"""
INSERT INTO public.auditevent (at, actor, action, entity, entity_id, case_id, field, old, new, tx)
  VALUES (pg_catalog.now(), :'victim', 'forged.{who}', 'case', '{seeds.case}', {seeds.case}, 'claim', NULL,
          '{forged}', 1);
INSERT INTO auditevent (at, actor, action, entity, entity_id, case_id, field, old, new)
  VALUES (pg_catalog.now(), :'victim', 'forged.temp.{who}', 'case', '{seeds.case}', {seeds.case}, 'claim', NULL,
          '{forged}');
UPDATE public.cases SET claim = '{claim}', version = version + 1 WHERE id = {seeds.case};
SELECT session_user, current_user;
SELECT 'seen ' || (SELECT count(*) FROM public.cases) || ' ' || (SELECT count(*) FROM public.auditevent) || ' '
       || (SELECT count(*) FROM public.storesecret);
"""
    with owner(team) as conn:
        version = conn.execute("SELECT version FROM cases WHERE id = %s", (seeds.case,)).fetchone()
        mark = conn.execute("SELECT max(id) FROM auditevent").fetchone()
        conn.execute(f"INSERT INTO cases SELECT (jsonb_populate_record(c, jsonb_build_object("
                     "'previous_assignee', NULL, 'id', "
                     f"nextval('cases_id_seq'), 'case_number', 'H-' || currval('cases_id_seq'), 'client_id', "
                     f"md5(random()::text), 'assigned_to', '{victim}', 'owner_role', 'supervisor', "
                     f"'school', 'Hidden High'))).* FROM cases c WHERE id = {seeds.case}")
    with connect(team, who) as conn:  # what the login sees without its stand-ins (once its writes are in)
        counts = conn.execute("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM storesecret)").fetchone()
    assert version is not None and mark is not None and counts is not None
    ran = psql(team, who, script.replace(":'victim'", f"'{victim}'").replace(':"victim"', f'"{victim}"')
               .replace(':"owner"', f'"{owner_role}"'))
    errors = [line.split("ERROR:  ", 1)[1] for line in ran.stderr.splitlines() if "ERROR:  " in line]
    # Every stand-in was made (the attack was real); only the role and the setting were refused.
    assert errors == [r.format(victim=victim, owner=owner_role) for r in REFUSED], ran.stderr
    assert "shadows made" in ran.stdout and f"{team.name(who)}|{team.name(who)}" in ran.stdout, ran.stdout
    with owner(team) as conn:
        trail = conn.execute("SELECT count(*) FROM auditevent").fetchone()
    seen = re.search(r"^seen (\d+) (\d+) (\d+)$", ran.stdout, re.M)
    assert seen is not None and trail is not None, ran.stdout
    # The stand-ins widen nothing: the same cases and keys as without them (and the trail's rows under its rule).
    assert (int(seen[1]), int(seen[3])) == counts, (seen[0], counts)
    if who in ("ana", "bo", "rex"):
        assert int(seen[1]) < len(PEOPLE) + 2 and int(seen[2]) < trail[0]
    with owner(team) as conn:
        made = conn.execute("SELECT action, actor, new, tx, changes FROM auditevent WHERE id > %s ORDER BY id",
                            (mark[0],)).fetchall()
        now = conn.execute("SELECT version, txid_current() FROM cases WHERE id = %s", (seeds.case,)).fetchone()
    assert now is not None and now[0] == version[0] + 1
    by_action = {action: (actor, new, tx, changes) for action, actor, new, tx, changes in made}
    assert set(by_action) == {f"forged.{who}", "db.update"}, made  # (the temp copy was never the trail)
    assert f"forged.temp.{who}" not in by_action
    for actor, _, tx, _ in by_action.values():
        assert actor == team.name(who)
        assert tx is not None and tx != 1 and tx < now[1]
    # The fingerprints are the database's, keyed with the store's own secret (not the temporary table's zeros).
    assert by_action[f"forged.{who}"][1] == fingerprint(key, forged)
    assert json.loads(by_action["db.update"][3])["claim"][1] == fingerprint(key, claim)


def test_no_login_changes_calldesks_enforcement(backend: str, crew: tuple[Team, Seeds, str, str]) -> None:
    team, _, _, owner_role = crew
    attacks = [
        "CREATE TABLE public.sneaky (x int)",
        "CREATE FUNCTION public.calldesk_role() RETURNS text LANGUAGE sql AS $$SELECT 'admin'$$",
        "CREATE OR REPLACE FUNCTION public.calldesk_is_owner() RETURNS boolean LANGUAGE sql AS 'SELECT true'",
        "ALTER FUNCTION public.calldesk_is_owner() RESET search_path",
        "ALTER TABLE public.cases DISABLE TRIGGER cases_guard", "ALTER TABLE public.auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER auditevent_actor ON public.auditevent", "ALTER TABLE public.cases DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE public.cases NO FORCE ROW LEVEL SECURITY", "DROP POLICY calldesk_sees ON public.cases",
        "ALTER POLICY calldesk_sees ON public.storesecret USING (true)",
        "CREATE POLICY mine ON public.storesecret USING (true)",
        "SELECT setval('public.auditevent_id_seq', 1)",
        "ALTER TABLE public.auditevent ALTER COLUMN actor DROP NOT NULL",
        "COMMENT ON FUNCTION public.calldesk_is_owner() IS 'calldesk security 0'",
        f'SET ROLE "{owner_role}"', "SET session_replication_role = replica", "SET row_security = off; "
        "SELECT count(*) FROM public.cases", "LOAD 'plpgsql'",
    ]
    for who in PEOPLE:
        with connect(team, who) as conn:
            # A case's numbering is moved on only by those who maintain the store (a demo's or an import's ids).
            renumber = "SELECT setval('public.cases_id_seq', 1)"
            mine = attacks if may(ROLE[who], "maintain_store") else [*attacks, renumber]
            for sql in mine:
                with trying(conn, sql) as done:
                    pass
                assert refusal(done.error) in ("privilege", "rls") if done.error else False, (who, sql, done.error)
            # A grant by a login that holds no grant option grants nothing (PostgreSQL only warns).
            conn.execute("GRANT SELECT ON public.storesecret TO PUBLIC")
            conn.execute(f'GRANT UPDATE ON public.auditevent TO "{team.name(who)}"')
            assert conn.execute("SELECT has_table_privilege('public.auditevent', 'UPDATE'), "
                                "count(*) FROM public.storesecret WHERE name = 'audit'").fetchone() == (False, 0)
            conn.rollback()


def test_a_change_to_a_rows_key_is_recorded(backend: str, crew: tuple[Team, Seeds, str, str]) -> None:
    """A follow-up's id is what the trail names it by: a login that may change the row may not change that
    unseen (the database leaves `id` out of the changes it records)."""
    team, seeds, _, _ = crew
    with owner(team) as conn:
        row = conn.execute(f"INSERT INTO followup (case_id, done, pending, by_user, entry_at) "
                           f"VALUES ({seeds.case}, 'x', '', 'x', now()) RETURNING id").fetchone()
    assert row is not None
    with connect(team, "ana") as conn:
        with trying(conn, f"UPDATE followup SET id = id + 1000000 WHERE id = {row[0]}") as done:
            recorded = conn.execute("SELECT count(*) FROM auditevent WHERE tx = txid_current() "
                                    "AND action = 'db.update' AND entity = 'followup'").fetchone()
        conn.rollback()
    assert done.error is not None or recorded == (1,), "ana changed a follow-up's id and the trail holds nothing"


def test_an_event_holds_the_databases_time(backend: str, crew: tuple[Team, Seeds, str, str]) -> None:
    """The trail says who and when: a login names neither (an event dated last year would sit in a case's history
    before the events it claims to precede)."""
    team, seeds, _, _ = crew
    with connect(team, "ana") as conn:
        stored = conn.execute("INSERT INTO auditevent (at, actor, action, entity, entity_id, case_id) VALUES "
                              f"(now() - interval '400 days', 'x', 'case.close', 'case', 'x', {seeds.case}) "
                              "RETURNING at").fetchone()
        conn.rollback()
    assert stored is not None
    assert abs(stored[0] - datetime.now(UTC)) < timedelta(minutes=5), f"ana's event is dated {stored[0]}"
