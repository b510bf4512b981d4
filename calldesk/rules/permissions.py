"""Who may do what, what each action writes, and who sees which cases: the role matrix the service layer checks on
every call, and from which `calldesk db grant` derives each PostgreSQL login's privileges."""

from __future__ import annotations

from typing import Literal

from calldesk.errors import PermissionDenied
from calldesk.rules.profile import ROLE_LABELS, ROLES, a_role, role_rank

__all__ = ["ROLE_LABELS", "ROLES"]  # (the role table's labels: calldesk.rules.profile_fields)

# Everyone who works calls and cases. Admins too: on the embedded store the first start makes the desk's own
# login its admin, and a one-desk office has nobody else to take the calls (README, "Who may do what").
DESK = ("agent", "program_specialist", "specialist", "supervisor", "admin")
CASEWORKERS = ("program_specialist", "specialist", "supervisor")
# A respondent (school or department administrator) documents the steps and the resolution of their cases.
DOCUMENTERS = ("respondent", *DESK)

# action -> roles allowed; an action missing here is refused for everyone. README's role table is this.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "take_call": DESK,
    "edit_case": DESK,
    "follow_up": DOCUMENTERS,
    "record_consent": DESK,
    "disclose": DESK,
    "mark_abuse": DOCUMENTERS,  # anyone who reads a case may find it points to abuse
    "add_callback": DESK,
    "complete_callback": DESK,
    "assess_callback": ("supervisor",),  # LA DCFS: the supervisor assesses a message's urgency
    "escalate": DESK,
    "record_clock": DESK,  # an acknowledgement, a written response or a reply made
    "extend_clock": CASEWORKERS,  # an extension: the written notice and the new due date
    "resolve": DOCUMENTERS,
    "close_case": DESK,
    "reassign": ("supervisor",),
    "approve_letter": ("supervisor",),  # reads the draft, approves it or returns it with a note
    "draft_letter": ("specialist", "supervisor"),  # the specialist drafts the letter's text and submits it
    "sign_letter": ("specialist", "supervisor"),  # the specialist signs, attaches and informs the coordinator
    "link_cases": CASEWORKERS,
    "refer": DESK,
    "meeting": DESK,
    "review_case": ("supervisor",),  # the coordinator's quality assurance (LAUSD protocol)
    # A step of the protocol recorded on a case (the profile's [[steps]] may narrow who records each).
    "record_step": DOCUMENTERS,
    # The coordinator keeps the Department Tiers of Responses and Resources (LAUSD protocol, Step 2).
    "keep_resources": ("supervisor",),
    "student_record": ("supervisor", "admin"),  # a parent's inspection of the FERPA record
    "report": ("supervisor", "admin"),
    "approve_report": ("supervisor",),  # the Executive Management Team approves (OC CCTS III.B)
    # SPPR Analyst, Deputy Directors, the Executive Management Team mark their reporting-chain steps (each step's
    # own roles are the profile's `by`).
    "mark_report_step": ("supervisor",),
    "litigation_hold": ("supervisor", "admin"),
    "export_personal": ("admin",),  # unredacted exports and a caller's own data
    "purge": ("admin",),
    "manage_users": ("admin",),
    "maintain_store": ("admin",),
    # The phone system's events, received by a listener signed in as a desk login (a missed call: a callback).
    "record_phone": DESK,
    "phone_log": ("supervisor", "admin"),  # the caller log: every queue's and agent's calls
    "block_number": ("supervisor", "admin"),  # a number whose calls the listener rejects (nuisance, spam)
    # The mailbox: who fetches it opens cases from it (and keeps aside what cannot be read); a case's email out.
    "fetch_mail": ("supervisor", "admin"),
    "send_mail": DESK,
    # The web front (calldesk serve): its accounts and Open311 keys are the admins'; the web front's own login (a
    # desk login) checks a password or a key, which on PostgreSQL the database does (nobody reads the hashes).
    "manage_web": ("admin",),
    "serve_web": DESK,
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
    "assess_callback": "re-assess a message's urgency",
    "resolve": "write resolutions",
    "close_case": "close cases",
    "reassign": "reassign cases",
    "approve_letter": "approve response letters",
    "draft_letter": "draft response letters",
    "sign_letter": "sign response letters and inform the coordinator",
    "link_cases": "merge or link cases",
    "report": "run reports",
    "approve_report": "approve reports",
    "mark_report_step": "mark reporting-chain steps done",
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
    "record_step": "record the protocol's steps on a case",
    "keep_resources": "keep the resource directory",
    "student_record": "print a student's record of consents and disclosures",
    "record_phone": "receive the phone system's events",
    "phone_log": "read the caller log",
    "block_number": "block or unblock callers' numbers",
    "fetch_mail": "fetch the mailbox",
    "send_mail": "send email from a case",
    "manage_web": "manage the web front's accounts and keys",
    "serve_web": "check web sign-ins and Open311 keys",
}

# What each action writes: table -> statements ("i" insert, "u" update, "d" delete, "n" update of the narrative
# columns only, to empty them). `calldesk db grant` gives a PostgreSQL login exactly the union of its role's
# actions' writes (tests/reliability/test_grants.py checks this against what the services write, and that every
# table is named here or in READ_ONLY_TABLES). Every action also appends to the audit trail, `auditevent`:
# everyone inserts there, nobody updates or deletes. Every write to a case's rows bumps the case's version, so the
# case (`cases`, "u") is written too.
WRITES: dict[str, dict[str, str]] = {
    "take_call": {"cases": "iu", "casecounter": "iu", "caselink": "i", "clockevent": "i", "draft": "iud",
                  "callback": "i"},  # "Needs a call back" ticked: the save makes the case's callback
    "edit_case": {"cases": "u", "student": "iu", "draft": "iud"},
    "follow_up": {"cases": "u", "followup": "i", "planstep": "iud"},
    "record_consent": {"cases": "u", "consent": "iu"},
    "disclose": {"cases": "u", "disclosure": "i"},
    # The mark empties the narrative of the case and of every row about it, and its signed letter goes.
    "mark_abuse": {"cases": "u", "followup": "n", "resolution": "n", "escalation": "n", "callback": "n",
                   "referral": "n", "meeting": "n", "qualityreview": "n", "planstep": "n", "clockevent": "n",
                   "casestep": "n", "mailmessage": "n", "attachment": "d", "draft": "ud"},
    "add_callback": {"cases": "u", "callback": "i"},
    "complete_callback": {"cases": "u", "callback": "u"},
    "assess_callback": {"cases": "u", "callback": "u"},
    "escalate": {"cases": "u", "escalation": "i"},
    "record_clock": {"cases": "u", "clockevent": "i"},
    "extend_clock": {"cases": "u", "clockevent": "i"},
    "resolve": {"cases": "u", "resolution": "iu"},
    "close_case": {"cases": "u"},
    "reassign": {"cases": "u", "callback": "u", "app_user": "u"},
    "approve_letter": {"cases": "u", "resolution": "u"},
    "draft_letter": {"cases": "u", "resolution": "u"},
    "sign_letter": {"cases": "u", "resolution": "u", "attachment": "i"},
    "link_cases": {"cases": "u", "caselink": "i"},
    "refer": {"cases": "u", "referral": "i"},
    "meeting": {"cases": "u", "meeting": "iu"},
    "review_case": {"cases": "u", "qualityreview": "i"},
    "record_step": {"cases": "u", "casestep": "i"},
    "keep_resources": {"resource": "iu"},
    "student_record": {},
    "report": {"report": "iu"},
    "approve_report": {"report": "u"},
    "mark_report_step": {"reportstep": "i"},
    "litigation_hold": {"litigationhold": "iud"},
    "export_personal": {},
    "purge": {"*": "iud"},
    "manage_users": {"app_user": "iu"},
    "record_phone": {"phoneevent": "iu", "callback": "i"},
    "phone_log": {},
    "block_number": {"blockednumber": "id"},
    "fetch_mail": {"mailmessage": "i", "cases": "u", "attachment": "i"},  # a new message's case: take_call's writes
    "send_mail": {"mailmessage": "iu", "cases": "u", "clockevent": "i"},  # sent: the acknowledgement's clock met
    "manage_web": {"webaccount": "iud", "webkey": "iu"},  # a revoked key is kept (who issued and revoked it)
    # A sign-in's lockout counters: on PostgreSQL the database's own sign-in function writes them (the web login
    # holds no grant on the accounts: it could reset a count); on SQLite the store's one user.
    "serve_web": {},
    "maintain_store": {"*": "iud"},  # "*": every table (migrations, restores, reference data, demo cases)
}
# Tables no staff action writes: the schema's own revision and the store's keys, written by the owner alone.
READ_ONLY_TABLES = ("alembic_version", "storesecret")
# The protocol's taxonomy: written only in maintaining the store ("*"); the resource directory is the coordinator's.
REFERENCE_TABLES = ("category",)
# Rows nobody deletes: a year's case-number counter (a new row would start the year's numbers again).
NEVER_DELETED = ("casecounter",)
# Columns fixed when the row is made: no login but the owner may UPDATE them (column privileges; every table's
# id too, and the columns naming who made a row: calldesk.store.db.security.AUTHORS).
FIXED_COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": ("id", "case_number", "client_id", "protocol", "opened_by", "opened_at"),
    "auditevent": ("*",),
}
AUDIT_TABLE = "auditevent"
# Columns no login but the owner reads (column privileges): a web password's hash, an API key's digest. The
# database compares them itself (calldesk.store.db.security: calldesk_web_sign_in, calldesk_web_client).
HIDDEN_COLUMNS: dict[str, tuple[str, ...]] = {"webaccount": ("password_hash",), "webkey": ("digest",)}


def writes_of(role: str, tables: list[str] | tuple[str, ...]) -> dict[str, str]:
    """What `role`'s actions write, table -> the statements ("iudn" letters, in that order; "n" only where no
    action of theirs updates the table's other columns), over `tables` (the store's tables: "*" in an action's
    writes stands for every one of them but the read-only ones)."""
    found: dict[str, set[str]] = {}
    for action, roles in PERMISSIONS.items():
        if role not in roles:
            continue
        for table, statements in WRITES[action].items():
            names = [t for t in tables if t not in READ_ONLY_TABLES and t != AUDIT_TABLE] if table == "*" else [table]
            for name in names:
                found.setdefault(name, set()).update(statements)
    for table, letters in found.items():
        if "u" in letters:
            letters.discard("n")
        if table in NEVER_DELETED:
            letters.discard("d")
    return {table: "".join(s for s in "iudn" if s in found[table]) for table in sorted(found)}


def may(role: str, action: str) -> bool:
    """True when `role` may perform `action`."""
    return role in PERMISSIONS.get(action, ())


def why_not(role: str, action: str, *, asked: str | None = None) -> str | None:
    """Why `role` may not perform `action`, in words; None when it may. `asked` words what the person asked for
    when it is not the action itself but is allowed to the action's roles ("see someone else's work")."""
    if may(role, action):
        return None
    allowed = " or ".join(ROLE_LABELS[r] + "s" for r in PERMISSIONS.get(action, ()))
    what = asked or DESCRIPTIONS.get(action, action.replace("_", " "))
    return f"Only {allowed} may {what}; you are signed in as {a_role(role)}."


def require(role: str, action: str, *, asked: str | None = None) -> None:
    """Raise PermissionDenied, in words, when `role` may not perform `action` (`asked`: as in `why_not`)."""
    refusal = why_not(role, action, asked=asked)
    if refusal is not None:
        raise PermissionDenied(refusal)


# Someone else's absence is recorded by who hands their work on (supervisors) or keeps the users (admins); one's
# own by anyone (on PostgreSQL the database's guard on the users table says the same: store.db.security_guards).
OTHERS_ABSENCE = ("reassign", "manage_users")


def require_any(role: str, actions: tuple[str, ...], *, asked: str) -> None:
    """Raise PermissionDenied, in words naming what was `asked`, unless `role` may perform one of `actions`."""
    if any(may(role, action) for action in actions):
        return
    allowed = " or ".join(ROLE_LABELS[r] + "s" for r in ROLES if any(r in PERMISSIONS.get(a, ()) for a in actions))
    raise PermissionDenied(f"Only {allowed} may {asked}; you are signed in as {a_role(role)}.")


def may_hand_down(role: str, current_owner: str, new_owner: str) -> bool:
    """Re-typing a case may move it to a lower owner only for someone of at least the current owner's rank
    (an agent cannot re-type a complaint as an inquiry and then close it)."""
    return role_rank(new_owner) >= role_rank(current_owner) or role_rank(role) >= role_rank(current_owner)


def may_close(role: str, username: str, *, assigned_to: str | None, owner_role: str) -> bool:
    """A case is closed by its assignee, or by someone of at least its owner role's rank."""
    return username == assigned_to or role_rank(role) >= role_rank(owner_role)


def may_mark_closed_case(role: str, username: str, *, people: tuple[str | None, ...]) -> bool:
    """A closed case is marked as suspected abuse (its record emptied) only by someone who worked it (`people`:
    opened, assigned, closed it) or a supervisor."""
    return username in people or role == "supervisor"


# Who sees which cases (README, "Who sees what"): the store applies it to every read and write, and on PostgreSQL
# the database's row-level security says the same (calldesk.store.db.security).
# - all: every case (caseworkers and supervisors work from the whole queue; admins run the store);
# - own: the cases assigned to them, those they opened, those they handed on (until the case moves again), and
#   those waiting in their role's queue (no one assigned);
#   of any other case only a caller's earlier calls, found by the exact phone, email or name being typed, and
#   only their number, date, type, category, school and status;
# - places: the cases about their own schools or departments (respondents).
Scope = Literal["all", "own", "places"]
SCOPES: dict[str, Scope] = {"respondent": "places", "agent": "own", "program_specialist": "all",
                            "specialist": "all", "supervisor": "all", "admin": "all"}
WHOLE_QUEUE = tuple(role for role, scope in SCOPES.items() if scope == "all")


def scope_of(role: str) -> Scope:
    """Which cases `role` sees (an unknown role: only its own)."""
    return SCOPES.get(role, "own")


def sees_whole_queue(role: str) -> bool:
    """True when `role` sees every case in the queue (False: only their own work and their role's queue)."""
    return scope_of(role) == "all"
