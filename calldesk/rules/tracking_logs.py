"""The tracking logs of the seeds, as ordered columns: each a header and the case value that fills it.

The seeds name the logs but do not reproduce their forms, so each log's columns follow the order in which
its seed's procedure records things: OC CCTS III.A.1.b (Attachment A, the CCTS Log: received, media, source,
constituent, type, program, what was said, action taken, resolved), Rochester OPE 5.1 (intake, concern,
investigation, determination, referral, resolution, closed) and the Area Offices protocol (Service Request,
level, school or department, acknowledgement in 2 school days, written response in 10 school days and its
extension with the written notice, referral, "Administrator Resolved"). Every log names the clocks met late, and how
late (a clock met after its due time counts as breached).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LOG_TITLES: dict[str, str] = {
    "ccts": "Customer Care Tracking System Log (OC SSA, Attachment A)",
    "ope_matrix": "OPE tracking matrix (Rochester City School District)",
    "area_request_log": "Area Resolution Service Request log (Area Offices)",
}

# (header, key): the key names a value the store's log rows provide for each case.
LOG_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "ccts": (
        ("Date Received", "opened_on"),
        ("Received By", "opened_by"),
        ("Media", "channel"),
        ("Referred By", "source"),
        ("Constituent", "pseudonym"),
        ("Type", "call_type"),
        ("Program/Department", "place"),
        ("Category", "category"),
        ("Compliment, Question or Complaint", "description"),
        ("Action Taken", "action_taken"),
        ("Date Resolved", "closed_on"),
        ("Met Late", "met_late"),
        ("Status", "status"),
        ("Not Reportable: Routed To", "routed_to"),
    ),
    "ope_matrix": (
        ("Case", "case_number"),
        ("Date of Call", "opened_on"),
        ("PSCR", "opened_by"),
        ("Language", "language"),
        ("Concern", "category"),
        ("Subcategory", "subcategory"),
        ("School", "school"),
        ("Concern Described", "description"),
        ("Investigation", "action_taken"),
        ("Determination", "outcome"),
        ("Referred To", "referred_to"),
        ("Safety Referral", "safety_referral"),
        ("Resolution", "resolution"),
        ("Date Closed", "closed_on"),
        ("Met Late", "met_late"),
        ("Status", "status"),
    ),
    "area_request_log": (
        ("Service Request", "pseudonym"),
        ("Date Received", "opened_on"),
        ("Level", "level"),
        ("School or Department", "place"),
        ("Concern", "category"),
        ("Building-Level Attempt", "steps_confirmed"),
        ("Acknowledge By", "acknowledge_by"),
        ("Acknowledged", "acknowledged_on"),
        ("Written Response Due", "written_response_due"),
        ("Extension and Notice", "extension"),
        ("Resolve By", "resolve_by"),
        ("Met Late", "met_late"),
        ("Outcome", "outcome"),
        ("Referred To", "referred_to"),
        ("Administrator Resolved", "closed_on"),
        ("Status", "status"),
    ),
}


def log_level(call_type: str) -> str:
    """Area Offices: Level One for questions (and compliments), Level Two for documented concerns."""
    return "Level Two" if call_type in ("concern", "complaint") else "Level One"


@dataclass(frozen=True)
class StaffAction:
    """One thing staff did on a case: a follow-up, a referral, an escalation, a meeting, the resolution."""

    on: date
    what: str


def actions_taken(actions: list[StaffAction]) -> str:
    """The log's "Action Taken" (CCTS) or "Investigation" (OPE matrix): what staff did, oldest first, each dated
    ("2026-10-06 follow-up: called the program manager; 2026-10-08 referred to Safety and Security"). The caller's
    own steps before calling are not staff's actions and are not in it."""
    return "; ".join(f"{a.on.isoformat()} {a.what}" for a in sorted(actions, key=lambda a: a.on))
