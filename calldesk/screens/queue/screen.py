"""The supervisor queue: one screenful of cases at a time (keyset pages from the store), any sort, filters,
search, live as other desks save, and the actions a supervisor takes on what is late."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Header, Input, Static

from calldesk.errors import CalldeskError
from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.rules.reporting import chain_warnings
from calldesk.screens.desk_state import Desk
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.screens.held_keys import hold_keys
from calldesk.screens.queue.dialogs import AssigneeDialog, PromptDialog
from calldesk.screens.queue.lines import QUEUE_HELP, PageRequest, row_cells, summary_line
from calldesk.screens.queue.narrowing import QueueNarrowing
from calldesk.screens.queue.views import Refused, Said
from calldesk.store.read.queue import QueueFilter
from calldesk.widgets.key_line import KeyLine
from calldesk.widgets.queue_table import QueueTable

if TYPE_CHECKING:
    from calldesk.store.read.queue import QueuePage, QueueRow

# The SLA state and the case number come first and stay fixed: they never scroll out of sight at 80 columns.
# The caller's name comes next: in sight without scrolling at 80 columns.
COLUMNS = ("SLA", "Case", "Caller", "Next deadline", "Opened", "Category", "Type/tier", "Assignee", "Language",
           "Source")
# The footer: one line of the keys that matter most (F1 lists them all); a Footer's widget per key cost ~0.1 s.
FOOTER_KEYS = ("queue.open", "queue.assign", "queue.search", "queue.filters", "queue.sort", "queue.next_page",
               "queue.escalate", "queue.trends", "queue.dashboard", "app.help")
LIVE_WAIT = 2.0  # seconds a watch waits before looking again (a change is shown well within 5 s)


class QueueScreen(ReportsWorkerFailures, QueueNarrowing):
    """The base screen of the queue mode."""

    SUB_TITLE = "Supervisor queue"
    AUTO_FOCUS = "QueueTable"
    HELP = QUEUE_HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_case", "Open", id="queue.open", tooltip="Open the highlighted case"),
        # Priority (a, e, f, s, m, /): each acts as it is read, so the keys typed right behind it wait for its dialog's
        # first field (calldesk.screens.held_keys); before, they were the queue's keys (a reason's 'a' assigned).
        # A letter typed in the search box is a letter of it (the box keeps printable keys from these bindings).
        Binding("a", "assign", "Assign", priority=True, id="queue.assign",
                tooltip="Assign or reassign the marked cases, or the highlighted one (supervisors)"),
        Binding("space", "mark", "Mark", id="queue.mark",
                tooltip="Mark or unmark the highlighted case: a assigns every marked case at once (supervisors)"),
        Binding("e", "escalate", "Escalate", priority=True, id="queue.escalate",
                tooltip="Escalate the case one step up the ladder, with a reason"),
        Binding("slash", "search", "Search", priority=True, id="queue.search",  # (acts as read: see action_search)
                tooltip="Search the start of a case number or a caller's name"),
        Binding("f", "filters", "Filter", priority=True, id="queue.filters", tooltip="Filter the queue"),
        Binding("x", "clear_filters", "Clear", id="queue.clear", tooltip="Clear every filter and the search"),
        Binding("s", "sort", "Sort", priority=True, id="queue.sort",
                tooltip="Sort by a column (the same column: reversed)"),
        Binding("t", "trends", "Trends", id="queue.trends",
                tooltip="Repeated issues by school and department; absent staff's callbacks and follow-ups"),
        Binding("g", "dashboard", "Dashboard", id="queue.dashboard",
                tooltip="Volumes by week, category and type, SLA compliance and backlog age, as charts"),
        Binding("m", "monthly_report", "Report", priority=True, id="queue.report",  # (holds the keys after it)
                tooltip="The monthly report and its charts (supervisors)"),
        Binding("v", "reviews", "Reviews", id="queue.reviews", tooltip="Quality reviews per person (supervisors)"),
        Binding("l", "phone_log", "Caller log", id="queue.phone_log",
                tooltip="The phone system's calls per queue and agent: ring, answer, hang-up, missed (supervisors)"),
    ]

    class Loaded(Message):
        def __init__(self, page: QueuePage, request: PageRequest, cursor: str) -> None:
            super().__init__()
            self.page, self.request, self.cursor = page, request, cursor

    class Counted(Message):
        def __init__(self, filters: QueueFilter, total: int, late: tuple[int, int] | None) -> None:
            super().__init__()
            self.filters, self.total, self.late = filters, total, late

    class Changed(Message):
        """Some desk saved a case (seen by the change watch)."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.filters = QueueFilter()
        self.sort, self.descending = "deadline", False
        self.page: QueuePage | None = None
        self.request = PageRequest()
        self.total: int | None = None
        self.late: tuple[int, int] | None = None  # (breached, at risk) under the filters
        self.marked: set[str] = set()  # cases marked for one assignment (supervisors)
        self._stop_watch = threading.Event()
        # Built as F4 is pressed, against the stylesheet as it is now: without this mark showing it would re-parse
        # and re-apply the whole stylesheet first (about 0.4 s), as for a stale screen (cf. app.prepare_next_call).
        self._css_update_count = self.app._css_update_count

    def compose(self) -> ComposeResult:
        yield Header()
        summary = Static("Loading the queue...", id="queue-summary", markup=False)
        summary.styles.height = 1
        yield summary
        # Styles set here, not in CSS: a new stylesheet rule would be parsed on the F4 key press (tenths of a second).
        search = Input(placeholder="the start of a case number or a caller's name; claim: words (Enter)",
                       id="queue-search")
        search.display = False
        yield search
        yield QueueTable(COLUMNS, fixed_columns=2, id="queue")
        yield KeyLine(FOOTER_KEYS, id="queue-keys")

    def on_mount(self) -> None:
        self.watch_store()
        for warning in chain_warnings(self.desk.profile, self.desk.today()) if self.desk.actor.may("report") else ():
            self.notify(warning, title="Profile", severity="warning", markup=False, timeout=20)

    def on_screen_resume(self) -> None:
        self.reload()

    # -- reading pages --------------------------------------------------------------------------------------
    @property
    def page_size(self) -> int:
        """As many rows as the table shows: only the rows on screen are read."""
        height = self.query_one(QueueTable).size.height
        return max(5, height - 1 if height > 1 else self.app.size.height - 5)

    def reload(self, *, recount: bool = True) -> None:
        self.load(self.request, cursor="keep")
        if recount:
            self.count()

    def restart(self) -> None:
        """Filters or the sort changed: back to the first page."""
        self.total = self.late = None
        self.load(PageRequest(), cursor="top")
        self.count()

    @work(thread=True, exclusive=True, group="queue-page", exit_on_error=False)
    def load(self, request: PageRequest, cursor: str = "keep") -> None:
        from calldesk.store.read.queue import queue_page

        with self.desk.store.uow(readonly=True) as uow:
            page = queue_page(uow.session, actor=self.desk.actor, now=self.desk.now(), filters=self.filters,
                              sort=self.sort, descending=self.descending, after=request.after,
                              before=request.before, last=request.last, limit=self.page_size)
        self.post_message(self.Loaded(page, request, cursor))

    @work(thread=True, exclusive=True, group="queue-count", exit_on_error=False)
    def count(self) -> None:
        from calldesk.store.read.queue import queue_count, queue_late

        filters, now = self.filters, self.desk.now()
        with self.desk.store.uow(readonly=True) as uow:
            total = queue_count(uow.session, actor=self.desk.actor, now=now, filters=filters)
            late = queue_late(uow.session, actor=self.desk.actor, now=now, filters=filters)
        self.post_message(self.Counted(filters, total, late))

    def watch_store(self) -> None:
        """Every open queue follows the store: a change by any desk reloads the page on screen. A plain daemon
        thread rather than a worker: it never ends while the screen lives, and workers are waited for."""
        self._stop_watch = threading.Event()
        threading.Thread(target=self._watch, args=(self._stop_watch,), name="queue-watch", daemon=True).start()

    def _watch(self, stop: threading.Event) -> None:
        from calldesk.store.db.changes import ChangeWatch

        try:
            with ChangeWatch(self.desk.store.engine) as watch:
                while not stop.is_set():
                    if watch.wait(LIVE_WAIT) and not stop.is_set():
                        self.post_message(self.Changed())
        except Exception as exc:  # the store went away: the queue still works, only not live
            if not stop.is_set():
                self.post_message(Said(f"The queue is no longer live: {type(exc).__name__}.", "warning"))

    def on_unmount(self) -> None:
        self._stop_watch.set()

    @on(Changed)
    def _changed(self) -> None:
        if self.is_current:
            self.reload()

    @on(Said)
    def _said(self, event: Said) -> None:
        self.notify(event.text, severity=event.severity, markup=False)  # type: ignore[arg-type]
        if event.changed:
            self._changed()

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        if event.action == "assign":
            self._ask_assignee(event.numbers, event.reason)
        else:
            self._ask_reason(event.numbers[0], event.typed, event.reason)

    @on(QueueTable.PageWanted)
    def _page_wanted(self, event: QueueTable.PageWanted) -> None:
        page = self.page
        if page is None:
            return
        offset = self.request.offset
        if event.which == "next" and not page.at_end and page.rows:
            step = None if offset is None else offset + len(page.rows)
            self.load(PageRequest(after=page.rows[-1].key(self.sort), offset=step), cursor="top")
        elif event.which == "previous" and not page.at_start and page.rows:
            self.load(PageRequest(before=page.rows[0].key(self.sort), offset=None), cursor="bottom")
        elif event.which == "first":
            self.load(PageRequest(), cursor="top")
        elif event.which == "last":
            self.load(PageRequest(last=True, offset=None), cursor="bottom")

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        page, request = event.page, event.request
        if request.offset is None:  # known again from the total once a page touches either end
            if page.at_start:
                request.offset = 0
            elif page.at_end and self.total is not None:
                request.offset = max(0, self.total - len(page.rows))
            elif request.before is not None and self.request.offset is not None:
                request.offset = max(0, self.request.offset - len(page.rows))
        self.page, self.request = page, request
        self._draw({"top": 0, "bottom": len(page.rows) - 1}.get(event.cursor))

    def _draw(self, cursor: int | None = None) -> None:
        """The page on screen (cursor: where it goes; None: on the case it was on, wherever the case moved (just
        assigned or escalated), else the same line) and the summary above it."""
        table, calendar = self.query_one(QueueTable), calendar_for(self.desk.profile)
        rows = self.page.rows if self.page is not None else []
        keys = [row.case_number for row in rows]
        if cursor is None:
            was = table.row_keys[table.cursor_row] if table.cursor_row < len(table.row_keys) else None
            cursor = keys.index(was) if was in keys else table.cursor_row
        year = self.desk.today().year
        table.show([row_cells(row, calendar, marked=row.case_number in self.marked, this_year=year) for row in rows],
                   keys, cursor=cursor)
        self._summarise()

    @on(Counted)
    def _counted(self, event: Counted) -> None:
        if event.filters == self.filters:
            self.total, self.late = event.total, event.late
            if self.request.offset is None and self.page is not None and self.page.at_end:
                self.request.offset = max(0, event.total - len(self.page.rows))
            self._summarise()

    def _summarise(self) -> None:
        text = summary_line(self.page, offset=self.request.offset, total=self.total, filters=self.filters,
                            sort=self.sort, descending=self.descending, marked=len(self.marked), late=self.late)
        self.query_one("#queue-summary", Static).update(inert(text))

    # -- actions on the highlighted case --------------------------------------------------------------------

    def _highlighted(self) -> QueueRow | None:
        table = self.query_one(QueueTable)
        if self.page is None or not self.page.rows or table.cursor_row >= len(self.page.rows):
            self.notify("No case is highlighted.", severity="warning")
            return None
        return self.page.rows[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys a role may not use are not offered (the services refuse them anyway).
        needs = {"monthly_report": "report", "dashboard": "report", "trends": "report", "assign": "reassign",
                 "mark": "reassign", "phone_log": "phone_log", "reviews": "review_case"}
        if action in needs and self.desk.ready:
            return self.desk.actor.may(needs[action])
        return True

    def action_open_case(self) -> None:
        row = self._highlighted()
        if row is None:
            return
        from calldesk.screens.case.open import open_case_screen

        open_case_screen(self, row.case_number)

    def action_mark(self) -> None:
        row = self._highlighted()
        if row is None:
            return
        self.marked ^= {row.case_number}
        self._draw()

    def action_assign(self, error: str = "") -> None:
        row = self._highlighted() if not self.marked else None
        numbers = sorted(self.marked) if self.marked else ([row.case_number] if row is not None else [])
        if numbers:
            hold_keys(self)  # (the staff are read first)
            self._ask_assignee(numbers, error)

    @work(exclusive=True, group="queue-dialog")
    async def _ask_assignee(self, numbers: list[str], error: str) -> None:
        from calldesk.screens.case import store as case_store

        staff = await self.run_worker(lambda: case_store.staff(self.desk), thread=True).wait()
        shown = ", ".join(numbers[:3]) + (f" and {len(numbers) - 3} more" if len(numbers) > 3 else "")
        title = f"Assign case {shown}" if len(numbers) == 1 else f"Assign {len(numbers)} cases: {shown}"
        chosen = await self.app.push_screen_wait(AssigneeDialog(title, staff or [], error=error))
        if isinstance(chosen, str):
            self.assign(numbers, chosen)

    @work(thread=True, exclusive=True, group="queue-action", exit_on_error=False)
    def assign(self, numbers: list[str], to_user: str) -> None:
        """One assignment of every marked case (one service call, one commit): all of them, or none with the
        reason shown in the picker again."""
        from calldesk.store.services.assignments import assign_cases

        try:
            with self.desk.store.uow() as uow:
                done = assign_cases(uow, actor=self.desk.actor, case_numbers=numbers, to_user=to_user)
        except CalldeskError as refusal:
            self.post_message(Refused("assign", numbers, to_user, refusal.message))
            return
        self.marked.difference_update(numbers)
        which = done[0].case_number if len(done) == 1 else f"{len(done)} cases"
        self.post_message(Said(f"{which} now {to_user}'s.", changed=True))

    def action_escalate(self) -> None:
        row = self._highlighted()
        if row is not None:
            hold_keys(self)  # the reason typed right after e is the dialog's
            self._ask_reason(row.case_number)

    @work(exclusive=True, group="queue-dialog")
    async def _ask_reason(self, case_number: str, value: str = "", error: str = "") -> None:
        typed = await self.app.push_screen_wait(PromptDialog(
            f"Escalate case {case_number} one step up the ladder", "Why (recorded with who and when):",
            value=value, error=error))
        if isinstance(typed, str):
            self.escalate(case_number, typed)

    @work(thread=True, exclusive=True, group="queue-action", exit_on_error=False)
    def escalate(self, case_number: str, typed: str) -> None:
        """Escalate, one service call (one commit); a refusal re-opens the form with the text kept."""
        from calldesk.screens.queue.lines import escalated_words
        from calldesk.store.services.escalation import escalate

        try:
            with self.desk.store.uow() as uow:
                done = escalate(uow, actor=self.desk.actor, profile=self.desk.profile, case_number=case_number,
                                reason=typed)
            message = escalated_words(self.desk.profile, done)
        except CalldeskError as refusal:
            self.post_message(Refused("escalate", [case_number], typed, refusal.message))
            return
        self.post_message(Said(message, changed=True))
