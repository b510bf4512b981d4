"""The protocol's rules as pure functions over plain data: no screen, no database, no file I/O.

The service layer applies them; the TUI, the CLI and imports all go through it.
"""

from __future__ import annotations

from calldesk.rules.abuse import NARRATIVE_FIELDS, AbuseGuidance, abuse_guidance, abuse_words_in, scrub_narrative
from calldesk.rules.calendar import OpenCalendar, calendar_for
from calldesk.rules.callbacks import StaffAbsence, callback_due, covering_supervisor_needed
from calldesk.rules.consent import (
    REDISCLOSURE_NOTICE,
    RELATIONSHIPS,
    ConsentDecision,
    ConsentFacts,
    check_disclosure,
    validate_consent,
)
from calldesk.rules.contact import normalise_email, normalise_name, normalise_phone, phone_digits
from calldesk.rules.escalation import appeal_deadline, next_escalation
from calldesk.rules.followup import is_follow_up_overdue, next_follow_up_due
from calldesk.rules.profile import (
    CALL_TYPES,
    ROLES,
    TIERS,
    CallType,
    Category,
    LadderStep,
    Profile,
    Resource,
    Span,
    Tier,
    TierRule,
)
from calldesk.rules.redaction import KnownPII, pseudonym, redact
from calldesk.rules.repeat import (
    CallerKey,
    PriorCase,
    RepeatDecision,
    TrendDecision,
    detect_repeat,
    matches_caller,
)
from calldesk.rules.reportability import Reportability, reportability
from calldesk.rules.triage import (
    CaseFlags,
    Deadlines,
    TriageDecision,
    deadlines_for,
    describe_deadlines,
    format_due,
    intake_due,
    triage,
)

__all__ = [
    "CALL_TYPES",
    "NARRATIVE_FIELDS",
    "REDISCLOSURE_NOTICE",
    "RELATIONSHIPS",
    "ROLES",
    "TIERS",
    "AbuseGuidance",
    "CallType",
    "CallerKey",
    "CaseFlags",
    "Category",
    "ConsentDecision",
    "ConsentFacts",
    "Deadlines",
    "KnownPII",
    "LadderStep",
    "OpenCalendar",
    "PriorCase",
    "Profile",
    "RepeatDecision",
    "Reportability",
    "Resource",
    "Span",
    "StaffAbsence",
    "Tier",
    "TierRule",
    "TrendDecision",
    "TriageDecision",
    "abuse_guidance",
    "abuse_words_in",
    "appeal_deadline",
    "calendar_for",
    "callback_due",
    "check_disclosure",
    "covering_supervisor_needed",
    "deadlines_for",
    "describe_deadlines",
    "detect_repeat",
    "format_due",
    "intake_due",
    "is_follow_up_overdue",
    "matches_caller",
    "next_escalation",
    "next_follow_up_due",
    "normalise_email",
    "normalise_name",
    "normalise_phone",
    "phone_digits",
    "pseudonym",
    "redact",
    "reportability",
    "scrub_narrative",
    "triage",
    "validate_consent",
]
