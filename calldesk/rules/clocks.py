"""Clocks that can be met: an acknowledgement, a written response, a reply to a follow-up inquiry; extensions.

The case row holds each clock's *pending* due time (the queue sorts on the soonest); a clock that is met no
longer counts, an extended one counts from its new due date. The history (who met it, when, the written notice
of an extension) is kept as clock events; these functions turn that history back into the pending due times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.rules.calendar import calendar_for, require_aware
from calldesk.rules.profile import Profile
from calldesk.rules.triage import format_due, intake_due

ClockKind = Literal["acknowledge", "written_response", "reply"]
CLOCK_KINDS: tuple[ClockKind, ...] = ("acknowledge", "written_response", "reply")
# kind -> the case column holding its pending due time
CLOCK_COLUMNS: dict[str, str] = {"acknowledge": "acknowledge_by", "written_response": "respond_by",
                                 "reply": "respond_by"}
CLOCK_WORDS: dict[str, str] = {"acknowledge": "acknowledgement", "written_response": "written response",
                               "reply": "reply", "intake": "intake"}
# A reply answers an inquiry that needed follow-up; a written response answers a concern or complaint.
_TIERS_OF: dict[str, frozenset[str]] = {
    "reply": frozenset({"inquiry_followup", "inquiry_immediate"}),
    "written_response": frozenset({"concern", "complaint"}),
    "acknowledge": frozenset({"inquiry_followup", "inquiry_immediate", "concern", "complaint"}),
}
EXTENDABLE: tuple[ClockKind, ...] = ("acknowledge", "written_response", "reply")


@dataclass(frozen=True)
class ClockMark:
    """One recorded event of a clock: met, or extended to `new_due`."""

    kind: str
    event: Literal["met", "extended", "missed"]
    new_due: datetime | None = None


def check_clock(kind: str, *, tier: str | None, due: datetime | None, case_number: str) -> None:
    """Refuse (in words) meeting or extending a clock the case does not run."""
    if kind not in CLOCK_COLUMNS:
        raise InvalidInput(f"'{kind}' is not a clock: acknowledge, written_response or reply.", field="clock")
    words = CLOCK_WORDS[kind]
    if tier is None or tier not in _TIERS_OF[kind]:
        kind_of = (tier or "compliment").replace("_", " ")
        raise RuleRefused(f"Case {case_number} is a {kind_of}: it has no {words} clock.")
    if due is None:
        raise RuleRefused(f"Case {case_number} has no {words} pending (already met, or the protocol sets none).")


def extended_due(profile: Profile, *, current: datetime, new_day: date, notice: str) -> datetime:
    """The new due moment of an extension: the end of `new_day` (an open day, later than the current due);
    the written notice to the constituent is required (Area Offices)."""
    if not notice.strip():
        raise InvalidInput("An extension needs the written notice sent to the constituent.", field="notice")
    calendar = calendar_for(profile)
    if not calendar.is_open_day(new_day):
        raise InvalidInput(f"{new_day:%a %d %b %Y} is not an open day; pick a {profile.day_kind} day.",
                           field="new_due")
    moment = calendar.end_of_day(new_day)
    if moment <= require_aware(current, "current due time"):
        raise InvalidInput("The new due date must be later than the current one "
                           f"({calendar.local(current):%a %d %b %Y}).", field="new_due")
    return moment


def settle(deadlines: Mapping[str, datetime | None], marks: Iterable[ClockMark]) -> dict[str, datetime | None]:
    """The case's pending due times once its recorded clock events are applied (in the order recorded):
    a met clock is no longer due, an extended one is due at its new time."""
    settled = dict(deadlines)
    for mark in marks:
        column = CLOCK_COLUMNS.get(mark.kind)
        if column is None:
            continue
        settled[column] = None if mark.event == "met" else mark.new_due if mark.event == "extended" \
            else settled.get(column)
    return settled


def intake_late(due: datetime, logged_at: datetime) -> bool:
    """True when a call (or imported row) is logged after its intake deadline."""
    return require_aware(logged_at, "logging time") > require_aware(due, "intake deadline")


DRIVING_COLUMNS = ("respond_by", "acknowledge_by", "next_follow_up_by", "resolve_by")


def next_deadline(status: str, due: Mapping[str, datetime | None]) -> datetime | None:
    """The queue's sort key: the soonest pending deadline of an open case (`due`: a case's DRIVING_COLUMNS)."""
    if status != "open":
        return None
    pending = [d for d in (due.get(name) for name in DRIVING_COLUMNS) if d]
    return min(pending) if pending else None


def missed_intake(profile: Profile, opened_at: datetime, logged_at: datetime) -> tuple[datetime, str] | None:
    """A call received at `opened_at` and logged at `logged_at` (a late-logged call, an imported row): None when
    on time, else its intake deadline and the note the case keeps ("Logged late: received ..., by ...")."""
    due = intake_due(profile, opened_at)
    if not intake_late(due, logged_at):
        return None
    local = calendar_for(profile).local
    return due, (f"Logged late: received {format_due(local(opened_at), with_time=True)}, to be logged within "
                 f"{profile.intake_within} (by {format_due(local(due), with_time=True)}).")
