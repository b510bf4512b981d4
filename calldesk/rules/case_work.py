"""Which work on a case a person may do now, and if not, why (the case's work menu asks before anything is typed).

One answer per action, from the role's permissions (calldesk.rules.permissions), the agency's protocol (its
ladder, appeal window, letter, steps) and the case's state (open, merged away, its meetings and students). The
services refuse the same things when asked anyway; this only says so first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from calldesk.rules.escalation import next_escalation, no_appeal
from calldesk.rules.permissions import why_not
from calldesk.rules.profile import Profile


@dataclass(frozen=True)
class CaseFacts:
    """What the answers need of a case."""

    case_number: str
    status: str
    escalation_level: int = 0
    merged_into: str | None = None  # the survivor's number when it was merged away
    meetings: int = 0
    students: int = 0
    # Why an action cannot be taken on this case now, in the sentence its own rule refuses it with (a clock not
    # running or met, no email address, no step of the protocol for it), by action: only these say so up front.
    refusals: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Offer:
    """Whether the action is offered, and the one sentence why not."""

    allowed: bool
    reason: str = ""


@dataclass(frozen=True)
class WorkRule:
    permissions: tuple[str, ...]  # any of these lets the role do it
    open_only: bool = True  # refused on a closed case


# The work menu's actions (calldesk.screens.case.menu) by name.
WORK: dict[str, WorkRule] = {
    "follow_up": WorkRule(("follow_up",)),
    "plan": WorkRule(("follow_up",)),
    "acknowledge": WorkRule(("record_clock",)),
    "written_response": WorkRule(("record_clock",)),
    "reply": WorkRule(("record_clock",)),
    "extend": WorkRule(("extend_clock",)),
    "resolution": WorkRule(("resolve",)),
    "letter": WorkRule(("draft_letter", "sign_letter", "approve_letter")),
    "close": WorkRule(("close_case",)),
    "escalate": WorkRule(("escalate",)),
    "appeal": WorkRule(("escalate",), open_only=False),
    "refer": WorkRule(("refer",)),
    "meeting": WorkRule(("meeting",)),
    "meeting_outcome": WorkRule(("meeting",)),
    "merge": WorkRule(("link_cases",), open_only=False),
    "review": WorkRule(("review_case",), open_only=False),
    "student_record": WorkRule(("student_record",), open_only=False),
    "step": WorkRule(("record_step",)),
    "email_acknowledgement": WorkRule(("send_mail",)),
    "email_response": WorkRule(("send_mail",)),
    "email_letter": WorkRule(("sign_letter",)),  # sent by those who sign it (the service checks send_mail too)
}


def may_work(action: str, *, role: str, profile: Profile, case: CaseFacts, sole: bool = False) -> Offer:
    """Whether someone of `role` may do `action` (a key of WORK) on `case` under `profile` now; if not, why, in
    one sentence. The role first (a person who may not do it at all is told so; `sole`: the store's only user,
    who acts in every role), then the case, then the protocol."""
    rule = WORK[action]
    refusals = [why_not(role, permission) for permission in rule.permissions]
    if all(refusals) and not sole:
        return Offer(False, str(refusals[0]))
    number = case.case_number
    if case.merged_into is not None:
        return Offer(False, f"Case {number} was merged into {case.merged_into}: work {case.merged_into} instead.")
    if rule.open_only and case.status == "closed":
        return Offer(False, f"Case {number} is closed.")
    reason = _protocol_or_case(action, profile, case)
    return Offer(reason is None, reason or "")


def _protocol_or_case(action: str, profile: Profile, case: CaseFacts) -> str | None:
    if action == "escalate" and next_escalation(profile, current_level=case.escalation_level) is None:
        return f"Case {case.case_number} is at the top of the {profile.title} ladder: there is no rung above."
    if action == "appeal" and (refusal := no_appeal(profile)) is not None:
        return refusal
    if action in ("letter", "email_letter") and not profile.letter_template:
        return f"The {profile.title} protocol has no response letter."
    if action == "step" and not profile.steps:
        return f"The {profile.title} protocol sets no recorded steps."
    if action == "meeting_outcome" and case.meetings == 0:
        return "No meeting is scheduled on this case: schedule one first."
    if action == "student_record" and case.students == 0:
        return "No student is recorded on this case."
    return case.refusals.get(action)
