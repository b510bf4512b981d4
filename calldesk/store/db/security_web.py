"""The database's side of the web front's accounts and keys (PostgreSQL): no login but the owner reads a web
password's hash or an API key's digest (column privileges, calldesk.rules.permissions.HIDDEN_COLUMNS); the web
front's login hands the database what it computed and the database compares, keeps the lockout counters and
answers yes or no. Made from the same numbers as the rule (calldesk.rules.web_accounts)."""

from __future__ import annotations

from calldesk.rules.web_accounts import FAILURES_BEFORE_LOCK, LOCK_SECONDS
from calldesk.store.db.security_guards import PIN


def web_functions() -> list[str]:
    """calldesk_web_salt (an account's argon2 parameters and salt, never its hash), calldesk_web_sign_in (compare
    the hash the web front computed; count failures; lock), calldesk_web_client (the client of a key's digest),
    calldesk_web_session and calldesk_web_sign_out (an account's session count, read and moved on)."""
    return [
        # The encoded hash's prefix: "$argon2id$v=19$m=...,t=...,p=...$salt" (the last "$hash" part stays here).
        f"""CREATE OR REPLACE FUNCTION public.calldesk_web_salt(p_username text) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER {PIN} AS $$
  SELECT regexp_replace(a.password_hash, '[$][^$]*$', '') FROM public.webaccount a
  WHERE a.username = p_username AND public.calldesk_may('serve_web') $$""",
        f"""CREATE OR REPLACE FUNCTION public.calldesk_web_sign_in(p_username text, p_hash text) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
  DECLARE a public.webaccount; counted integer;
  BEGIN
    IF NOT public.calldesk_may('serve_web') THEN
      RAISE EXCEPTION 'calldesk: only the web front checks a web sign-in';
    END IF;
    SELECT * INTO a FROM public.webaccount w WHERE w.username = p_username FOR UPDATE;
    IF NOT FOUND THEN RETURN 'no'; END IF;
    IF a.locked_until IS NOT NULL AND a.locked_until > now() THEN RETURN 'locked'; END IF;
    IF p_hash IS NOT NULL AND a.password_hash = p_hash THEN
      IF a.failures <> 0 OR a.locked_until IS NOT NULL THEN
        UPDATE public.webaccount w SET failures = 0, locked_until = NULL WHERE w.username = p_username;
      END IF;
      RETURN 'ok';
    END IF;
    counted := CASE WHEN a.locked_until IS NOT NULL THEN 1 ELSE a.failures + 1 END;
    UPDATE public.webaccount w SET failures = counted,
      locked_until = CASE WHEN counted >= {FAILURES_BEFORE_LOCK} THEN now() + interval '{LOCK_SECONDS} seconds' END
    WHERE w.username = p_username;
    RETURN 'no';
  END $$""",
        f"""CREATE OR REPLACE FUNCTION public.calldesk_web_client(p_digest text) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER {PIN} AS $$
  SELECT k.name::text FROM public.webkey k
  WHERE k.digest = p_digest AND k.revoked_at IS NULL AND public.calldesk_may('serve_web') $$""",
        f"""CREATE OR REPLACE FUNCTION public.calldesk_web_session(p_username text) RETURNS integer
  LANGUAGE sql STABLE SECURITY DEFINER {PIN} AS $$
  SELECT a.session_epoch FROM public.webaccount a
  WHERE a.username = p_username AND public.calldesk_may('serve_web') $$""",
        f"""CREATE OR REPLACE FUNCTION public.calldesk_web_sign_out(p_username text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER {PIN} AS $$
  BEGIN
    IF NOT public.calldesk_may('serve_web') THEN
      RAISE EXCEPTION 'calldesk: only the web front signs a respondent out';
    END IF;
    UPDATE public.webaccount w SET session_epoch = w.session_epoch + 1 WHERE w.username = p_username;
  END $$""",
    ]


WEB_DEFINERS = ("calldesk_web_salt(text)", "calldesk_web_sign_in(text, text)", "calldesk_web_client(text)",
                "calldesk_web_session(text)", "calldesk_web_sign_out(text)")
