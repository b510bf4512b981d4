"""The database's own enforcement of calldesk's rules on PostgreSQL (README, "What the database enforces").

Every person signs in as their own database role, so every agent holds credentials psql accepts: what calldesk
promises must hold for a login that bypasses it. This module states, as SQL made from the same rules the service
layer applies (calldesk.rules.permissions, calldesk.rules.free_text, calldesk.store.db.audit), what the database
enforces beyond the grants (calldesk.store.db.grants):

- who sees which rows: row-level security on the cases and every table of their rows, the rule of
  calldesk.store.db.visibility (a case they may not see is not there);
- the audit trail: the database names each event's actor (the login), fingerprints narrative text with the store's
  key (which no staff login reads) and marks personal data, whoever writes the event; every change to a case's
  rows made by a staff login is recorded by the database itself ("db.insert" / "db.update" / "db.delete");
- the protocol's irreversible facts: an abuse mark is never undone, a closed case changes only by a reopen, every
  change to a case takes its next version, the case-number counter only moves up, a letter or a report is approved
  only by an approver's role, and every row names the login that made it;
- reads across what a login may see, only as narrow as the desk needs: a caller's earlier calls by the exact phone,
  email or name typed, a school's count of recent cases, each person's load (the `staff_load` view).

Every function pins its search_path (pg_catalog, then pg_temp last) and names every table with its schema, so no
temporary object, function or operator a login makes can stand in for calldesk's. `apply` (re)creates all of it
after every schema upgrade and every restore; `calldesk.store.db.security_check` compares a store against it.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, LargeBinary
from sqlmodel import SQLModel

from calldesk.rules.free_text import FINGERPRINTED
from calldesk.rules.permissions import HIDDEN_COLUMNS, PERMISSIONS, SCOPES
from calldesk.rules.profile import ROLES
from calldesk.store.db.audit import PERSONAL, PERSONAL_MARK
from calldesk.store.db.security_guards import PIN, guards, sql_list
from calldesk.store.db.security_web import WEB_DEFINERS, web_functions

# The rows of a case reach it through case_id; a consent through its student.
THROUGH_STUDENT = ("consent",)
NOT_A_CASE_ROW = ("auditevent", "draft")
FINGERPRINT = r"^\[text [0-9]+ chars hmac:[0-9a-f]{32}\]$"


def case_row_tables() -> list[str]:
    """Tables whose rows belong to one case (row-level security follows the case's)."""
    tables = SQLModel.metadata.tables
    rows = [name for name, table in tables.items() if "case_id" in table.c and name not in NOT_A_CASE_ROW]
    return sorted(rows + [t for t in THROUGH_STUDENT if t in tables])


def audited_tables() -> list[str]:
    """The tables whose every change by a staff login the database records itself."""
    return sorted({"cases", "app_user", "report", "reportstep", "resource", "phoneevent", "blockednumber",
                   *HIDDEN_COLUMNS,
                   *case_row_tables()})


def binary_columns() -> list[str]:
    """Columns holding a file's bytes (a signed letter): the database's record of a row keeps only their size."""
    return sorted({c.name for t in SQLModel.metadata.tables.values() for c in t.columns
                   if isinstance(c.type, LargeBinary)})


def functions() -> list[str]:
    """The helper and definer functions, CREATE OR REPLACE."""
    may = "\n".join(f"      WHEN '{action}' THEN r = ANY({sql_list(roles)})" for action, roles in PERMISSIONS.items())
    scope_all = sql_list([r for r, s in SCOPES.items() if s == "all"])
    scope_places = sql_list([r for r, s in SCOPES.items() if s == "places"])
    return [
        # PL/pgSQL, not SQL: a SQL function that cannot be inlined (a definer, or one called from a trigger) is planned
        # again at every call, a PL/pgSQL one once a session. These run several times in every save.
        f"""CREATE OR REPLACE FUNCTION public.calldesk_is_owner() RETURNS boolean LANGUAGE plpgsql STABLE {PIN} AS $$
  BEGIN
    RETURN pg_catalog.pg_has_role(session_user, (SELECT c.relowner FROM pg_catalog.pg_class c
                                                 WHERE c.oid = 'public.cases'::pg_catalog.regclass), 'MEMBER');
  END $$""",
        f"""CREATE OR REPLACE FUNCTION public.calldesk_role() RETURNS text LANGUAGE plpgsql STABLE SECURITY DEFINER
  {PIN} AS $$
  BEGIN
    RETURN (SELECT u.role::text FROM public.app_user u WHERE u.username = session_user::text AND u.active);
  END $$""",
        f"""CREATE OR REPLACE FUNCTION public.calldesk_sole() RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER
  {PIN} AS $$
  BEGIN
    RETURN public.calldesk_role() IS NOT NULL AND (SELECT count(*) FROM public.app_user u WHERE u.active) = 1;
  END $$""",
        f"""CREATE OR REPLACE FUNCTION public.calldesk_scope() RETURNS text LANGUAGE plpgsql STABLE {PIN} AS $$
  DECLARE r text;
  BEGIN
    IF public.calldesk_is_owner() OR public.calldesk_sole() THEN RETURN 'all'; END IF;
    r := public.calldesk_role();
    RETURN CASE WHEN r IS NULL THEN 'none' WHEN r = ANY({scope_all}) THEN 'all'
                WHEN r = ANY({scope_places}) THEN 'places' ELSE 'own' END;
  END $$""",
        f"""CREATE OR REPLACE FUNCTION public.calldesk_places() RETURNS text[] LANGUAGE plpgsql STABLE SECURITY DEFINER
  {PIN} AS $$
  BEGIN
    RETURN (SELECT coalesce(array_agg(btrim(p)) FILTER (WHERE btrim(p) <> ''), '{{}}'::text[])
            FROM public.app_user u, regexp_split_to_table(u.places, ',') AS p
            WHERE u.username = session_user::text AND u.active);
  END $$""",
        f"""CREATE OR REPLACE FUNCTION public.calldesk_rank(role text) RETURNS integer LANGUAGE sql IMMUTABLE {PIN}
  AS $$ SELECT coalesce(array_position({sql_list(ROLES)}, role), 0) $$""",
        f"""CREATE OR REPLACE FUNCTION public.calldesk_may(action text) RETURNS boolean LANGUAGE plpgsql STABLE {PIN}
  AS $$
  DECLARE r text;
  BEGIN
    IF public.calldesk_is_owner() OR public.calldesk_sole() THEN RETURN true; END IF;
    r := public.calldesk_role();
    RETURN coalesce(CASE action
{may}
      ELSE false END, false);
  END $$""",
        # HMAC-SHA256 (RFC 2104) over the built-in sha256: the same digest Python's hmac gives (a test holds
        # them equal); no extension to install, move or restore. The key is 32 bytes, under the 64-byte block.
        f"""CREATE OR REPLACE FUNCTION public.calldesk_hmac(message bytea, key bytea) RETURNS bytea
  LANGUAGE plpgsql IMMUTABLE STRICT {PIN} AS $$
  DECLARE padded bytea := key || decode(repeat('00', 64 - length(key)), 'hex'); inner_key bytea; outer_key bytea;
  BEGIN
    inner_key := padded; outer_key := padded;
    FOR n IN 0..63 LOOP
      inner_key := set_byte(inner_key, n, get_byte(padded, n) # 54);
      outer_key := set_byte(outer_key, n, get_byte(padded, n) # 92);
    END LOOP;
    RETURN sha256(outer_key || sha256(inner_key || message));
  END $$""",
        # How a value is written into the trail (calldesk.store.db.audit.audit_value, the same words).
        f"""CREATE OR REPLACE FUNCTION public.calldesk_trail_value(field text, value text) RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER {PIN} AS $$
  BEGIN
    IF value IS NULL OR field IS NULL THEN RETURN value; END IF;
    IF field = ANY({sql_list(sorted(PERSONAL))}) THEN
      RETURN CASE WHEN value = '' THEN '' ELSE '{PERSONAL_MARK}' END;
    END IF;
    IF field = ANY({sql_list(sorted(FINGERPRINTED))}) AND value <> '' AND value !~ '{FINGERPRINT}'
       AND value NOT LIKE '[removed:%' THEN
      RETURN '[text ' || length(value) || ' chars hmac:' || substr(encode(public.calldesk_hmac(
        convert_to(value, 'UTF8'), decode((SELECT s.value FROM public.storesecret s WHERE s.name = 'audit'),
        'hex')), 'hex'), 1, 32) || ']';
    END IF;
    RETURN value;
  END $$""",
        # A caller's earlier calls by the exact keys typed (phone digits, email, name key), whoever's they are:
        # only what the desk lists of another person's case, and each key's value only where it matched.
        f"""CREATE OR REPLACE FUNCTION public.calldesk_caller_cases(p_phone text, p_email text, p_name text,
  p_since timestamptz, p_limit integer)
  RETURNS TABLE (id integer, case_number text, opened_at timestamptz, status text, call_type text, category text,
                 school text, phone_digits text, email text, caller_name text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER {PIN} AS $$
  #variable_conflict use_column
  BEGIN
  IF NOT public.calldesk_may('take_call') THEN RETURN; END IF;
  RETURN QUERY SELECT * FROM (
    (SELECT c.id, c.case_number::text, c.opened_at, c.status::text, c.call_type::text, c.category::text,
            c.school::text, c.phone_digits::text, NULL::text, NULL::text
     FROM public.cases c WHERE p_phone IS NOT NULL AND c.phone_digits = p_phone
       AND (p_since IS NULL OR c.opened_at >= p_since) ORDER BY c.opened_at DESC LIMIT p_limit)
    UNION ALL
    (SELECT c.id, c.case_number::text, c.opened_at, c.status::text, c.call_type::text, c.category::text,
            c.school::text, NULL::text, c.email::text, NULL::text
     FROM public.cases c WHERE p_email IS NOT NULL AND c.email = p_email
       AND (p_since IS NULL OR c.opened_at >= p_since) ORDER BY c.opened_at DESC LIMIT p_limit)
    UNION ALL
    (SELECT c.id, c.case_number::text, c.opened_at, c.status::text, c.call_type::text, c.category::text,
            c.school::text, NULL::text, NULL::text, c.caller_name_key::text
     FROM public.cases c WHERE p_name IS NOT NULL AND c.caller_name_key = p_name
       AND (p_since IS NULL OR c.opened_at >= p_since) ORDER BY c.opened_at DESC LIMIT p_limit)
  ) found;
  END $$""",
        # A school's cases in a window: how many, and the newest numbers (the trend rule), not the cases.
        f"""CREATE OR REPLACE FUNCTION public.calldesk_school_window(p_school text, p_since timestamptz,
  p_until timestamptz, p_listed integer) RETURNS TABLE (cases bigint, newest text[])
  LANGUAGE plpgsql STABLE SECURITY DEFINER {PIN} AS $$
  #variable_conflict use_column
  BEGIN
  IF NOT public.calldesk_may('take_call') THEN RETURN; END IF;
  RETURN QUERY SELECT (SELECT count(*) FROM public.cases c WHERE c.school = p_school AND c.opened_at >= p_since
                                                 AND c.opened_at <= p_until),
         ARRAY(SELECT c.case_number::text FROM public.cases c WHERE c.school = p_school AND c.opened_at >= p_since
                 AND c.opened_at <= p_until ORDER BY c.opened_at DESC LIMIT p_listed);
  END $$""",
        # The abuse mark removes every fingerprint of the case's narrative from the trail, with the owner's
        # rights (no login updates the trail), and says in the trail that it did.
        f"""CREATE OR REPLACE FUNCTION public.calldesk_forget_narrative(p_case integer) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
  DECLARE touched integer;
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.cases c WHERE c.id = p_case AND c.abuse_marked) THEN
      RAISE EXCEPTION 'calldesk: only a case marked as suspected abuse has its narrative removed from the trail';
    END IF;
    PERFORM set_config('calldesk.forget', p_case::text, true);
    UPDATE public.auditevent e SET
      old = CASE WHEN e.field = ANY({sql_list(sorted(FINGERPRINTED))}) AND coalesce(e.old, '') <> ''
                 THEN '[removed: suspected abuse]' ELSE e.old END,
      new = CASE WHEN e.field = ANY({sql_list(sorted(FINGERPRINTED))}) AND coalesce(e.new, '') <> ''
                 THEN '[removed: suspected abuse]' ELSE e.new END,
      changes = (SELECT jsonb_object_agg(k, CASE WHEN k = ANY({sql_list(sorted(FINGERPRINTED))})
                   THEN (SELECT jsonb_agg(CASE WHEN coalesce(x #>> '{{}}', '') = '' THEN x
                                               ELSE to_jsonb('[removed: suspected abuse]'::text) END)
                         FROM jsonb_array_elements(v) x)
                   ELSE v END)::text FROM jsonb_each(e.changes::jsonb) AS j(k, v))
    WHERE e.case_id = p_case AND (e.field = ANY({sql_list(sorted(FINGERPRINTED))})
      OR (e.changes IS NOT NULL AND e.changes::jsonb ?| {sql_list(sorted(FINGERPRINTED))}));
    GET DIAGNOSTICS touched = ROW_COUNT;
    PERFORM set_config('calldesk.forget', '', true);
    INSERT INTO public.auditevent (at, actor, action, entity, entity_id, case_id, field, old, new, changes)
    VALUES (now(), session_user, 'case.trail_scrubbed', 'case', p_case::text, p_case, 'fingerprints_removed',
            NULL, touched::text,
            json_build_object('fingerprints_removed', json_build_array(NULL, touched::text))::text);
    RETURN touched;
  END $$""",
    ]


def triggers() -> list[str]:
    """The trail's trigger functions and triggers, then the guards (calldesk.store.db.security_guards)."""
    out = [
        # The trail: actor, fingerprints and personal marks, whoever writes the event; its transaction (a change's
        # own events and the database's record of its rows go together in the history).
        f"""CREATE OR REPLACE FUNCTION public.calldesk_audit_actor() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER {PIN} AS $$
  BEGIN
    IF NOT public.calldesk_is_owner() THEN  -- a login writes in its own name, now, in the trail's own order
      NEW.actor := session_user;
      NEW.at := now();
      NEW.id := nextval(pg_get_serial_sequence('public.auditevent', 'id'));
    END IF;
    NEW.tx := txid_current();
    IF NEW.field IS NOT NULL THEN
      NEW.old := public.calldesk_trail_value(NEW.field, NEW.old);
      NEW.new := public.calldesk_trail_value(NEW.field, NEW.new);
    END IF;
    IF NEW.changes IS NOT NULL THEN  -- one statement, not a loop: a new case's record has every column
      NEW.changes := (SELECT coalesce(jsonb_object_agg(e.key, jsonb_build_array(  -- NULL stays NULL, uncalled
                                        CASE WHEN e.value ->> 0 IS NOT NULL
                                             THEN public.calldesk_trail_value(e.key, e.value ->> 0) END,
                                        CASE WHEN e.value ->> 1 IS NOT NULL
                                             THEN public.calldesk_trail_value(e.key, e.value ->> 1) END)),
                                      '{{}}'::jsonb)
                      FROM jsonb_each(NEW.changes::jsonb) AS e)::text;
    END IF;
    RETURN NEW;
  END $$""",
        "DROP TRIGGER IF EXISTS auditevent_actor ON public.auditevent",
        """CREATE TRIGGER auditevent_actor BEFORE INSERT ON public.auditevent
  FOR EACH ROW EXECUTE FUNCTION public.calldesk_audit_actor()""",
        # Append-only, but for the owner's removal of a marked case's fingerprints (calldesk_forget_narrative).
        f"""CREATE OR REPLACE FUNCTION public.calldesk_audit_append_only() RETURNS trigger LANGUAGE plpgsql {PIN} AS $$
  BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('calldesk.forget', true) = OLD.case_id::text
       AND pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class c
                                                 WHERE c.oid = 'public.auditevent'::pg_catalog.regclass), 'MEMBER')
       AND NEW.id = OLD.id AND NEW.actor = OLD.actor AND NEW.action = OLD.action AND NEW.at = OLD.at THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only';
  END $$""",
        # Every change a staff login makes to a case's rows, recorded by the database.
        f"""CREATE OR REPLACE FUNCTION public.calldesk_row_changed() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER {PIN} AS $$
  DECLARE before jsonb; after jsonb; changed jsonb; case_ref integer; row_ref text;
  BEGIN
    IF public.calldesk_is_owner() THEN RETURN NULL; END IF;
    before := CASE WHEN TG_OP = 'INSERT' THEN '{{}}'::jsonb ELSE to_jsonb(OLD) END;
    after := CASE WHEN TG_OP = 'DELETE' THEN '{{}}'::jsonb ELSE to_jsonb(NEW) END;
    -- Each changed column, before and after (one statement: a new case's row has every column).
    changed := (SELECT coalesce(jsonb_object_agg(c.k, CASE
        WHEN c.k = ANY({sql_list(sorted({c for cs in HIDDEN_COLUMNS.values() for c in cs}))}) THEN jsonb_build_array(
          -- a hash or a digest: only that it changed (no staff login reads it, nor its trail)
          CASE WHEN before ? c.k THEN '[hidden]' END, CASE WHEN after ? c.k THEN '[hidden]' END)
        WHEN c.k = ANY({sql_list(binary_columns())}) THEN jsonb_build_array(  -- a file's bytes: only their size
          CASE WHEN before ? c.k THEN '[' || length(decode(substr(before ->> c.k, 3), 'hex')) || ' bytes]' END,
          CASE WHEN after ? c.k THEN '[' || length(decode(substr(after ->> c.k, 3), 'hex')) || ' bytes]' END)
        ELSE jsonb_build_array(before ->> c.k, after ->> c.k) END), '{{}}'::jsonb)
      FROM (SELECT DISTINCT jsonb_object_keys(before || after) AS k) AS c
      WHERE c.k NOT IN ('version', 'updated_at') AND (before -> c.k) IS DISTINCT FROM (after -> c.k));
    IF changed = '{{}}'::jsonb THEN RETURN NULL; END IF;
    row_ref := coalesce(after ->> 'id', before ->> 'id', after ->> 'username', before ->> 'username',
                        after ->> 'year', '');
    case_ref := CASE WHEN TG_TABLE_NAME = 'cases' THEN row_ref::integer
                     WHEN TG_ARGV[0] = 'student' THEN (SELECT s.case_id FROM public.student s WHERE s.id =
                         (coalesce(after ->> 'student_id', before ->> 'student_id'))::integer)
                     ELSE (coalesce(after ->> 'case_id', before ->> 'case_id'))::integer END;
    INSERT INTO public.auditevent (at, actor, action, entity, entity_id, case_id, changes)
    VALUES (now(), session_user, 'db.' || lower(TG_OP), TG_TABLE_NAME, left(row_ref, 64), case_ref, changed::text);
    RETURN NULL;
  END $$""",
    ]
    out += [f"DROP TRIGGER IF EXISTS {table}_recorded ON public.{table}" for table in audited_tables()]
    out += [f"CREATE TRIGGER {table}_recorded AFTER INSERT OR UPDATE OR DELETE ON public.{table} FOR EACH ROW "
            f"EXECUTE FUNCTION public.calldesk_row_changed('{'student' if table in THROUGH_STUDENT else 'case'}')"
            for table in audited_tables()]
    return out + guards()


def policies() -> list[str]:
    """Row-level security: the visibility rule (calldesk.store.db.visibility) on the cases and their rows."""
    scope, role, places = "(SELECT public.calldesk_scope())", "(SELECT public.calldesk_role())", \
        "(SELECT pg_catalog.unnest(public.calldesk_places()))"
    me = "session_user::text"
    sees_case = (f"{scope} = 'all' OR ({scope} = 'own' AND (assigned_to = {me} OR opened_by = {me} "
                 f"OR previous_assignee = {me} "
                 f"OR (assigned_to IS NULL AND owner_role = {role}))) OR ({scope} = 'places' AND "
                 f"(school IN {places} OR department IN {places}))")
    visible = "EXISTS (SELECT 1 FROM public.cases c WHERE c.id = {ref})"
    rules: dict[str, tuple[str, str]] = {"cases": (sees_case, "true")}
    for table in case_row_tables():
        ref = "(SELECT s.case_id FROM public.student s WHERE s.id = student_id)" if table in THROUGH_STUDENT \
            else "case_id"
        rule = f"{scope} = 'all' OR {visible.format(ref=ref)}"
        rules[table] = (rule, rule)
    rules["caselink"] = (f"{scope} = 'all' OR {visible.format(ref='case_id')} OR "
                         f"{visible.format(ref='linked_case_id')}",
                         f"{scope} = 'all' OR {visible.format(ref='case_id')}")
    rules["callback"] = (f"{scope} = 'all' OR assigned_to = {me} OR {visible.format(ref='case_id')}", "true")
    rules["draft"] = (f"owner = {me}", f"owner = {me}")
    rules["auditevent"] = (f"{scope} = 'all' OR actor = {me} OR (case_id IS NOT NULL AND "
                           f"{visible.format(ref='case_id')})", "true")
    # The store's keys: the pseudonyms' for those who run reports; the phone listener's token for the desk logins
    # that receive the phone system's events; the trail's for nobody but the owner.
    rules["storesecret"] = ("(name = 'pseudonym' AND public.calldesk_may('report')) OR "
                            "(name = 'cti' AND public.calldesk_may('record_phone'))", "false")
    out = []
    for table, (using, check) in sorted(rules.items()):
        out += [f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY",
                f"DROP POLICY IF EXISTS calldesk_sees ON public.{table}",
                f"CREATE POLICY calldesk_sees ON public.{table} USING ({using}) WITH CHECK ({check})"]
    return out


# Functions with their owner's rights: PUBLIC runs none of them; the logins run these (calldesk.store.db.grants).
DEFINERS = ("calldesk_role()", "calldesk_sole()", "calldesk_places()", "calldesk_trail_value(text, text)",
            "calldesk_caller_cases(text, text, text, timestamptz, integer)",
            "calldesk_school_window(text, timestamptz, timestamptz, integer)", "calldesk_forget_narrative(integer)",
            "calldesk_audit_actor()", "calldesk_row_changed()", "calldesk_counter_guard()", *WEB_DEFINERS)
# Every login: who they are (row-level security asks). A desk login: the narrow reads; the abuse mark's scrub.
EVERYONE = ("calldesk_role()", "calldesk_sole()", "calldesk_places()")
CALLABLE = {"calldesk_caller_cases(text, text, text, timestamptz, integer)": "take_call",
            "calldesk_school_window(text, timestamptz, timestamptz, integer)": "take_call",
            "calldesk_forget_narrative(integer)": "mark_abuse",
            **{function: "serve_web" for function in WEB_DEFINERS}}


def statements() -> list[str]:
    """Everything `apply` runs, in order."""
    return [*functions(), *web_functions(), *triggers(), *policies(),
            *(f"REVOKE ALL ON FUNCTION public.{f} FROM PUBLIC" for f in (*DEFINERS, "calldesk_hmac(bytea, bytea)")),
            "REVOKE ALL ON public.storesecret FROM PUBLIC"]


STAMP = hashlib.sha256("\n".join(statements()).encode()).hexdigest()[:16]
STAMP_SQL = f"COMMENT ON FUNCTION public.calldesk_is_owner() IS 'calldesk security {STAMP}'"


def apply(conn: Connection) -> None:
    """(Re)create calldesk's enforcement in a PostgreSQL store (as its owner, after every upgrade and restore)."""
    for statement in statements():
        conn.exec_driver_sql(statement.replace("%", "%%"))  # the driver reads % as a placeholder


def stamp(conn: Connection) -> None:
    """Note which calldesk's enforcement the store holds (a later calldesk with other rules makes it again)."""
    conn.exec_driver_sql(STAMP_SQL)


def is_current(conn: Connection) -> bool:
    """True when the store holds this calldesk's enforcement."""
    found = conn.exec_driver_sql("SELECT pg_catalog.obj_description(pg_catalog.to_regprocedure("
                                 "'public.calldesk_is_owner()'), 'pg_proc')").scalar()
    return found == f"calldesk security {STAMP}"


def is_owner(conn: Connection) -> bool:
    """True when the signed-in login owns the store's tables (and so may make its enforcement)."""
    return bool(conn.exec_driver_sql(
        "SELECT pg_catalog.pg_has_role(session_user, c.relowner, 'MEMBER') FROM pg_catalog.pg_class c "
        "WHERE c.oid = 'public.cases'::pg_catalog.regclass").scalar())
