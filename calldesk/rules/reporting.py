"""Reporting periods, the monthly reporting chain in business days, SLA outcomes and safe spreadsheet cells.

Pure: the store aggregates the numbers in SQL; this module says which dates, which buckets, which words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from calldesk.errors import InvalidInput
from calldesk.rules.calendar import OpenCalendar, calendar_for
from calldesk.rules.profile import CALL_TYPES, Profile
from calldesk.rules.shown import day_words
from calldesk.rules.typed_dates import check_year

CALL_TYPE_LABELS = {"compliment": "Compliment", "inquiry": "Question/inquiry", "concern": "Concern",
                    "complaint": "Complaint"}
# A case counts as breached (closed late, or open and breached) when a clock (acknowledgement, written response,
# reply) was met after its due time: a report counts what was recorded, not the hour it is run at. "no_target":
# closed, but the profile defines no deadline for it (a compliment, a tier with no resolution target): neither met
# nor breached.
SLA_OUTCOMES = ("on_time", "late", "breached", "open", "no_target")
SLA_LABELS = {"on_time": "Closed on time", "late": "Closed late", "breached": "Open, a deadline met late",
              "open": "Still open", "no_target": "Closed, no target set"}


def sla_outcome(*, status: str, closed_at: datetime | None, resolve_by: datetime | None, late_clocks: int) -> str:
    """A case's SLA outcome for reports (the store states the same rule in SQL): open and breached when a clock was
    met late, else still open; closed late when a clock was met late; closed with no deadline the profile defines:
    no target; closed by its resolve-by date: on time; else closed late."""
    if status == "open":
        return "breached" if late_clocks > 0 else "open"
    if late_clocks > 0:
        return "late"
    if resolve_by is None:
        return "no_target"
    return "on_time" if closed_at is not None and closed_at <= resolve_by else "late"

# The dimensions every monthly report counts by, in the order it shows them.
DIMENSIONS = ("call_type", "category", "channel", "place", "tier", "source", "sla")
DIMENSION_LABELS = {"call_type": "Call type", "category": "Category", "channel": "Channel",
                    "place": "School or department", "tier": "Tier", "source": "Source", "sla": "SLA outcome"}
SOURCE_LABELS = {"none": "Caller", "superintendent": "Superintendent's office", "board": "Board",
                 "ceo": "Executive office"}
FINAL_STEP = "report_submitted"
StepState = Literal["done", "done_late", "overdue", "due", "upcoming"]
STEP_STATE_LABELS = {"done": "done", "done_late": "done late", "overdue": "overdue", "due": "due",
                     "upcoming": "upcoming"}
# OWASP CSV injection: a spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Period:
    """A reporting month or quarter: its label ("2026-10", "2026Q3") and its first and last local days."""

    kind: Literal["monthly", "quarterly"]
    label: str
    first: date
    last: date

    def bounds(self, profile: Profile) -> tuple[datetime, datetime]:
        """[start, end) of the period in UTC, the local days of the agency's time zone."""
        tz = profile.tz
        start = datetime.combine(self.first, datetime.min.time(), tzinfo=tz)
        end = datetime.combine(self.last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def months(self) -> list[Period]:
        """The months the period covers (itself for a month)."""
        if self.kind == "monthly":
            return [self]
        return [month_period(f"{self.first.year}-{self.first.month + i:02d}") for i in range(3)]


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def month_period(text: str) -> Period:
    """The month "YYYY-MM"; InvalidInput otherwise."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-10.", field="month")
    year, month = int(match.group(1)), int(match.group(2))
    check_year(year, text, "the month", "month")
    return Period("monthly", f"{year}-{month:02d}", date(year, month, 1), _month_end(year, month))


def months_ending(day: date, count: int) -> list[Period]:
    """The `count` months ending with the month of `day`, oldest first."""
    months = []
    year, month = day.year, day.month
    for _ in range(count):
        months.append(month_period(f"{year}-{month:02d}"))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def previous_month(today: date) -> Period:
    """The month before `today`'s: the one whose report is being prepared."""
    return months_ending(today.replace(day=1) - timedelta(days=1), 1)[0]


def quarter_period(text: str) -> Period:
    """The quarter "YYYYQn" (Q1 = January to March); InvalidInput otherwise."""
    match = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*", text or "")
    if not match:
        raise InvalidInput(f"'{text}' is not a quarter; write it as YYYYQn, e.g. 2026Q3.", field="quarter")
    year, quarter = int(match.group(1)), int(match.group(2))
    check_year(year, text, "the quarter", "quarter")
    first_month = 3 * quarter - 2
    return Period("quarterly", f"{year}Q{quarter}", date(year, first_month, 1), _month_end(year, first_month + 2))


def period_from_label(label: str) -> Period:
    """A period from its stored label, month or quarter."""
    return quarter_period(label) if "Q" in label.upper() else month_period(label)


@dataclass(frozen=True)
class ChainDate:
    """One dated step of the reporting chain; `by` are the roles who mark it done."""

    step: str
    label: str
    due: date
    by: tuple[str, ...]


def _nth_business_day(calendar: OpenCalendar, year: int, month: int, n: int) -> date:
    day = calendar.open_day_on_or_after(date(year, month, 1))
    for _ in range(n - 1):
        day = calendar.next_open_day(day)
    return day


def _last_business_day(calendar: OpenCalendar, year: int, month: int) -> date:
    day = _month_end(year, month)
    while not calendar.is_open_day(day):
        day -= timedelta(days=1)
    return day


def monthly_chain(profile: Profile, period: Period) -> list[ChainDate]:
    """The reporting chain for a month, as dates counted in business days (federal holidays skipped).

    The profile's steps come first; the approved report is due on `monthly_report_due_day` of the next month,
    or the business day before it when that day is closed ("by the 10th").
    """
    calendar = calendar_for(profile, day_kind="business")
    month = period.months()[-1]
    year, number = month.first.year, month.first.month
    next_year, next_month = (year + 1, 1) if number == 12 else (year, number + 1)
    dates: list[ChainDate] = []
    for step in profile.report_chain:
        if step.due == "last_business_day":
            due = _last_business_day(calendar, year, number)
        else:
            assert step.day is not None  # the profile validator requires it
            due = _nth_business_day(calendar, next_year, next_month, step.day)
        dates.append(ChainDate(step.step, step.label, due, tuple(step.by)))
    final = date(next_year, next_month, profile.monthly_report_due_day)
    while not calendar.is_open_day(final):
        final -= timedelta(days=1)
    dates.append(ChainDate(FINAL_STEP, "The approved report is submitted", final, tuple(profile.report_submitted_by)))
    return dates


def quarterly_chain(profile: Profile, received: date) -> list[ChainDate]:
    """The quarterly chain from the day the CEO's quarterly report was received, each step counted in business
    days from the one before (OC CCTS III.B: reviewed within 2, approved within 5)."""
    calendar = calendar_for(profile, day_kind="business")
    dates: list[ChainDate] = []
    day = received
    for step in profile.quarterly_chain:
        for _ in range(step.business_days):
            day = calendar.next_open_day(day)
        dates.append(ChainDate(step.step, step.label, day, tuple(step.by)))
    return dates


@dataclass(frozen=True)
class StepDone:
    """A step marked done: by whom, and the local day it was done."""

    by: str
    on: date


@dataclass(frozen=True)
class StepStatus:
    """Where a chain step stands today: done (on time or late, by whom, when), overdue, due or upcoming."""

    step: str
    label: str
    due: date
    state: StepState
    done_by: str | None = None
    done_on: date | None = None
    days_late: int = 0  # done after its date, or still not done past it: by how many days
    this_year: int | None = None  # the reader's year: another year's day says it (rules.shown)

    @property
    def words(self) -> str:
        """The step's state in a few words: "done by sue on Thu 12 Nov, 2 days late", "overdue by 3 days"."""
        late = f"{self.days_late} day{'s' if self.days_late != 1 else ''} late"
        if self.done_on is not None:
            done = f"done by {self.done_by} on {day_words(self.done_on, this_year=self.this_year)}"
            return f"{done}, {late}" if self.state == "done_late" else done
        if self.state == "overdue":
            return f"overdue, {late}"
        return STEP_STATE_LABELS[self.state]


def chain_status(chain: list[ChainDate], *, today: date, done: Mapping[str, StepDone]) -> list[StepStatus]:
    """Each step done only when someone marked it done (`done`: step -> who and when; never inferred from a
    report existing), done late when marked after its date, overdue when past its date and not done, due (the
    next one still ahead) or upcoming."""
    statuses: list[StepStatus] = []
    next_found = False
    for step in chain:
        marked = done.get(step.step)
        if marked is not None:
            late = max(0, (marked.on - step.due).days)
            statuses.append(StepStatus(step.step, step.label, step.due, "done_late" if late else "done",
                                       marked.by, marked.on, late, this_year=today.year))
            continue
        if today > step.due:
            state: StepState = "overdue"
        elif not next_found:
            state, next_found = "due", True
        else:
            state = "upcoming"
        statuses.append(StepStatus(step.step, step.label, step.due, state,
                                   days_late=(today - step.due).days if state == "overdue" else 0,
                                   this_year=today.year))
    return statuses


def find_step(chain: list[ChainDate], step: str) -> ChainDate:
    """The chain's step named `step`; InvalidInput naming the steps there are."""
    for found in chain:
        if found.step == step:
            return found
    if not chain:  # (LAUSD has no quarterly chain: "the steps are ." said nothing)
        raise InvalidInput(f"'{step}' is not a step: this protocol has no reporting chain for that period.",
                           field="step")
    raise InvalidInput(f"'{step}' is not a step of this chain; the steps are {', '.join(s.step for s in chain)}.",
                       field="step")


def chain_out_of_order(chain: list[ChainDate]) -> list[tuple[ChainDate, ChainDate]]:
    """(step, earlier step) pairs where a step falls due before a step the chain puts before it."""
    found: list[tuple[ChainDate, ChainDate]] = []
    for index, step in enumerate(chain):
        latest = max(chain[:index], key=lambda s: s.due, default=None)
        if latest is not None and step.due < latest.due:
            found.append((step, latest))
    return found


def chain_warnings(profile: Profile, today: date, *, years: int = 2) -> list[str]:
    """Warnings, in words, for each month (January of `today`'s year, for `years` years) whose reporting chain has
    a step due before an earlier step (OC CCTS, December 2026: the approved report by Fri 8 Jan 2027, the draft
    Mon 11 Jan), so the profile's people can agree on the dates before the month comes."""
    warnings: list[str] = []
    for offset in range(12 * years):
        year, month = today.year + offset // 12, offset % 12 + 1
        period = month_period(f"{year}-{month:02d}")
        for step, earlier in chain_out_of_order(monthly_chain(profile, period)):
            warnings.append(f"{profile.name} reporting chain for {period.first:%B %Y}: \"{step.label}\" is due "
                            f"{day_words(step.due, this_year=today.year)}, before \"{earlier.label}\" "
                            f"({day_words(earlier.due, this_year=today.year)}).")
    return warnings


def retention_cutoff(today: date, years: int) -> date:
    """The day `years` years before `today` (28 February for 29 February in a common year)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def neutralise(value: Any) -> str:
    """A spreadsheet cell that cannot run as a formula: text starting with = + - @ tab or CR gets a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Difference:
    """A count that changed since the report was approved."""

    dimension: str
    key: str
    approved: int
    now: int


def differences(approved: Mapping[str, Any], current: Mapping[str, Any]) -> list[Difference]:
    """Counts that differ between an approved report's frozen numbers and a re-run."""
    found: list[Difference] = []
    before_counts, now_counts = approved.get("counts", {}), current.get("counts", {})
    for dimension in DIMENSIONS:
        before, now = before_counts.get(dimension, {}), now_counts.get(dimension, {})
        for key in sorted(set(before) | set(now)):
            if before.get(key, 0) != now.get(key, 0):
                found.append(Difference(dimension, key, int(before.get(key, 0)), int(now.get(key, 0))))
    if approved.get("total") != current.get("total"):
        found.insert(0, Difference("total", "reportable cases", int(approved.get("total", 0)),
                                   int(current.get("total", 0))))
    return found


def every_call_type(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts by call type with every type present (zero when none), in the protocol's order."""
    return {call_type: int(counts.get(call_type, 0)) for call_type in CALL_TYPES}
