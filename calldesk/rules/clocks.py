"""Clocks that can be met: an acknowledgement, a written response, a reply to a follow-up inquiry; extensions.

The case row holds each clock's *pending* due time (the queue sorts on the soonest); a clock that is met no
longer counts, an extended one counts from its new due date. The history (who met it, when, the written notice
of an extension) is kept as clock events; these functions turn that history back into the pending due times.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from calldesk.errors import InvalidInput, RuleRefused
from calldesk.rules.calendar import END_OF_DAY, calendar_for, require_aware
from calldesk.rules.profile import Profile
from calldesk.rules.shown import day_words, due_words
from calldesk.rules.triage import format_due, intake_due

ClockKind = Literal["acknowledge", "written_response", "reply"]
# kind -> the case column holding its pending due time
CLOCK_COLUMNS: dict[str, str] = {"acknowledge": "acknowledge_by", "written_response": "respond_by",
                                 "reply": "respond_by"}
CLOCK_WORDS: dict[str, str] = {"acknowledge": "acknowledgement", "written_response": "written response",
                               "reply": "reply", "intake": "intake", "letter": "response letter"}
# A reply answers an inquiry that needed follow-up; a written response answers a concern or complaint.
_TIERS_OF: dict[str, frozenset[str]] = {
    "reply": frozenset({"inquiry_followup", "inquiry_immediate"}),
    "written_response": frozenset({"concern", "complaint"}),
    "acknowledge": frozenset({"inquiry_followup", "inquiry_immediate", "concern", "complaint"}),
}


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


def extended_due(profile: Profile, *, current: datetime, new_day: date, notice: str, today: date) -> datetime:
    """The new due moment of an extension: the end of `new_day` (an open day, later than the current due);
    the written notice to the constituent is required (Area Offices). Refusals say the days as rules.shown does
    (the year when not `today`'s)."""
    if not notice.strip():
        raise InvalidInput("An extension needs the written notice sent to the constituent.", field="notice")
    calendar = calendar_for(profile)
    if not calendar.is_open_day(new_day):
        raise InvalidInput(f"{day_words(new_day, this_year=today.year)} is not an open day; pick a "
                           f"{profile.day_kind} day.", field="new_due")
    moment = calendar.end_of_day(new_day)
    if moment <= require_aware(current, "current due time"):
        raise InvalidInput("The new due date must be later than the current one "
                           f"({due_words(calendar.local(current), this_year=today.year)}).", field="new_due")
    return moment


# What else an extension of a clock covers: the written response (or reply) is the resolution, so the resolution
# dates the profile sets move with it; an acknowledgement's extension moves only itself.
EXTENSION_COVERS: dict[str, tuple[str, ...]] = {"acknowledge": (), "written_response": ("resolve_by", "resolve_max"),
                                                "reply": ("resolve_by", "resolve_max")}


def extension_moves(kind: str, moment: datetime, deadlines: Mapping[str, datetime | None]) -> dict[str, datetime]:
    """The other deadlines an extension of `kind` to `moment` moves: each the profile set for the case (not None)
    that falls before the new date moves to it, so an extended case is not breached before its new date."""
    return {name: moment for name in EXTENSION_COVERS.get(kind, ())
            if deadlines.get(name) is not None and deadlines[name] < moment}  # type: ignore[operator]


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


def met_late(profile: Profile, *, due: datetime | None, met_at: datetime) -> str | None:
    """How late a clock met at `met_at` was, in words ("32 school days late", "5 hours late"), or None when it was
    met on time. Whole open days of the profile's kind past the due day; within the first, open hours."""
    if due is None or require_aware(met_at, "time met") <= require_aware(due, "due time"):
        return None
    calendar = calendar_for(profile)
    # A deadline at a midnight ends the day before: its lateness counts from that day.
    last_day = calendar.local(due) - timedelta(microseconds=1) if calendar.local(due).time() == time.min \
        else calendar.local(due)
    days = calendar.open_days_between(last_day, met_at)
    if days >= 1:
        return f"{days} {profile.day_kind} day{'s' if days != 1 else ''} late"
    hours = max(1, math.ceil((met_at - due).total_seconds() / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''} late"


def lateness_note(profile: Profile, kind: str, *, due: datetime, met_at: datetime) -> str:
    """The words a late clock keeps: "Acknowledgement met late: due Wed 2 Dec 2026, met Fri 15 Jan (29 school days
    late)" (rules.shown's days: a year other than the one it was met in is said); "" when met on time."""
    late = met_late(profile, due=due, met_at=met_at)
    if late is None:
        return ""
    local = calendar_for(profile).local
    year = local(met_at).year
    return (f"{CLOCK_WORDS.get(kind, kind).capitalize()} met late: due {_shown(local(due), year)}, met "
            f"{format_due(local(met_at), with_time=False, this_year=year)} ({late}).")


def _shown(moment: datetime, this_year: int) -> str:
    return format_due(moment, with_time=moment.time() != END_OF_DAY, this_year=this_year)


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
    year = local(logged_at).year  # (the note is kept: a year other than the one it was logged in is said)
    received, by = (format_due(local(moment), with_time=True, this_year=year) for moment in (opened_at, due))
    return due, f"Logged late: received {received}, to be logged within {profile.intake_within} (by {by})."


@dataclass(frozen=True)
class ClockRecord:
    """One stored clock event, as the logs read it."""

    kind: str
    event: str  # met | extended | missed
    due_at: datetime | None
    new_due_at: datetime | None
    at: datetime
    note: str = ""


def clock_log_values(profile: Profile, *, acknowledge_by: datetime | None, respond_by: datetime | None,
                     events: Iterable[ClockRecord]) -> dict[str, str]:
    """What the tracking logs show of a case's clocks, as local dates: when it was to be acknowledged (kept once
    acknowledged), when it was acknowledged, when the written response is (or was) due (the extended date once
    extended), the extension (new date and the written notice, as stored: the caller redacts), and each clock met
    late with how late."""
    local = calendar_for(profile).local
    day = lambda moment: local(moment).date().isoformat() if moment else ""  # noqa: E731
    ack_due, ack_met, written_due = acknowledge_by, None, respond_by
    extensions: list[str] = []
    late: list[str] = []
    for record in events:
        if record.event == "met":
            if record.kind == "acknowledge":
                ack_due, ack_met = record.due_at, record.at
            elif respond_by is None and record.kind != "letter":  # (LAUSD's letter: due at the resolution target)
                written_due = record.due_at
            lateness = met_late(profile, due=record.due_at, met_at=record.at)
            if lateness is not None:
                late.append(f"{CLOCK_WORDS.get(record.kind, record.kind)} {lateness}")
        elif record.event == "extended" and record.new_due_at is not None:
            extensions.append(f"{CLOCK_WORDS.get(record.kind, record.kind)} extended to {day(record.new_due_at)}: "
                              f"{record.note}")
    return {"acknowledge_by": day(ack_due), "acknowledged_on": day(ack_met), "written_response_due": day(written_due),
            "extension": "; ".join(extensions), "met_late": "; ".join(late)}
