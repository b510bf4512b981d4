"""Who may do what: the role matrix the service layer checks on every call."""

from __future__ import annotations

from calldesk.errors import PermissionDenied
from calldesk.rules.profile import ROLES, role_rank

ROLE_LABELS = {role: role.replace("_", " ") for role in ROLES}  # "program_specialist" -> "program specialist"

# Everyone who works calls and cases. Admins too: on the embedded store the first start makes the desk's own
# login its admin, and a one-desk office has nobody else to take the calls (README, "Who may do what").
DESK = ("agent", "program_specialist", "specialist", "supervisor", "admin")
CASEWORKERS = ("program_specialist", "specialist", "supervisor")

# action -> roles allowed; an action missing here is refused for everyone. README's role table is this.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "take_call": DESK,
    "edit_case": DESK,
    "follow_up": DESK,
    "record_consent": DESK,
    "disclose": DESK,
    "mark_abuse": DESK,
    "add_callback": DESK,
    "complete_callback": DESK,
    "escalate": DESK,
    "record_clock": DESK,  # an acknowledgement, a written response or a reply made
    "extend_clock": CASEWORKERS,  # an extension: the written notice and the new due date
    "resolve": DESK,
    "close_case": DESK,
    "reassign": ("supervisor",),
    "approve_letter": ("supervisor",),
    "sign_letter": ("specialist", "supervisor"),  # the specialist signs, attaches and informs the coordinator
    "link_cases": CASEWORKERS,
    "refer": DESK,
    "meeting": DESK,
    "review_case": ("supervisor",),  # the coordinator's quality assurance (LAUSD protocol)
    "student_record": ("supervisor", "admin"),  # a parent's inspection of the FERPA record
    "report": ("supervisor", "admin"),
    "approve_report": ("supervisor",),  # the Executive Management Team approves (OC CCTS III.B)
    "litigation_hold": ("supervisor", "admin"),
    "export_personal": ("admin",),  # unredacted exports and a caller's own data
    "purge": ("admin",),
    "manage_users": ("admin",),
    "maintain_store": ("admin",),
}

DESCRIPTIONS = {
    "take_call": "take calls",
    "edit_case": "change cases",
    "follow_up": "write follow-ups",
    "record_consent": "record consents",
    "disclose": "disclose student information",
    "mark_abuse": "mark suspected child abuse",
    "add_callback": "take messages",
    "complete_callback": "return callbacks",
    "resolve": "write resolutions",
    "close_case": "close cases",
    "reassign": "reassign cases",
    "approve_letter": "approve response letters",
    "sign_letter": "sign response letters and inform the coordinator",
    "link_cases": "merge or link cases",
    "report": "run reports",
    "approve_report": "approve reports",
    "litigation_hold": "place or release litigation holds",
    "export_personal": "export personal data",
    "purge": "purge or erase cases",
    "manage_users": "manage users",
    "maintain_store": "maintain the store",
    "escalate": "escalate cases",
    "record_clock": "record acknowledgements, written responses and replies",
    "extend_clock": "extend a case's deadlines",
    "refer": "refer cases to another office",
    "meeting": "schedule meetings and record their outcome",
    "review_case": "review cases for quality",
    "student_record": "print a student's record of consents and disclosures",
}


def may(role: str, action: str) -> bool:
    """True when `role` may perform `action`."""
    return role in PERMISSIONS.get(action, ())


def require(role: str, action: str) -> None:
    """Raise PermissionDenied, in words, when `role` may not perform `action`."""
    if may(role, action):
        return
    allowed = " or ".join(ROLE_LABELS[r] + "s" for r in PERMISSIONS.get(action, ()))
    what = DESCRIPTIONS.get(action, action.replace("_", " "))
    label = ROLE_LABELS.get(role, role)
    article = "an" if label[0] in "aeiou" else "a"
    raise PermissionDenied(f"Only {allowed} may {what}; you are signed in as {article} {label}.")


def may_hand_down(role: str, current_owner: str, new_owner: str) -> bool:
    """Re-typing a case may move it to a lower owner only for someone of at least the current owner's rank
    (an agent cannot re-type a complaint as an inquiry and then close it)."""
    return role_rank(new_owner) >= role_rank(current_owner) or role_rank(role) >= role_rank(current_owner)


def may_mark_closed_case(role: str, username: str, *, people: tuple[str | None, ...]) -> bool:
    """A closed case is marked as suspected abuse (its record emptied) only by someone who worked it (`people`:
    opened, assigned, closed it) or a supervisor."""
    return username in people or role == "supervisor"


# The supervisor queue (issue 9): supervisors and specialists (and admins, who run the store) see every case and
# caller; an agent sees the cases assigned to them and those they opened, and no one else's callers.
WHOLE_QUEUE = ("program_specialist", "specialist", "supervisor", "admin")


def sees_whole_queue(role: str) -> bool:
    """True when `role` sees every case in the queue (False: only their own work and the cases they opened)."""
    return role in WHOLE_QUEUE
