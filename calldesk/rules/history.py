"""A case's history in words: the audit trail's events as sentences a person reads ("Ana changed the call type
from inquiry to complaint"), not the trail's raw field names and stored values.

Fields are named as the case record's tabs label them; values are shown as people see them elsewhere: tiers and
roles by their labels, deadlines as rules.shown writes them, ticks as ticked or unticked. What the trail keeps only
as a fingerprint (narrative text, personal data, a narrative removed after an abuse mark) is said to have changed,
never shown. Fields the store derives for itself (search keys, the next deadline, timestamps) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, tzinfo
from typing import Protocol

from calldesk.rules.display import inert
from calldesk.rules.mail import MAIL_KIND_WORDS
from calldesk.rules.profile import TIER_LABELS, a_role
from calldesk.rules.shown import due_words, moment_words


class Event(Protocol):
    """One audit event of a case (calldesk.store.db.audit.HistoryEntry has this shape)."""

    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def changes(self) -> Mapping[str, tuple[str | None, str | None]]: ...
    @property
    def case_number(self) -> str: ...


# The case record's fields as its tabs name them (lower case: they sit inside a sentence).
FIELD_LABELS: dict[str, str] = {
    "caller_name": "caller's name", "relationship": "relationship", "phone": "phone", "email": "email",
    "preferred_contact": "preferred contact", "language": "preferred language", "channel": "channel",
    "source": "came-from", "school": "school involved", "department": "department involved",
    "category": "category", "subcategory": "subcategory", "call_type": "call type", "tier": "tier",
    "claim": "claim", "evidence": "evidence", "steps_taken": "steps already taken",
    "steps_confirmed": "steps confirmed", "due_process": "due process", "special_education": "special education",
    "safety": "safety or security", "urgent": "urgent", "needs_follow_up": "needs a call back",
    "owner_role": "owning role", "assigned_to": "assignee", "status": "status", "close_reason": "reason for closing",
    "escalation_level": "escalation level", "reportable": "reportable", "route_to": "routed to",
    "respond_by": "response deadline", "acknowledge_by": "acknowledgement deadline",
    "next_follow_up_by": "follow-up deadline", "resolve_by": "resolution deadline", "resolve_max": "latest resolution",
    "done": "follow-up entry", "pending": "pending step", "response": "response", "outcome": "outcome",
    "alleged_violation": "alleged violation", "letter_status": "letter", "abuse_marked": "suspected abuse mark",
}
DEADLINES = frozenset({"respond_by", "acknowledge_by", "next_follow_up_by", "resolve_by", "resolve_max"})
# What calldesk itself works out from what was typed (triage, routing, the clocks): told after the person's own
# changes, as calldesk's doing.
CONSEQUENCES = ("tier", "owner_role", "assigned_to", "reportable", "route_to", "respond_by", "acknowledge_by",
                "next_follow_up_by", "resolve_by", "resolve_max")
# Kept by the store for itself: not news to a person reading the case.
UNSHOWN = frozenset({"next_deadline", "assigned_at", "previous_assignee", "phone_digits", "caller_name_key",
                     "caller_name_words", "client_id", "protocol", "case_number", "opened_at", "opened_by",
                     "routing_notes", "late_clocks", "version", "updated_at", "closed_at", "id", "case_id"})
# What the trail stores in place of a value it must not keep (fingerprints, personal data, a removed narrative).
HIDDEN_MARKS = ("[text ", "(personal data", "[removed")
# What an action did, when its changes alone do not say it.
ACTION_WORDS: dict[str, str] = {
    "case.open": "opened the case", "case.close": "closed the case", "case.reassign": "reassigned the case",
    "case.retriage": "re-triaged the case", "case.merge": "merged a duplicate into the case",
    "case.link": "linked the case to another", "case.refer": "referred the case", "case.escalate": "escalated the case",
    "case.appeal": "recorded an appeal", "case.review": "reviewed the case", "case.step": "recorded a protocol step",
    "case.abuse_marked": "marked the call as suspected child abuse", "followup.add": "added a follow-up entry",
    "plan.set": "set the plan and its timeline", "resolution.update": "wrote the resolution",
    "letter.draft": "drafted the response letter", "letter.submit": "submitted the response letter for approval",
    "letter.withdraw": "took the response letter back from approval",
    "letter.return": "returned the response letter", "letter.approve": "approved the response letter",
    "letter.attach": "attached the signed response letter", "meeting.schedule": "scheduled a resolution meeting",
    "meeting.outcome": "recorded the meeting's outcome", "student.add": "recorded a student",
    "student.disclose": "recorded a disclosure of student records", "consent.record": "recorded a consent",
    "consent.revoke": "recorded a consent's revocation", "callback.add": "took a message to call back",
    "callback.done": "returned the callback", "callback.attempt": "tried to call back",
    "callback.reassign": "handed the callback on", "callback.assess": "re-assessed the callback's urgency",
    "clock.meet": "met a deadline", "clock.extend": "extended a deadline",
    "clock.intake_missed": "logged the call late",
    "case.trail_scrubbed": "removed the narrative's traces from the history",
    "caller.erase": "erased the caller's data",
    "caller.export": "exported the caller's data", "hold.place": "placed a litigation hold",
    "hold.release": "released a litigation hold",
}


def _hidden(value: str | None) -> bool:
    return value is not None and value.startswith(HIDDEN_MARKS)


def _value(name: str, value: str, *, tz: tzinfo, today: date) -> str:
    """A stored value as people read it."""
    if name in DEADLINES or name.endswith("_at"):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return inert(value, lines=False)
        if moment.tzinfo is None:
            return inert(value, lines=False)
        return due_words(moment.astimezone(tz), this_year=today.year)
    if name == "tier":
        return TIER_LABELS.get(value, value)
    if name == "owner_role":
        return a_role(value)
    return inert(value.replace("_", " ") if value.isidentifier() else value, lines=False)


def field_clause(name: str, old: str | None, new: str | None, *, tz: tzinfo, today: date) -> str | None:
    """What changing field `name` from `old` to `new` did, as a clause ("changed the call type from inquiry to
    complaint"); None when nothing a person would see changed."""
    if name in UNSHOWN or (old or "") == (new or ""):
        return None
    label = FIELD_LABELS.get(name, name.replace("_", " "))
    if old in ("True", "False") or new in ("True", "False"):
        return f"{'ticked' if new == 'True' else 'unticked'} {label}"
    if name == "status":
        return {"closed": "closed the case", "open": "reopened the case"}.get(new or "", f"set the status to {new}")
    if name == "assigned_to":
        return f"assigned it to {inert(new, lines=False)}" if new else "left it unassigned"
    if _hidden(old) or _hidden(new):
        return f"wrote the {label}" if not old else (f"cleared the {label}" if not new else f"changed the {label}")
    if name in DEADLINES:
        if not new:
            return f"removed the {label}"
        return f"set the {label} to {_value(name, new, tz=tz, today=today)}"
    if not old:
        return f"set the {label} to {_value(name, new or '', tz=tz, today=today)}"
    if not new:
        return f"cleared the {label}"
    return (f"changed the {label} from {_value(name, old, tz=tz, today=today)} to "
            f"{_value(name, new, tz=tz, today=today)}")


def _listed(clauses: list[str]) -> str:
    return clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]


# The email out from a case (calldesk.store.services.mail_out): its trail names the message's kind
# (written_response...).
MAIL_WORDS = {"mail.queued": "queued the {what} to the constituent by email",
              "mail.sent": "sent the {what} to the constituent by email",
              "mail.failed": "could not send the {what} by email (the mail server refused it; it stays queued)"}


def event_sentence(event: Event, *, tz: tzinfo, today: date, names: Mapping[str, str] | None = None) -> str:
    """One event as a sentence naming who did what: "Ana changed the call type from inquiry to complaint.";
    `names` gives people's full names by user name (else the user name)."""
    who = inert((names or {}).get(event.actor) or event.actor, lines=False)
    changes = event.changes
    if event.action in MAIL_WORDS:
        kind = changes.get("kind", (None, None))[1] or ""
        what = MAIL_KIND_WORDS.get(kind, "email")
        return f"{who} {MAIL_WORDS[event.action].format(what=inert(what, lines=False))}."
    if event.action == "case.open":
        kind = changes.get("tier", (None, None))[1] or changes.get("call_type", (None, None))[1] or ""
        about = changes.get("category", (None, None))[1]
        owner = changes.get("assigned_to", (None, None))[1]
        said = "opened the case" + (f": {TIER_LABELS.get(kind, kind)}" if kind else "")
        said += f" about {inert(about, lines=False)}" if about else ""
        said += f", assigned to {inert(owner, lines=False)}" if owner else ""
        return f"{who} {said}."
    order = {name: i for i, name in enumerate(FIELD_LABELS)}
    typed = sorted((n for n in changes if n not in CONSEQUENCES), key=lambda n: order.get(n, len(order)))
    clauses = [c for name in typed if (c := field_clause(name, *changes[name], tz=tz, today=today)) is not None]
    worked_out = [c for name in CONSEQUENCES if name in changes
                  and (c := field_clause(name, *changes[name], tz=tz, today=today)) is not None]
    then = f" Calldesk then {_listed(worked_out)}." if worked_out else ""
    verb = ACTION_WORDS.get(event.action)
    if event.action.startswith("db."):  # the database's own record of a change made outside calldesk
        verb = "changed the record outside calldesk (directly in the database)"
    if event.action in ("case.update", "case.save") or (verb is None and (clauses or worked_out)):
        if not clauses:  # only a clock or the routing changed (a follow-up moved the clock, an assignment)
            return f"{who} {_listed(worked_out)}." if worked_out else f"{who} saved the case (nothing shown changed)."
        return f"{who} {_listed(clauses)}.{then}"
    if verb is None:
        verb = "did " + event.action.replace(".", " ").replace("_", " ")
    clauses = [c for c in clauses + worked_out if c != verb]  # "closed the case: closed the case"
    return f"{who} {verb}" + (f": {_listed(clauses)}." if clauses else ".")


def history_sentences(events: Iterable[Event], *, this_case: str, tz: tzinfo, today: date,
                      names: Mapping[str, str] | None = None) -> list[str]:
    """The case's history, oldest first, one line an event: when (the agency's time), on which case when it is
    a case merged into this one, and the sentence."""
    lines = []
    for event in events:
        where = f" (on merged case {event.case_number})" if event.case_number not in ("", this_case) else ""
        lines.append(f"{moment_words(event.at, tz=tz, today=today)}{where}  "
                     f"{event_sentence(event, tz=tz, today=today, names=names)}")
    return lines
