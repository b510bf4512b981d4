"""Who may do what: the role matrix the service layer checks on every call."""

from __future__ import annotations

from calldesk.errors import PermissionDenied
from calldesk.rules.profile import ROLES

ROLE_LABELS = {role: role.replace("_", " ") for role in ROLES}  # "program_specialist" -> "program specialist"

STAFF = ROLES
CASEWORKERS = ("program_specialist", "specialist", "supervisor")

# action -> roles allowed; an action missing here is refused for everyone.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "take_call": STAFF,
    "edit_case": STAFF,
    "follow_up": STAFF,
    "record_consent": STAFF,
    "disclose": STAFF,
    "mark_abuse": STAFF,
    "add_callback": STAFF,
    "complete_callback": STAFF,
    "escalate": ("agent", *CASEWORKERS),
    "resolve": STAFF,
    "close_case": STAFF,
    "reassign": ("supervisor",),
    "approve_letter": ("supervisor",),
    "sign_letter": ("specialist", "supervisor"),  # the specialist signs, attaches and informs the coordinator
    "link_cases": CASEWORKERS,
    "report": ("supervisor", "admin"),
    "approve_report": ("supervisor",),  # the Executive Management Team approves (OC CCTS III.B)
    "litigation_hold": ("supervisor", "admin"),
    "export_personal": ("admin",),  # unredacted exports and a caller's own data
    "purge": ("admin",),
    "manage_users": ("admin",),
    "maintain_store": ("admin",),
}

DESCRIPTIONS = {
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
