"""A case on the terminal for `calldesk case ...`: stored (UTC) moments in the agency's time zone and `case show`'s
tables. Used by `cli/cases.py` and `cli/case_find.py` (which registers its commands on the `case` app: the helpers live
here so neither imports the other back)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from calldesk.cli.output import print_table
from calldesk.cli.times import due_text, moment_text
from calldesk.rules.profile import Profile

if TYPE_CHECKING:
    from calldesk.store.read.search import CaseView


# The case's deadlines (the rest of its times are moments something happened).
DEADLINES = frozenset({"respond_by", "acknowledge_by", "next_follow_up_by", "resolve_by", "resolve_max",
                       "next_deadline"})


def print_case_view(profile: Profile, view: CaseView) -> None:
    """`case show`: the case's fields, then its follow-ups, response, students, disclosures and links."""
    case = view.case
    rows = []
    for key, value in case.model_dump().items():
        if value in (None, "", False):
            continue
        if isinstance(value, datetime):
            value = due_text(profile, value) if key in DEADLINES else moment_text(profile, value)
        rows.append((key, value))
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
