"""The queue's pages and lines: which page is on screen, a case's cells (the SLA state and the number first), and
the summary above them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text

from calldesk.rules.display import inert
from calldesk.rules.profile import TIER_LABELS, role_label
from calldesk.rules.shown import day_words
from calldesk.rules.triage import format_due
from calldesk.screens.queue.dialogs import SORT_LABELS

if TYPE_CHECKING:
    from calldesk.store.read.queue import QueueFilter, QueuePage, QueueRow


# The queue's F1 help.
QUEUE_HELP = ("Open cases, the most urgent deadline first; the SLA column says BREACHED (!!), at risk (!, due within "
              "a day) or on track (ok) in words, not only in colour. Page down / page up or the arrows past the edge "
              "move a page, Home and End the first and the last page, left / right the columns. / searches the start "
              "of a case number or of a caller's name (claim: words searches the claims, more slowly); space marks "
              "cases and a assigns them all to one person at once; f "
              "filters (assignee, tier, category, school or department, SLA state, language, source, open or "
              "closed); x clears them; s sorts by any column (again: reversed). Enter opens the case, a assigns it, "
              "e escalates it. t shows trends and absent staff's work, g the dashboard, m the monthly report, v the "
              "quality reviews per person, l the caller log (the phone system's calls). The queue updates by itself "
              "when any desk saves a case. An agent sees only their own work here.")


@dataclass
class PageRequest:
    """Which page is on screen, so a live refresh reads the same one again."""

    after: tuple[Any, int] | None = None
    before: tuple[Any, int] | None = None
    last: bool = False
    offset: int | None = 0  # the first row's place in the queue (None: not known)
    extra: dict[str, Any] = field(default_factory=dict)


def row_cells(row: QueueRow, calendar: Any, *, marked: bool, this_year: int) -> list[str | Text]:
    """One case's cells (`marked`: picked for one assignment, shown with a leading *; a deadline in another year
    than `this_year` says its year); stored text inert."""
    state = row.sla
    due = "no deadline" if row.next_deadline is None else format_due(calendar.local(row.next_deadline),
                                                                      with_time=True, this_year=this_year)
    kind = TIER_LABELS.get(row.tier or "", row.call_type.capitalize())
    return [Text(f"{state.symbol} {state.label}", style=state.style),
            Text(("* " if marked else "") + row.case_number, style=state.style),
            Text(inert(row.caller_name or "")),  # stored text is never read as markup
            due, day_words(calendar.local(row.opened_at).date(), this_year=this_year),
            Text(inert(row.category or "")), kind,
            row.assigned_to or f"({role_label(row.owner_role)})", Text(inert(row.language)), row.source]


def summary_line(page: QueuePage | None, *, offset: int | None, total: int | None, filters: QueueFilter, sort: str,
                 descending: bool, marked: int, late: tuple[int, int] | None = None) -> str:
    """The line above the queue: whose cases, which rows of how many, how many breached and at risk (`late`), the
    order, the marks, the filters."""
    rows = len(page.rows) if page else 0
    where = "" if page is None or page.whole_queue else "your work, "
    span = "no cases"
    if rows:
        span = f"rows {offset + 1:,}-{offset + rows:,}" if offset is not None else f"{rows} rows"
        span += f" of {total:,}" if total is not None else ""
    order = f"{SORT_LABELS[sort]} {'down' if descending else 'up'}"
    shown = [f"{k}={v}" for k, v in vars(filters).items() if v and k not in ("status", "search")]
    if filters.search:
        shown.append(f"search '{filters.search}'")
    text = f"{where}{filters.status} cases, {span}"
    if late is not None:
        text += f" | {late[0]:,} breached, {late[1]:,} at risk"
    text += f" | by {order}"
    if marked:
        text += f" | {marked} marked (a assigns them)"
    if shown:
        text += " | " + ", ".join(shown)
    return text


def escalated_words(profile: Any, case: Any) -> str:
    """What an escalation did: the rung the case went to, and whom it is with now."""
    from calldesk.rules.escalation import escalation_step

    rung = escalation_step(profile, case.escalation_level)
    return (f"Case {case.case_number} escalated to {rung.title if rung else f'level {case.escalation_level}'}"
            + (f", now with {case.assigned_to}." if case.assigned_to else "."))
