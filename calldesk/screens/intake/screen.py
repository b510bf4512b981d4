"""Take a live call: the five-tab case record, the caller's earlier calls, and the protocol's rules as you type.

The store is only touched from thread workers (so typing never stutters); they post messages back here.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, Header, Input, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from calldesk.errors import CalldeskError
from calldesk.rules.calendar import federal_holidays, holidays_loaded
from calldesk.rules.repeat import REPEAT_INPUTS, PriorCase, detect_repeat
from calldesk.rules.routing import ROUTING_INPUTS, route
from calldesk.screens.desk_state import Desk
from calldesk.screens.failures import as_refusal
from calldesk.screens.held_keys import FieldReady
from calldesk.screens.intake import call as intake_call
from calldesk.screens.intake.abuse import ABUSE_STOP, CallAbuse
from calldesk.screens.intake.call import DRAFT_CASE, Call, DraftWriter
from calldesk.screens.intake.messages import CallerLooked, CaseResumed
from calldesk.widgets.banner import Banner
from calldesk.widgets.call_bar import CallBar
from calldesk.widgets.call_information import CallInformation
from calldesk.widgets.caller_details import NOT_SAVED
from calldesk.widgets.caller_history import CallerHistory
from calldesk.widgets.debounce import Debouncer
from calldesk.widgets.follow_up import FollowUp
from calldesk.widgets.intake_form import TABS, IntakeForm
from calldesk.widgets.key_line import KeyLine
from calldesk.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    pass

LOOKUP_FIELDS = frozenset({"caller_name", "phone", "email"})
# The preview is the store's routing and repeat rules on the form: it changes when what they read does.
PREVIEW_FIELDS = ROUTING_INPUTS | REPEAT_INPUTS
# The fields the consent gate reads (who calls, about whose records): a change asks it again.
CONSENT_GATE_INPUTS = frozenset({"relationship", "caller_name", "records_asked"})
# Below 100 columns the footer gives way to these, whole (F1 and ctrl+p list every key).
NARROW_KEYS = ("intake.save", "intake.save_close", "intake.abuse", "intake.next_tab", "app.help", "intake.leave",
               "intake.history")


class IntakeScreen(CallAbuse):
    """One call at a time, from the first word to the saved (or closed) case; then the next call, on the same
    screen (emptied, and drawn out of sight while the agent waits), never a new screen per call."""

    SUB_TITLE = "New call"
    # on_mount puts the agent in the first field; Textual's auto focus would focus the tab strip first, and each
    # move of the focus restyles the form's focus-within rules and rebuilds the footer's keys.
    AUTO_FOCUS = ""  # not None: None means the app's default ("*")
    # Below 100 columns the earlier calls give the form their room (F8 shows them).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    HELP = ("Take the call tab by tab: Caller Details, Call Information, Confidentiality, Follow-Up, Resolution. "
            "Tab moves through the fields in order, Enter moves on from a one-line field; alt+1..5, F6/F7 or "
            "ctrl+page up/down switch tabs from any field and put you in the tab's first field. Topic finds the "
            "category and subcategory from a word (\"bus\"). The caller's earlier calls appear on the right as you "
            "type a phone, email or name (F8 shows or hides them; ctrl+o opens one). Everything typed is kept "
            "as a draft, before and "
            "after the case is saved with ctrl+s; F10 saves and closes. Words that may point to abuse are named in "
            "the call bar; F9 (or ctrl+b) marks suspected child abuse at any moment: the hotline and form are shown "
            "and nothing about it is written here. ctrl+r opens the resource directory. Escape leaves the call "
            "(a saved case is saved again, an unsaved call stays a draft).")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="intake.save", tooltip="Save the case (opened on the first save)"),
        Binding("f10", "save_and_close", "Save+close", id="intake.save_close",
                tooltip="Save the case and close it (answered during the call)"),
        Binding("f9,ctrl+b", "abuse", "Abuse", id="intake.abuse",
                tooltip="Suspected child abuse: hotline, form, do not document"),
        Binding("ctrl+r", "resources", "Resources", priority=True, id="intake.resources",  # (holds the keys after it)
                tooltip="Search the resource directory; the entry goes into the response"),
        Binding("escape", "leave", "Leave call", id="intake.leave", tooltip="Leave the call (unsaved: kept as draft)"),
        Binding("f8", "toggle_history", "History", show=False, id="intake.history",
                tooltip="Show or hide the caller's earlier calls"),
        Binding("ctrl+o", "open_earlier", "Earlier call", show=False, priority=True, id="intake.open_earlier",
                tooltip="Open one of the caller's earlier calls (Enter on it); Escape comes back to this call"),
        # Tab keys are priority bindings: a text box never takes them (TextArea would select text with F6/F7).
        *[Binding(f"alt+{n}", f"show_tab('{pane}')", title, show=False, priority=True, id=f"intake.tab_{n}",
                  tooltip=f"Go to the {title} tab") for n, (pane, title) in enumerate(TABS, start=1)],
        # F-keys reach the app in every terminal; alt+digit and ctrl+page keys do not everywhere.
        Binding("f7", "next_tab(1)", "Next tab", priority=True, id="intake.next_tab"),
        Binding("ctrl+pagedown", "next_tab(1)", "Next tab", show=False, priority=True, id="intake.next_tab_page"),
        Binding("f6", "next_tab(-1)", "Previous tab", show=False, priority=True, id="intake.previous_tab"),
        Binding("ctrl+pageup", "next_tab(-1)", "Previous tab", show=False, priority=True,
                id="intake.previous_tab_page"),
        Binding("ctrl+q", "quit_call", "Quit", show=False, id="intake.quit",
                tooltip="Quit calldesk (asks first when the call has unsaved changes)"),
        # Priority: focus moves the moment Tab is read, so keys typed right after it (while the screen is busy)
        # land in the next field, not this one.
        Binding("tab", "app.focus_next", show=False, priority=True, id="intake.next_field"),
        Binding("enter", "move_on", show=False, priority=True, id="intake.move_on"),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True, id="intake.previous_field"),
    ]
    LOOKUP_DELAY = 0.3
    ABUSE_SCAN_DELAY = 0.8
    RESTYLE_ON_RESUME = False  # shown call after call: restyled only when the stylesheet changed (FreshScreen)

    def __init__(self, desk: Desk, *, client_id: str | None = None, values: dict[str, Any] | None = None,
                 in_call: bool = True) -> None:
        """`in_call` False: built ahead of the next call (begin_call starts it)."""
        super().__init__()
        self.desk = desk
        self.in_call = in_call
        self._take(client_id, values)
        self._debounce = Debouncer(self)
        self.prepared = not in_call  # drawn out of sight for the next call (on_idle)
        self.calendar_ready = False  # the holiday tables the deadlines need are loaded
        self._announced = False  # every tab is mounted and _form_ready has run
        self.ready_at = 0.0  # time.monotonic() when it was (the agent types from then on)
        self._ended_workers: set[Worker[Any]] = set()  # of calls that have ended: their failures are not this call's

    def _take(self, client_id: str | None, values: dict[str, Any] | None) -> None:
        """The call's state: a new call, or a resumed draft's (`values`)."""
        values = dict(values or {})
        started = values.pop("call_started", None)
        opened_at = datetime.fromisoformat(started) if isinstance(started, str) else self.desk.now()
        client_id = client_id or uuid.uuid4().hex
        self.call = Call(client_id, opened_at, DraftWriter(self.desk, client_id),
                         abuse_marked=bool(values.pop("abuse_marked", 0)))
        self.resumed_case: str | None = values.pop(DRAFT_CASE, None)  # unsaved changes to a saved case
        self.resumed = values
        self.priors: list[PriorCase] = []
        self.saving = False
        self.saved_form: dict[str, Any] | None = None  # the form as the case last saved it
        self._saving_form: dict[str, Any] = {}
        self.leave_when_saved = False  # Escape (or ctrl+n) came during a save

    # ---- layout -----------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The width class now, as the first Resize would set it: set then, it would restyle every widget of the
        # form once more just as the call comes on screen (0.1-0.2 s).
        width = self.app.size.width
        for minimum, name in reversed(self.HORIZONTAL_BREAKPOINTS):
            if width >= minimum:
                self.set_class(True, name)
                break
        yield Header()
        yield CallBar(self.desk.clock, self.call.opened_at, self.desk.profile.intake_prompt)
        yield Banner(id="abuse-banner")
        yield Banner(id="repeat-banner")
        yield Banner(id="refusal-banner")
        with Horizontal(id="intake-body"):
            self._form = IntakeForm(self.desk.profile)  # kept: a query for it walks the whole screen
            yield self._form
            yield CallerHistory(self.desk.profile, id="caller-history")
        yield SteadyFooter(compact=True)
        yield KeyLine(NARROW_KEYS, id="narrow-keys")

    class Opened(FieldReady):
        """The first field has focus: keys typed since ctrl+n can be delivered (the app held them)."""

    class FormReady(Message):
        """Every tab of the call's form is mounted (the app opens the store after this, not during it, and loads
        the holiday tables when the agent first pauses: `load_calendar`)."""

        def __init__(self, at: float) -> None:
            super().__init__()
            self.at = at  # time.monotonic() when the form came up: the agent types from then on

    @property
    def form_ready(self) -> bool:
        """Every tab of the form is mounted, and the screen has heard so (it has started the call's rules)."""
        return self._announced

    def on_mount(self) -> None:
        first = self.query("#caller_name")
        if first:
            self.set_focus(first.first())  # now, not after the keys queued behind ctrl+n
        self.post_message(self.Opened(self))

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        self.prepared = False  # on show now (FreshScreen skips the restyle of a first showing)
        super()._on_screen_resume(event)
        for bar in self.query(CallBar):  # (its timer stood still while the screen was out of sight)
            bar.show_time()

    def on_idle(self) -> None:
        # Prepared out of sight: lay it out and render it now, while the agent waits, so that showing it is one
        # paint of what is already drawn (Textual lays out and renders only the screen on show, on ctrl+n).
        if self.prepared and not self.is_current and self.is_attached and self.form_ready:
            size = self.app.size
            if self._layout_required or self._dirty_widgets or self._size != size:
                self._layout_required = False
                self._refresh_layout(size)
                self._compositor.render_update(full=True)
                self._dirty_widgets.clear()

    class CallEnded(Message):
        """The call was saved and closed, or left: the screen is empty again, ready for the next call."""

    def begin_call(self, *, client_id: str | None = None, values: dict[str, Any] | None = None) -> None:
        """The screen, ready ahead of the call, takes it (a resumed draft's `values`): its clock starts now."""
        self.in_call = True
        if client_id is not None or values:
            self._take(client_id, values)
        else:
            self.call.opened_at = self.desk.now()
        if self._form is None:
            return  # ctrl+n came before it was built: its clock starts with this time, on_mount focuses
        self.query_one(CallBar).restart(self.call.opened_at)
        if self.form.query("#caller_name"):  # (else its tab is still mounting: _form_ready puts the cursor there)
            first = self.form.first_field
            if self.focused is not first:
                self.set_focus(first)
        if self.form_ready:
            self._restore()
            self._show_triage()

    def end_call(self) -> None:
        """The call is over: empty every field and panel for the next call (nothing of this caller stays on the
        screen), and tell the app (it shows where the agent came from)."""
        if not self.in_call:
            return  # (ended already: Escape read after ctrl+n had left the call)
        self.in_call = False
        self._debounce.cancel()
        self._ended_workers = {w for w in self.app.workers if w.node is self and not w.is_finished}
        self._take(None, None)
        if self.form_ready:
            with self.prevent(Input.Changed, TextArea.Changed, Select.Changed, Checkbox.Changed):
                self.form.reset()
                self._show_topic()
            for banner in self.query(Banner):
                banner.clear()
            self.query_one(CallBar).reset(self.call.opened_at)
            self.query_one(CallerHistory).show([], looked_up=False)
            self.query_one(CallInformation).show_triage("")
            self.query_one(FollowUp).reset()
            self.query_one("#case-status", Static).update(NOT_SAVED)
            self._show_consent(intake_call.preview_consent(self.desk, self.snapshot()))
        self.prepared = True  # drawn again out of sight (on_idle), so the next call shows at once
        self.post_message(self.CallEnded())

    @on(IntakeForm.Ready)
    def _form_ready(self) -> None:
        """Every tab is mounted: put a resumed draft back, then show the rules' first answers."""
        self._announced = True
        self.form.remember_fresh()
        if holidays_loaded(self.desk.today().year):  # an earlier call loaded them: the deadlines show now
            self._calendar_loaded()
        # The form is up, so the agent is about to type: the app waits for their first pause before loading in
        # the background (the holiday tables here, the store's opening if it was due).
        self.ready_at = time.monotonic()
        self.post_message(self.FormReady(self.ready_at))
        self._show_consent(intake_call.preview_consent(self.desk, self.snapshot()))
        if self.in_call:
            if self.focused is None:  # ctrl+n came while the first tab was mounting: the call starts in its field
                self.set_focus(self.form.first_field)
            self._restore()

    def _restore(self) -> None:
        """A resumed draft back on the form (or keys typed before the last tab mounted): drafted, looked up."""
        if self.resumed:
            resumed, self.resumed = self.resumed, {}
            self.form.fill(resumed)
            self._show_topic()
            if self.resumed_case:
                self.resume_case(self.call.client_id, self.resumed_case)
            else:
                self.notify("Unsaved call resumed: everything typed is back.")
            self._show_consent(intake_call.preview_consent(self.desk, self.snapshot()))
        if self.call.abuse_marked:
            self.form.lock_narrative()
            self.query_one("#abuse-banner", Banner).show(ABUSE_STOP, "stop")
        if intake_call.has_substance(self.form.values()):
            self._lookup()
            self._draft_soon()

    @property
    def debouncing(self) -> bool:
        """A pause-in-typing action (lookup, autosave, abuse scan, consent check) is still to come."""
        return self._debounce.pending

    # ---- typing -----------------------------------------------------------------------------------------------
    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Input.Changed | TextArea.Changed | Select.Changed | Checkbox.Changed) -> None:
        widget = event.text_area if isinstance(event, TextArea.Changed) else event.control
        name = widget.id or ""
        if not widget.has_class("form-value") or not self.form.ready or not self.in_call:
            return
        field = self.form.field(name)
        if field is not None:
            field.clear_error()
        self._draft_soon()  # after a save too: edits are drafted
        if name in ("category", "subcategory"):
            self._show_topic()
        if name in LOOKUP_FIELDS:
            self._debounce("lookup", self.LOOKUP_DELAY, self._lookup)
        if name in PREVIEW_FIELDS:
            self._show_triage()
        if name in ("claim", "evidence") and not self.call.abuse_marked:
            self._debounce("abuse-scan", self.ABUSE_SCAN_DELAY, self._scan_for_abuse)
        if name in CONSENT_GATE_INPUTS:
            self._debounce("consent", self.LOOKUP_DELAY, self._check_consent)

    @work(thread=True, exclusive=True, group="calendar", exit_on_error=False)
    def load_calendar(self) -> None:
        """The first deadlines need the holiday tables (slow to load): load them here, not on the UI thread."""
        federal_holidays(self.desk.today().year)  # the screen hears it is done from the worker (_worker_changed)

    def _calendar_loaded(self) -> None:
        self.calendar_ready = True
        self._show_triage()

    def _show_triage(self) -> None:
        """The store's routing decision, previewed: the same rule (calldesk.rules.routing) on the form's values."""
        if not self.calendar_ready:
            return  # shown once the holiday tables are loaded (load_calendar), never loaded on the UI thread
        values = self.form.values()
        repeat = None
        if self.call.case is None:
            repeat = detect_repeat(self.desk.profile, caller=intake_call.caller_key(values),
                                   category=values.get("category"), school=values.get("school") or None,
                                   opened_at=self.call.opened_at, priors=self.priors)
            banner = self.query_one("#repeat-banner", Banner)
            banner.show(f"Repeat caller: {repeat.message} (on save)." if repeat else "", "warn")
        try:
            routing = route(self.desk.profile, fields=values, opened_at=self.call.opened_at, repeat=repeat)
            self.query_one(CallInformation).show_triage(replace(routing.decision, reasons=routing.reasons))
        except CalldeskError as exc:
            self.query_one(CallInformation).show_triage(exc.message)

    def _lookup(self) -> None:
        self.lookup_caller(self.call.client_id, intake_call.caller_key(self.form.values()))

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def lookup_caller(self, client_id: str, key: intake_call.CallerKey) -> None:
        from calldesk.screens.intake import store as intake_store  # the database side loads with the first worker

        self.post_message(CallerLooked(client_id, intake_store.lookup_caller(self.desk, key)))

    @on(CallerLooked)
    def _looked(self, event: CallerLooked) -> None:
        if event.client_id != self.call.client_id:
            return  # the earlier calls of a caller whose call has ended
        current = self.call.case.case_number if self.call.case else None  # this call is not an earlier call
        self.priors = [p for p in event.lookup.priors if p.case_number != current]
        self.query_one(CallerHistory).show([c for c in event.lookup.history if c.case_number != current],
                                           looked_up=event.lookup.looked_up, today=self.desk.today())
        self._show_triage()

    # ---- drafts -----------------------------------------------------------------------------------------------
    @on(CaseResumed)
    def _case_resumed(self, event: CaseResumed) -> None:
        if event.client_id != self.call.client_id:
            return
        self._show_case(event.case)
        self.saved_form = {}  # what the draft brought back is not in the case yet
        self.notify(f"Unsaved changes to case {event.case.case_number} resumed: save to apply them to the case.")

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """The holiday tables loaded (posted by Textual on the UI thread, not by the worker's thread); and every
        worker failure: a sentence for the agent, never a traceback."""
        if event.state == WorkerState.SUCCESS and event.worker.name == "load_calendar":
            self._calendar_loaded()
        if event.state != WorkerState.ERROR or event.worker in self._ended_workers:
            return  # (a failure of an ended call's worker is not this call's: Textual has logged it)
        self.saving = False
        self._refuse(as_refusal(event.worker.error))

    def action_leave(self) -> None:
        """Leave the call, always: a saved case is saved again (not closed); an unsaved one is kept as a draft.
        During a save it waits for it (F10 then ctrl+n: the call closes, then the next one starts). Between calls
        it does nothing (Escape read after ctrl+n left the call: the key is spent here, not on the next call)."""
        if not self.form.ready or not self.in_call:
            return
        if self.saving:
            self.leave_when_saved = True
            return
        call = self.snapshot()
        if call.case is not None and self.unsaved_changes(call.form):
            self.action_save(leave=True, close=False)
        elif call.case is None and intake_call.has_substance(call.form):
            self.write_draft(call, self.drafts.ticket(), then="leave")
        elif not self.saving:
            self.end_call()
