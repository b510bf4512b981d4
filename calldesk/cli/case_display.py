"""A case on the terminal for `calldesk case ...`: stored (UTC) moments in the agency's time zone and `case show`'s
tables. Used by `cli/cases.py` and `cli/case_find.py` (which registers its commands on the `case` app: the helpers live
here so neither imports the other back)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from calldesk.cli.output import print_table
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import Profile
from calldesk.rules.triage import format_due

if TYPE_CHECKING:
    from calldesk.store.read.search import CaseView


def local_time(profile: Profile, moment: datetime | None) -> str:
    """A stored (UTC) moment as people read it, in the agency's time zone: "Wed 25 Nov 23:59"."""
    return format_due(calendar_for(profile).local(moment), with_time=True) if moment else ""


def print_case_view(profile: Profile, view: CaseView) -> None:
    """`case show`: the case's fields, then its follow-ups, response, students, disclosures and links."""
    case = view.case
    rows = []
    for key, value in case.model_dump().items():
        if value in (None, "", False):
            continue
        rows.append((key, local_time(profile, value) if isinstance(value, datetime) else value))
    print_table(f"Case {case.case_number}", ["field", "value"], rows, whole=("field",))
    if view.follow_ups:
        print_table("Follow-ups", ["when", "by", "done", "pending"],
                    [(local_time(profile, f.entry_at), f.by_user, f.done, f.pending) for f in view.follow_ups])
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
                    [(local_time(profile, d.disclosed_at), d.recipient, d.records, d.basis, d.disclosed_by)
                     for d in view.disclosures])
    if view.links:
        print_table("Links", ["kind", "case", "way"], [(link.kind, link.other, link.direction) for link in view.links],
                    whole=("case",))
