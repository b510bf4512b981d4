"""The protocol's facts PostgreSQL holds itself, whoever writes (calldesk.store.db.security applies these with the rest
of
the database's enforcement; the owner's own connection is let through, as it can drop any trigger anyway):

- every row names the login that made it, and the one who last did a named step (returned a callback, recorded a
  meeting's outcome, revoked a consent, ran a report);
- a case: an abuse mark is never undone; every change takes its next version; a closed case changes only by a
  reopen (an appeal), an abuse mark emptying it or an admin's erasure; it is closed only by its assignee or someone
  of its owner's rank; a supervisor assigns it to anyone, others hand it on or take it for their own role; it is
  handed down to a lower role only by someone of its owner's rank; who had it before is kept (visibility);
- a letter goes draft, approved (by an approver's role, once its text is drafted and submitted), signed (by a
  signer's role, never its approver), coordinator informed, in that order; its text is written (by a drafter's
  role) only while it is a draft, and returned with a note only by an approver's role; a report is made a draft,
  approved only by an approver's role, then frozen;
  a reporting-chain step is marked done by the login that marks it, at the moment it is marked;
- case numbers only move up; another person's absence is recorded only by a supervisor; a merge is made only by
  those who may merge; the rows only an abuse mark may change change only by having their narrative emptied.
"""

from __future__ import annotations

from sqlmodel import SQLModel

import calldesk.models  # noqa: F401  (every table in the metadata)
from calldesk.rules.free_text import ABUSE_PLACEHOLDER, FREE_TEXT
from calldesk.rules.permissions import OTHERS_ABSENCE, writes_of
from calldesk.rules.profile import ROLES

PIN = "SET search_path = pg_catalog, pg_temp"
# Who wrote the row: set by the database on insert (a login cannot write a row in another's name), never updated.
AUTHORS = {"cases": "opened_by", "followup": "by_user", "clockevent": "by_user", "planstep": "by_user",
           "attachment": "by_user", "escalation": "by_user", "referral": "referred_by", "meeting": "scheduled_by",
           "qualityreview": "reviewed_by", "caselink": "created_by", "disclosure": "disclosed_by",
           "consent": "recorded_by", "litigationhold": "placed_by", "report": "run_by",
           "reportstep": "done_by", "casestep": "by_user", "phoneevent": "recorded_by",
           "mailmessage": "by_user", "blockednumber": "blocked_by",
           "webkey": "issued_by", "webaccount": "created_by"}
# Who last changed a row: set by the database on every insert and update (the coordinator's resource directory).
CHANGED_BY = {"resource": "updated_by"}
# Who did a later step: set by the database when the step is taken.
STEPS_BY = {"callback": ("done_by",), "meeting": ("outcome_by",), "consent": ("revoked_by",), "report": ("run_by",)}


def sql_list(values: object) -> str:
    """A text[] literal of `values`."""
    return "ARRAY[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]::text[]"  # type: ignore[attr-defined]


def _require(action: str, words: str) -> str:
    """PL/pgSQL: refuse, in `words`, unless the login may take `action` (calldesk.rules.permissions)."""
    said = words.replace("'", "''")
    return (f"IF NOT public.calldesk_may('{action}') THEN\n"
            f"      RAISE EXCEPTION 'calldesk: {said}' USING ERRCODE = 'insufficient_privilege';\n    END IF;")


def _function(name: str, body: str, *, definer: bool = False) -> str:
    rights = " SECURITY DEFINER" if definer else ""
    return (f"CREATE OR REPLACE FUNCTION public.{name}() RETURNS trigger LANGUAGE plpgsql{rights} {PIN} AS $$\n"
            f"{body}\n$$")


def _scrub_only_tables() -> dict[str, list[str]]:
    """Tables some role may change only by the abuse mark's emptying, with the roles that update them fully."""
    tables = sorted(SQLModel.metadata.tables)
    writes = {role: writes_of(role, tables) for role in ROLES}
    found: dict[str, list[str]] = {}
    for table in tables:
        if any("n" in w.get(table, "") for w in writes.values()):
            found[table] = [role for role, w in writes.items() if "u" in w.get(table, "")]
    return found


def guards() -> list[str]:
    """The guard functions and their triggers, made again on every apply."""
    narrative = sorted(FREE_TEXT["cases"].narrative)
    scrubbed = sql_list([*narrative, "abuse_marked", "version", "updated_at"])
    functions = [
        _function("calldesk_stamp_author", """BEGIN
  IF NOT public.calldesk_is_owner() THEN
    NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], session_user::text));
  END IF;
  RETURN NEW;
END"""),
        _function("calldesk_stamp_step", """DECLARE k text;
BEGIN
  IF public.calldesk_is_owner() THEN RETURN NEW; END IF;
  FOREACH k IN ARRAY TG_ARGV LOOP
    IF (to_jsonb(NEW) -> k) IS DISTINCT FROM (to_jsonb(OLD) -> k) AND to_jsonb(NEW) ->> k IS NOT NULL THEN
      NEW := jsonb_populate_record(NEW, jsonb_build_object(k, session_user::text));
    END IF;
  END LOOP;
  RETURN NEW;
END"""),
        _function("calldesk_case_guard", f"""DECLARE me text := session_user::text; mine text := public.calldesk_role();
BEGIN
  IF TG_OP = 'UPDATE' THEN  -- who had it before: kept by the database, whoever writes
    NEW.previous_assignee := CASE WHEN NEW.assigned_to IS DISTINCT FROM OLD.assigned_to
                                       AND OLD.assigned_to IS NOT NULL THEN OLD.assigned_to
                                  ELSE OLD.previous_assignee END;
  END IF;
  IF public.calldesk_is_owner() THEN RETURN NEW; END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.previous_assignee := NULL;
    IF NEW.status = 'closed' THEN NEW.closed_by := me; END IF;
    RETURN NEW;
  END IF;
  IF OLD.abuse_marked AND NOT NEW.abuse_marked THEN
    RAISE EXCEPTION 'calldesk: a suspected-abuse mark is never undone' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.version IS DISTINCT FROM OLD.version + 1 THEN
    RAISE EXCEPTION 'calldesk: every change to a case takes its next version (this write skipped the check)'
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.assigned_to IS DISTINCT FROM OLD.assigned_to AND NEW.assigned_to = me
     AND NOT (public.calldesk_may('reassign') OR public.calldesk_sole() OR NEW.owner_role = mine) THEN
    RAISE EXCEPTION 'calldesk: only a supervisor gives a case to someone who does not hold its owner''s role'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF public.calldesk_rank(NEW.owner_role) = 0 THEN
    RAISE EXCEPTION 'calldesk: % is not a role that owns cases', NEW.owner_role USING ERRCODE = 'check_violation';
  END IF;
  IF public.calldesk_rank(NEW.owner_role) < public.calldesk_rank(OLD.owner_role) AND NOT public.calldesk_sole()
     AND public.calldesk_rank(mine) < public.calldesk_rank(OLD.owner_role) THEN
    RAISE EXCEPTION 'calldesk: only someone of its owner''s rank hands a case down to a lower role'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status = 'closed' AND NEW.status = 'closed' THEN
    IF NEW.abuse_marked AND NOT OLD.abuse_marked THEN
      IF (to_jsonb(NEW) - {scrubbed}) IS DISTINCT FROM (to_jsonb(OLD) - {scrubbed}) THEN
        RAISE EXCEPTION 'calldesk: marking a closed case empties its narrative and changes nothing else'
          USING ERRCODE = 'check_violation';
      END IF;
    ELSIF NOT public.calldesk_may('purge') AND (to_jsonb(NEW) - ARRAY['version', 'updated_at'])
          IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['version', 'updated_at']) THEN
      RAISE EXCEPTION 'calldesk: a closed case changes only by a reopen (an appeal)' USING ERRCODE = 'check_violation';
    END IF;
  ELSIF OLD.status = 'open' AND NEW.status = 'closed' THEN
    IF NOT (OLD.assigned_to = me OR public.calldesk_may('link_cases') OR public.calldesk_sole()
            OR public.calldesk_rank(mine) >= public.calldesk_rank(OLD.owner_role)) THEN
      RAISE EXCEPTION 'calldesk: only its assignee or someone of its owner''s rank closes this case'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.closed_by := me;
  ELSIF OLD.status = 'closed' AND NEW.status = 'open' AND NOT public.calldesk_may('escalate') THEN
    RAISE EXCEPTION 'calldesk: only an appeal reopens a closed case' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END"""),
        _function("calldesk_letter_guard", f"""DECLARE me text := session_user::text; before text; marked boolean;
BEGIN
  IF public.calldesk_is_owner() THEN RETURN NEW; END IF;
  before := CASE WHEN TG_OP = 'INSERT' THEN 'none' ELSE OLD.letter_status END;
  NEW.updated_by := me;
  IF TG_OP = 'INSERT' THEN  -- a new row has had no step taken on its letter: its words come with the steps
    NEW.approved_by := NULL; NEW.approved_at := NULL; NEW.signed_by := NULL; NEW.coordinator_informed_at := NULL;
    NEW.letter_text := ''; NEW.drafted_by := NULL; NEW.submitted_at := NULL;
    NEW.letter_note := ''; NEW.returned_by := NULL; NEW.returned_at := NULL;
  END IF;
  IF NEW.letter_status IS DISTINCT FROM before THEN
    IF NOT ((before = 'none' AND NEW.letter_status = 'draft') OR (before = 'draft' AND NEW.letter_status = 'approved')
            OR (before = 'approved' AND NEW.letter_status = 'signed')
            OR (before = 'signed' AND NEW.letter_status = 'coordinator_informed')) THEN
      RAISE EXCEPTION 'calldesk: a letter goes draft, approved, signed, coordinator informed, in that order'
        USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.letter_status = 'approved' THEN
      {_require("approve_letter", "only an approver's role approves a letter")}
      IF coalesce(NEW.letter_text, '') = '' OR NEW.submitted_at IS NULL THEN
        RAISE EXCEPTION 'calldesk: a letter is approved only once its text is drafted and submitted'
          USING ERRCODE = 'check_violation';
      END IF;
      NEW.approved_by := me; NEW.approved_at := now();
    ELSIF NEW.letter_status IN ('signed', 'coordinator_informed') THEN
      {_require("sign_letter", "only a signer's role signs a letter or informs the coordinator")}
      IF NEW.letter_status = 'signed' THEN
        IF OLD.approved_by = me AND NOT public.calldesk_sole() THEN
          RAISE EXCEPTION 'calldesk: who approved a letter never signs it' USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.signed_by := me;
      END IF;
    END IF;
  ELSIF TG_OP = 'UPDATE' AND (NEW.approved_by IS DISTINCT FROM OLD.approved_by
        OR NEW.approved_at IS DISTINCT FROM OLD.approved_at OR NEW.signed_by IS DISTINCT FROM OLD.signed_by) THEN
    RAISE EXCEPTION 'calldesk: a letter''s approver and signer are who took those steps'
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'INSERT' THEN RETURN NEW; END IF;
  IF (NEW.drafted_by IS DISTINCT FROM OLD.drafted_by AND NEW.letter_text IS NOT DISTINCT FROM OLD.letter_text)
     OR ((NEW.returned_by IS DISTINCT FROM OLD.returned_by OR NEW.returned_at IS DISTINCT FROM OLD.returned_at)
         AND NEW.letter_note IS NOT DISTINCT FROM OLD.letter_note) THEN
    RAISE EXCEPTION 'calldesk: who drafted or returned a letter are who took those steps'
      USING ERRCODE = 'check_violation';
  END IF;
  -- An abuse mark empties the words (calldesk.rules.free_text): that change is the mark's, whoever makes it.
  marked := EXISTS (SELECT 1 FROM public.cases c WHERE c.id = NEW.case_id AND c.abuse_marked);
  IF (NEW.letter_text IS DISTINCT FROM OLD.letter_text AND NOT (marked AND NEW.letter_text = ''))
     OR (NEW.submitted_at IS DISTINCT FROM OLD.submitted_at AND NOT (marked AND NEW.submitted_at IS NULL)) THEN
    {_require("draft_letter", "only a drafter's role writes a letter's text or submits it")}
    IF OLD.letter_status <> 'draft' OR NEW.letter_status <> 'draft' THEN
      RAISE EXCEPTION 'calldesk: a letter''s text changes only while it is a draft (the approved text is signed)'
        USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.letter_text IS DISTINCT FROM OLD.letter_text THEN NEW.drafted_by := me; END IF;
  END IF;
  IF NEW.letter_note IS DISTINCT FROM OLD.letter_note AND NOT (marked AND NEW.letter_note = '') THEN
    {_require("approve_letter", "only an approver's role returns a letter with a note")}
    IF OLD.letter_status <> 'draft' OR NEW.letter_status <> 'draft' THEN
      RAISE EXCEPTION 'calldesk: only a draft letter is returned with a note' USING ERRCODE = 'check_violation';
    END IF;
    NEW.returned_by := me; NEW.returned_at := now();
  END IF;
  RETURN NEW;
END"""),
        _function("calldesk_report_guard", f"""BEGIN
  IF public.calldesk_is_owner() THEN RETURN NEW; END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'draft' THEN
      RAISE EXCEPTION 'calldesk: a report is made a draft, then approved' USING ERRCODE = 'check_violation';
    END IF;
    NEW.approved_by := NULL; NEW.approved_at := NULL;
    RETURN NEW;
  END IF;
  IF OLD.status = 'approved' THEN
    RAISE EXCEPTION 'calldesk: an approved report is frozen' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status = 'approved' THEN
    {_require("approve_report", "only an approver's role approves a report")}
    NEW.approved_by := session_user; NEW.approved_at := now();
  ELSIF NEW.approved_by IS NOT NULL OR NEW.approved_at IS NOT NULL OR NEW.status <> 'draft' THEN
    RAISE EXCEPTION 'calldesk: a report is a draft until an approver approves it' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END"""),
        # A reporting-chain step is done when it is marked: a login cannot date it earlier (or later).
        _function("calldesk_report_step_guard", """BEGIN
  IF NOT public.calldesk_is_owner() THEN NEW.done_at := now(); END IF;
  RETURN NEW;
END"""),
        _function("calldesk_counter_guard", """BEGIN
  IF public.calldesk_is_owner() THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'calldesk: case numbers only move up' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.last < OLD.last OR NEW.year <> OLD.year) THEN
    RAISE EXCEPTION 'calldesk: case numbers only move up' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'INSERT' AND NOT EXISTS (SELECT 1 FROM public.casecounter k WHERE k.year = NEW.year)
     AND NEW.last < (SELECT coalesce(max(substr(c.case_number, 6)::integer), 0) FROM public.cases c
                     WHERE c.case_number LIKE NEW.year || '-%') THEN
    RAISE EXCEPTION 'calldesk: case numbers only move up' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END""", definer=True),
        _function("calldesk_user_guard", """BEGIN
  IF public.calldesk_is_owner() THEN RETURN NEW; END IF;
  IF NEW.absent_since IS DISTINCT FROM OLD.absent_since AND OLD.username <> session_user::text
     AND NOT (""" + " OR ".join(f"public.calldesk_may('{a}')" for a in OTHERS_ABSENCE) + """) THEN
    RAISE EXCEPTION 'calldesk: only a supervisor records another person''s absence'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END"""),
        _function("calldesk_link_guard", """BEGIN
  IF public.calldesk_is_owner() THEN RETURN NEW; END IF;
  IF NEW.kind <> 'repeat' AND NOT public.calldesk_may('link_cases') THEN
    RAISE EXCEPTION 'calldesk: only those who may merge cases link them as duplicates or merged'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END"""),
        _function("calldesk_scrub_only", f"""DECLARE k text; before jsonb := to_jsonb(OLD);
  after jsonb := to_jsonb(NEW);
BEGIN
  IF public.calldesk_is_owner() OR public.calldesk_sole()
     OR public.calldesk_role() = ANY(string_to_array(TG_ARGV[0], ',')) THEN
    RETURN NEW;
  END IF;
  FOR k IN SELECT jsonb_object_keys(after) LOOP
    IF (before -> k) IS DISTINCT FROM (after -> k) AND NOT (k = ANY(string_to_array(TG_ARGV[1], ','))
        AND coalesce(after ->> k, '') IN ('', '{ABUSE_PLACEHOLDER}')) THEN
      RAISE EXCEPTION 'calldesk: % changes only by an abuse mark emptying its narrative', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM public.cases c WHERE c.id = NEW.case_id AND c.abuse_marked) THEN
    RAISE EXCEPTION 'calldesk: only a case marked as suspected abuse has its narrative emptied'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END"""),
    ]
    made = [("cases_guard", "cases", "BEFORE INSERT OR UPDATE", "calldesk_case_guard()"),
            ("resolution_letter_guard", "resolution", "BEFORE INSERT OR UPDATE", "calldesk_letter_guard()"),
            ("report_guard", "report", "BEFORE INSERT OR UPDATE", "calldesk_report_guard()"),
            ("reportstep_guard", "reportstep", "BEFORE INSERT", "calldesk_report_step_guard()"),
            ("casecounter_guard", "casecounter", "BEFORE INSERT OR UPDATE OR DELETE", "calldesk_counter_guard()"),
            ("app_user_guard", "app_user", "BEFORE UPDATE", "calldesk_user_guard()"),
            ("caselink_guard", "caselink", "BEFORE INSERT", "calldesk_link_guard()")]
    made += [(f"{table}_author", table, "BEFORE INSERT", f"calldesk_stamp_author('{column}')")
             for table, column in AUTHORS.items()]
    made += [(f"{table}_changed_by", table, "BEFORE INSERT OR UPDATE", f"calldesk_stamp_author('{column}')")
             for table, column in CHANGED_BY.items()]
    made += [(f"{table}_step_by", table, "BEFORE UPDATE", f"calldesk_stamp_step({', '.join(map(repr, columns))})")
             for table, columns in STEPS_BY.items()]
    made += [(f"{table}_scrub_only", table, "BEFORE UPDATE",
              f"calldesk_scrub_only('{','.join(full)}', '{','.join(sorted(FREE_TEXT[table].narrative))}')")
             for table, full in _scrub_only_tables().items()]
    out = list(functions)
    for name, table, when, function in made:
        out += [f"DROP TRIGGER IF EXISTS {name} ON public.{table}",
                f"CREATE TRIGGER {name} {when} ON public.{table} FOR EACH ROW EXECUTE FUNCTION public.{function}"]
    return out
