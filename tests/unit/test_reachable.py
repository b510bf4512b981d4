"""Every capability is reachable: each public service function of calldesk/store (its first parameter a `uow`
or a `session`) is referenced by the TUI (screens, widgets), the CLI or the web front, by name, attribute or
import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "calldesk"
FRONTS = ("screens", "widgets", "cli", "web")  # the web front (calldesk serve) is a front too

# Being made reachable right now by other helpers (the integrator empties this list at merge).
IN_FLIGHT: set[str] = set()  # services still being wired to a screen or command (none now)

# Helpers called only from inside the store (by other services or the store's own machinery), not actions.
INTERNAL = {
    # the audit trail, written inside every service's own transaction
    "audit_key", "record", "record_changes", "forget_narrative",
    # sign-in and the role check every service calls first; the first admin is made when the store opens
    "actor_for", "authorise", "bootstrap_first_admin",
    # the colleague a callback is handed to, read inside add_callback and reassign_callback; a user named in a
    # command (callbacks_for, the user commands, grants), read inside the service that names them
    "active_user", "named_user",
    # parts of a case change: the version check, and the clean-up of drafts and abuse-marked text
    "load_for_change", "discard_draft_rows", "scrub_drafts",
    # the steps a resolution typed on the call form needs, recorded inside save_call (Area Offices' building attempt)
    "confirm_at_intake",
    # the callback a call's "Needs a call back" makes, inside save_call
    "add_intake_callback",
    # the intake screen's one save (store/services/calls.py) applies these in its single transaction
    "update_case", "open_case", "follow_ups_for",
    # the words a letter or an email to the constituent may carry (a third party's details taken out), made
    # inside the letter's and the mail's services
    "for_constituent", "third_parties",
    # a school or department as the respondents spell it, applied inside open_case, update_case and the import
    "known_places", "spelled_as_known",
    # merges and appeals: who a case was merged into, the cases merged into it, when it was decided
    "merged_into", "decided_at",
    # the case number and the one-save-per-call lock, taken inside open_case
    "next_case_number", "one_save_per_client",
    # the staff and their load, read by the routing inside open_case; a batch of the streamed import
    "staff_board", "bulk_import_batch",
    # the demo and import bulk paths set their connection up with it
    "bulk_connection",
    # the Confidentiality tab's steps, taken inside the call's one consent command (store/services/call_consent.py)
    "add_student", "record_consent", "disclose", "student_of",
    # consent is decided inside record_consent/disclose; the school trend window inside open_case
    "consent_decision", "school_window",
    # exports, reports and retention: their pieces, reached through the export/report/purge commands
    "count_cases", "iter_details", "pseudonym_secret", "report_numbers", "chain_of",
    # the taxonomy and resource directory, loaded by reference.ensure_reference when a store opens
    "sync_reference",
    # the protocol's steps: read by case_steps, set_resolution/close_case and My work
    "recorded_steps", "steps_missing_before", "steps_to_do", "steps_for_role",
    # the phone: a blocked number is looked up inside record_event; the purge counts and removes old phone events
    "is_blocked", "count_phone_events", "delete_phone_events",
    # a respondent's web password, written inside set_respondent_sign_in (`serve respondent add`); a login's
    # privileges made to follow its user's role, inside set_role and set_active (PostgreSQL)
    "write_web_password", "follow_role",
    # a callback as every callback service returns it (with its case's number)
    "public_callback",
}


def _services() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((ROOT / "store").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
                params = [*node.args.posonlyargs, *node.args.args]
                if params and params[0].arg in ("uow", "session"):
                    found[node.name] = path.name
    return found


def _referenced() -> set[str]:
    names: set[str] = set()
    for front in FRONTS:
        for path in (ROOT / front).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Name):
                    names.add(node.id)
                elif isinstance(node, ast.Attribute):
                    names.add(node.attr)
                elif isinstance(node, ast.ImportFrom):
                    names.update(alias.name for alias in node.names)
    return names


def test_the_check_sees_the_store_services() -> None:
    services = _services()
    assert services["add_callback"] == "callbacks.py" and services["callbacks_for"] == "callbacks_due.py"
    assert "_bump_case" not in services  # private helpers are not services


@pytest.mark.slow
def test_every_store_service_is_reachable_from_the_tui_or_the_cli() -> None:
    services = _services()
    referenced = _referenced()  # (once: the fronts' every file parsed, not once per service)
    unreachable = {name: module for name, module in services.items()
                   if name not in referenced and name not in IN_FLIGHT | INTERNAL}
    assert unreachable == {}, f"store services no screen or command calls: {unreachable}"


def test_the_allow_lists_name_only_real_services() -> None:
    assert set(_services()) >= (IN_FLIGHT | INTERNAL)
