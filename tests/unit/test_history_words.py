"""The History tab in words (rules.history): audit events as sentences, worked out by hand from real events'
shape (calldesk.store.db.audit.HistoryEntry: field -> (old, new) as the trail stores them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from calldesk.rules.history import event_sentence, history_sentences

LA = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 11, 23)
AT = datetime(2026, 11, 23, 18, 5, tzinfo=UTC)  # 10:05 in Los Angeles (PST, UTC-8), Mon 23 Nov


@dataclass(frozen=True)
class Event:
    action: str
    changes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    actor: str = "ana"
    at: datetime = AT
    case_number: str = "2026-000001"


def said(event: Event) -> str:
    return event_sentence(event, tz=LA, today=TODAY, names={"ana": "Ana"})


def test_a_change_of_call_type_reads_as_a_sentence_with_the_persons_name() -> None:
    assert said(Event("case.update", {"call_type": ("inquiry", "complaint")})) == (
        "Ana changed the call type from inquiry to complaint.")


def test_several_changes_in_one_save_are_one_sentence_and_the_stores_own_fields_are_left_out() -> None:
    # A save that turned an inquiry into a complaint: the store also re-routed it (tier, owner, assignee), moved
    # the derived next deadline and its search keys; a person reads the fields they know, tiers by their labels.
    event = Event("case.update", {
        "next_deadline": ("2026-12-08T07:59:59+00:00", "2026-12-08T23:59:59-08:00"),
        "school": (None, "Garfield High"), "tier": ("inquiry_immediate", "complaint"),
        "assigned_to": ("ana", "sam"), "phone": ("(personal data: see the record)", "(personal data: see the record)"),
        "assigned_at": ("2026-12-07T07:20:58+00:00", "2026-12-07T07:20:59+00:00"),
        "call_type": ("inquiry", "complaint"),
        "claim": ("[text 54 chars hmac:ded4]", "[text 11 chars hmac:9ede]"),
        "phone_digits": ("(personal data: see the record)", "(personal data: see the record)"),
        # 2026-12-28 23:59:59 in Los Angeles: a day deadline, the end of Mon 28 Dec.
        "resolve_by": ("2026-12-08T08:00:00+00:00", "2026-12-28T23:59:59-08:00"),
        "routing_notes": ("Inquiry (immediate): handled by an agent.", "Complaint: handled by a specialist."),
    })
    # What she typed first, in the record's order; what calldesk worked out from it (triage, routing, the
    # clocks) after, as calldesk's doing.
    assert said(event) == (
        "Ana set the school involved to Garfield High, changed the call type from inquiry to complaint and changed "
        "the claim. Calldesk then changed the tier from Inquiry (immediate) to Complaint, assigned it to sam and "
        "set the resolution deadline to end of Mon 28 Dec.")


def test_narrative_and_personal_data_are_never_shown_only_said_to_have_changed() -> None:
    assert said(Event("case.update", {"claim": (None, "[text 54 chars hmac:ab]")})) == "Ana wrote the claim."
    assert said(Event("case.update", {"caller_name": ("(personal data: see the record)", "(personal data: x)")})) == (
        "Ana changed the caller's name.")
    assert said(Event("case.update", {"evidence": ("[removed: suspected abuse]", "")})) == "Ana cleared the evidence."


def test_ticks_deadlines_status_and_actions_in_words() -> None:
    assert said(Event("case.update", {"urgent": ("False", "True")})) == "Ana ticked urgent."
    assert said(Event("case.update", {"respond_by": ("2026-12-08T07:59:59+00:00", None)})) == (
        "Ana removed the response deadline.")
    # 23:00 UTC on 30 Nov is 15:00 in Los Angeles: an hour deadline keeps its time.
    assert said(Event("case.update", {"respond_by": (None, "2026-11-30T23:00:00+00:00")})) == (
        "Ana set the response deadline to Mon 30 Nov 15:00.")
    assert said(Event("case.close", {"status": ("open", "closed")})) == "Ana closed the case."
    assert said(Event("followup.add", {"done": (None, "[text 6 chars hmac:3b]")})) == (
        "Ana added a follow-up entry: wrote the follow-up entry.")
    assert said(Event("case.retriage", {"tier": ("inquiry_immediate", "complaint")})) == (
        "Ana re-triaged the case: changed the tier from Inquiry (immediate) to Complaint.")
    assert said(Event("case.update", {"owner_role": ("agent", "specialist")})) == (
        "Ana changed the owning role from an agent to a specialist.")


def test_an_opened_case_and_the_lines_with_local_times_and_merged_cases() -> None:
    opened = Event("case.open", {"call_type": (None, "inquiry"), "tier": (None, "inquiry_immediate"),
                                 "category": (None, "Enrollment"), "assigned_to": (None, "ana"),
                                 "caller_name": (None, "(personal data: see the record)")})
    merged = Event("case.update", {"call_type": ("concern", "complaint")}, actor="sam",
                   at=datetime(2025, 11, 3, 17, 0, tzinfo=UTC), case_number="2025-000009")
    lines = history_sentences([opened, merged], this_case="2026-000001", tz=LA, today=TODAY, names={"ana": "Ana"})
    assert lines == [
        "Mon 23 Nov 10:05  Ana opened the case: Inquiry (immediate) about Enrollment, assigned to ana.",
        # 17:00 UTC on 3 Nov 2025 is 09:00 in Los Angeles (PST); last year, so the year is said.
        "Mon 3 Nov 2025 09:00 (on merged case 2025-000009)  sam changed the call type from concern to complaint.",
    ]


def test_stored_text_is_inert_in_the_sentences() -> None:
    assert said(Event("case.update", {"school": (None, "Evil\x1b[2J High")})) == (
        "Ana set the school involved to Evil\\x1b[2J High.")
