"""A case on the terminal for `calldesk case ...`: stored (UTC) moments in the agency's time zone and `case show`'s
tables. Used by `cli/cases.py` and `cli/case_find.py` (which registers its commands on the `case` app: the helpers live
here so neither imports the other back)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from calldesk.cli.output import print_table
from calldesk.cli.times import due_text, moment_text
from calldesk.rules.history import FIELD_LABELS
from calldesk.rules.profile import TIER_LABELS, Profile, role_label
from calldesk.rules.shown import phone_words
from calldesk.rules.vocabulary import choice_words

if TYPE_CHECKING:
    from calldesk.store.read.search import CaseView


# The case's deadlines (the rest of its times are moments something happened).
DEADLINES = frozenset({"respond_by", "acknowledge_by", "next_follow_up_by", "resolve_by", "resolve_max",
                       "next_deadline"})
CHOICES = frozenset({"relationship", "preferred_contact", "channel", "source"})  # the intake form's fixed choices
UNSHOWN = frozenset({"id"})  # the row's own key: no command takes it


def field_name(name: str) -> str:
    """A case field as its tab names it ("caller_name" -> "Caller's name"), for `case show`'s first column."""
    label = FIELD_LABELS.get(name, name.replace("_", " "))
    return label[:1].upper() + label[1:]


def stored_words(name: str, value: object) -> str:
    """A stored value of a case or a user as the desk says it: a tier, a role, a fixed choice and a yes/no in
    words, a phone as the caller would write it; anything else as stored (the table makes it inert)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if name == "tier":
        return TIER_LABELS.get(text, text)
    if name in ("owner_role", "role"):
        return role_label(text)
    if name in CHOICES:
        return choice_words(text)
    if name == "phone":
        return phone_words(text)
    return text


def print_case_view(profile: Profile, view: CaseView) -> None:
    """`case show`: the case's fields, then its follow-ups, response, students, disclosures and links."""
    case = view.case
    rows = []
    for key, value in case.model_dump().items():
        if value in (None, "", False) or key in UNSHOWN:
            continue
        if isinstance(value, datetime):
            value = due_text(profile, value) if key in DEADLINES else moment_text(profile, value)
        rows.append((field_name(key), stored_words(key, value)))
    print_table(f"Case {case.case_number}", ["field", "value"], rows, whole=("field",))
    if view.follow_ups:
        print_table("Follow-ups", ["when", "by", "done", "pending"],
                    [(moment_text(profile, f.entry_at), f.by_user, f.done, f.pending) for f in view.follow_ups])
    if view.resolution is not None:
        res = view.resolution
        print_table("Resolution", ["field", "value"],
                    [(k, v) for k, v in (("response", res.response), ("outcome", res.outcome),
                                         ("alleged violation", res.alleged_violation),
                                         ("letter", res.letter_status)) if v])
    if view.students:
        print_table("Students", ["name", "id", "school"],
                    [(s.name, s.student_ref, s.school) for s in view.students])
    if view.disclosures:
        print_table("Disclosures", ["when", "to", "records", "basis", "by"],
                    [(moment_text(profile, d.disclosed_at), d.recipient, d.records, d.basis, d.disclosed_by)
                     for d in view.disclosures])
    if view.links:
        print_table("Links", ["kind", "case", "way"], [(link.kind, link.other, link.direction) for link in view.links],
                    whole=("case",))
