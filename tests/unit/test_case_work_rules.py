"""Which work on a case a person may do now, and why not (calldesk.rules.case_work.may_work), from the seeds'
profiles: the role first, then the case's state, then the protocol."""

from __future__ import annotations

from calldesk.profiles import load_profile
from calldesk.rules.case_work import WORK, CaseFacts, Offer, may_work

LAUSD, ROCHESTER, AREA = load_profile("lausd"), load_profile("rochester"), load_profile("area_offices")
OPEN = CaseFacts("2026-000001", "open")
CLOSED = CaseFacts("2026-000001", "closed")


def test_the_role_decides_first_in_the_permissions_words() -> None:
    offer = may_work("merge", role="agent", profile=LAUSD, case=OPEN)
    assert offer == Offer(False, "Only program specialists or specialists or supervisors may merge or link cases; "
                                 "you are signed in as an agent.")
    assert may_work("merge", role="supervisor", profile=LAUSD, case=OPEN).allowed
    # The store's only user acts in every role (a one-person office): the case and the protocol still decide.
    assert may_work("merge", role="admin", profile=LAUSD, case=OPEN, sole=True).allowed
    assert not may_work("escalate", role="admin", profile=LAUSD, case=CLOSED, sole=True).allowed
    # The letter: a specialist drafts and signs, a supervisor approves; an agent does neither.
    assert may_work("letter", role="specialist", profile=LAUSD, case=OPEN).allowed
    assert not may_work("letter", role="agent", profile=LAUSD, case=OPEN).allowed


def test_a_closed_or_merged_case_and_the_protocol() -> None:
    assert may_work("escalate", role="agent", profile=LAUSD, case=CLOSED) == Offer(False, "Case 2026-000001 is closed.")
    # Appeal, merge, review and the FERPA record are not refused for a closed case as such.
    assert {a for a, rule in WORK.items() if not rule.open_only} == {"appeal", "merge", "review", "student_record"}
    # Area Offices sets a five-school-day appeal window; LAUSD none.
    assert may_work("appeal", role="agent", profile=AREA, case=CLOSED).allowed
    assert may_work("appeal", role="agent", profile=LAUSD, case=CLOSED).reason.endswith("sets no written appeal.")
    merged = CaseFacts("2026-000002", "closed", merged_into="2026-000001")
    assert may_work("merge", role="supervisor", profile=LAUSD, case=merged).reason == \
        "Case 2026-000002 was merged into 2026-000001: work 2026-000001 instead."
    # Rochester's ladder has three rungs: at level 3 there is none above.
    top = CaseFacts("2026-000003", "open", escalation_level=len(ROCHESTER.ladder))
    assert "at the top of the" in may_work("escalate", role="agent", profile=ROCHESTER, case=top).reason
    assert may_work("escalate", role="agent", profile=ROCHESTER, case=OPEN).allowed
    # Rochester has no response letter; a meeting's outcome needs a meeting; the FERPA record a student.
    assert "no response letter" in may_work("letter", role="specialist", profile=ROCHESTER, case=OPEN).reason
    assert not may_work("meeting_outcome", role="agent", profile=LAUSD, case=OPEN).allowed
    assert may_work("meeting_outcome", role="agent", profile=LAUSD,
                    case=CaseFacts("2026-000001", "open", meetings=1)).allowed
    assert not may_work("student_record", role="supervisor", profile=LAUSD, case=OPEN).allowed


def test_a_letter_line_with_nothing_after_its_separator_ends_before_it() -> None:
    """LAUSD's "Re: Case {case_number} - {school}" on a case with no school reads "Re: Case 2026-000149", not
    "... - -"; a missing value elsewhere still reads '-'."""
    from calldesk.profiles import load_profile
    from calldesk.rules.letter import fill_template

    template = load_profile("lausd").letter_template
    filled = fill_template(template, {"case_number": "2026-000149", "school": "", "caller_name": "Ana Ruiz"})
    assert "Re: Case 2026-000149\n" in filled and "- -" not in filled
    with_school = fill_template(template, {"case_number": "2026-000149", "school": "Roosevelt High"})
    assert "Re: Case 2026-000149 - Roosevelt High\n" in with_school
