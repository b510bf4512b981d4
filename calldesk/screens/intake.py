"""Take a live call: the five-tab case record, the caller's earlier calls, and the protocol's rules as you type.

The store is only touched from thread workers (so typing never stutters); they post messages back here.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, Header, Input, Select, TextArea
from textual.worker import Worker, WorkerState

from calldesk.errors import CalldeskError
from calldesk.rules.abuse import abuse_guidance, abuse_words_in
from calldesk.rules.calendar import calendar_for, federal_holidays, holidays_loaded
from calldesk.rules.display import inert
from calldesk.rules.profile import TIER_LABELS, role_label
from calldesk.rules.repeat import PriorCase, detect_repeat
from calldesk.rules.routing import route
from calldesk.rules.triage import format_due
from calldesk.screens import intake_call
from calldesk.screens.abuse import AbuseGuidanceScreen
from calldesk.screens.context import Desk
from calldesk.screens.debounce import Debouncer
from calldesk.screens.failures import as_refusal
from calldesk.screens.intake_call import DRAFT_CASE, Call, DraftWriter
from calldesk.screens.intake_consent import CallConsent
from calldesk.screens.intake_messages import (
    AbuseRecorded,
    CallerLooked,
    CallSaved,
    CaseResumed,
    Refused,
)
from calldesk.widgets.banner import Banner
from calldesk.widgets.call_bar import CallBar
from calldesk.widgets.call_information import CallInformation
from calldesk.widgets.caller_history import CallerHistory
from calldesk.widgets.follow_up import FollowUp
from calldesk.widgets.intake_form import TABS, IntakeForm
from calldesk.widgets.key_line import KeyLine
from calldesk.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from calldesk.models import CasePublic

LOOKUP_FIELDS = frozenset({"caller_name", "phone", "email"})
TRIAGE_FIELDS = frozenset({"call_type", "category", "school", "source", "due_process", "special_education", "safety",
                           "urgent", "needs_follow_up"})
CONSENT_FIELDS = frozenset({"relationship", "caller_name", "records_asked"})
# Below 100 columns the footer gives way to these, whole (F1 and ctrl+p list every key).
NARROW_KEYS = ("intake.save", "intake.save_close", "intake.abuse", "intake.next_tab", "app.help", "intake.leave",
               "intake.history")
ABUSE_STOP = "Suspected child abuse: report it by phone and on the form; do not document it here."


class IntakeScreen(CallConsent):
    """One call, from the first word to the saved (or closed) case."""

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
        Binding("ctrl+r", "resources", "Resources", id="intake.resources",
                tooltip="Search the resource directory; the entry goes into the response"),
        Binding("escape", "leave", "Leave call", id="intake.leave", tooltip="Leave the call (unsaved: kept as draft)"),
        Binding("f8", "toggle_history", "History", show=False, id="intake.history",
                tooltip="Show or hide the caller's earlier calls"),
        Binding("ctrl+o", "open_earlier", "Earlier call", show=False, id="intake.open_earlier",
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
    AUTOSAVE_DELAY = 0.8
    ABUSE_SCAN_DELAY = 0.8

    def __init__(self, desk: Desk, *, client_id: str | None = None, values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.desk = desk
        values = dict(values or {})
        started = values.pop("call_started", None)
        opened_at = datetime.fromisoformat(started) if isinstance(started, str) else desk.now()
        self.call = Call(client_id or uuid.uuid4().hex, opened_at, abuse_marked=bool(values.pop("abuse_marked", 0)))
        self.resumed_case: str | None = values.pop(DRAFT_CASE, None)  # unsaved changes to a saved case
        self.resumed = values
        self.drafts = DraftWriter(desk, self.call.client_id)
        self.priors: list[PriorCase] = []
        self.saving = False
        self.saved_form: dict[str, Any] | None = None  # the form as the case last saved it
        self._saving_form: dict[str, Any] = {}
        self._debounce = Debouncer(self)
        self.prepared = False  # built out of sight for the next call (set by the app)
        self.calendar_ready = False  # the holiday tables the deadlines need are loaded
        self._announced = False  # every tab is mounted and _form_ready has run

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

    class Opened(Message):
        """The first field has focus: keys typed since ctrl+n can be delivered (the app held them)."""

    class FormReady(Message):
        """Every tab of the call's form is mounted (the app opens the store after this, not during it)."""

    @property
    def form_ready(self) -> bool:
        """Every tab of the form is mounted, and the screen has heard so (it has started the call's rules)."""
        return self._announced

    def on_mount(self) -> None:
        first = self.query("#caller_name")
        if first:
            self.set_focus(first.first())  # now, not after the keys queued behind ctrl+n
        self.post_message(self.Opened())

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        self.prepared = False  # on show now (FreshScreen skips the restyle of a first showing)
        super()._on_screen_resume(event)

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

    def begin_call(self) -> None:
        """A screen prepared ahead of the call becomes the call on screen: its clock starts now."""
        self.call.opened_at = self.desk.now()
        if self._form is None:
            return  # ctrl+n came before it was built: its clock starts with this time, on_mount focuses
        self.query_one(CallBar).restart(self.call.opened_at)
        first = self.form.first_field
        if self.focused is not first:
            self.set_focus(first)
        if self.form_ready:
            self._show_triage()

    @on(IntakeForm.Ready)
    def _form_ready(self) -> None:
        """Every tab is mounted: put a resumed draft back, then show the rules' first answers."""
        if self.resumed:
            self.form.fill(self.resumed)
            self._show_topic()
            if self.resumed_case:
                self.resume_case(self.resumed_case)
            else:
                self.notify("Unsaved call resumed: everything typed is back.")
        if self.call.abuse_marked:
            self.form.lock_narrative()
            self.query_one("#abuse-banner", Banner).show(ABUSE_STOP, "stop")
        self._announced = True
        from calldesk.app import CalldeskApp

        if isinstance(self.app, CalldeskApp):
            # The form is up, so the agent is about to type: from now on (not from when the app hears FormReady),
            # loading in the background waits for their first pause, also the store's opening if it was due.
            self.app.typing_now()
        if holidays_loaded(self.desk.today().year):  # an earlier call loaded them: the deadlines show now
            self._calendar_loaded()
        elif isinstance(self.app, CalldeskApp):
            self.app.run_when_quiet(self.load_calendar)
        else:
            self.call_after_refresh(self.load_calendar)
        self.post_message(self.FormReady())
        self._show_consent(intake_call.preview_consent(self.desk, self.snapshot()))
        if intake_call.has_substance(self.form.values()):  # resumed, or typed before the last tab mounted
            self._lookup()
            self._debounce("autosave", self.AUTOSAVE_DELAY, self._autosave)

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
        if not widget.has_class("form-value") or not self.form.ready:
            return
        field = self.form.field(name)
        if field is not None:
            field.clear_error()
        self._debounce("autosave", self.AUTOSAVE_DELAY, self._autosave)  # after a save too: edits are drafted
        if name in ("category", "subcategory"):
            self._show_topic()
        if name in LOOKUP_FIELDS:
            self._debounce("lookup", self.LOOKUP_DELAY, self._lookup)
        if name in TRIAGE_FIELDS:
            self._show_triage()
        if name in ("claim", "evidence") and not self.call.abuse_marked:
            self._debounce("abuse-scan", self.ABUSE_SCAN_DELAY, self._scan_for_abuse)
        if name in CONSENT_FIELDS:
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
        self.lookup_caller(intake_call.caller_key(self.form.values()))

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def lookup_caller(self, key: intake_call.CallerKey) -> None:
        from calldesk.screens import intake_store  # the database side loads with the first worker

        self.post_message(CallerLooked(intake_store.lookup_caller(self.desk, key)))

    @on(CallerLooked)
    def _looked(self, event: CallerLooked) -> None:
        current = self.call.case.case_number if self.call.case else None  # this call is not an earlier call
        self.priors = [p for p in event.lookup.priors if p.case_number != current]
        self.query_one(CallerHistory).show([c for c in event.lookup.history if c.case_number != current],
                                           looked_up=event.lookup.looked_up)
        self._show_triage()

    # ---- drafts -----------------------------------------------------------------------------------------------
    @on(CaseResumed)
    def _case_resumed(self, event: CaseResumed) -> None:
        self._show_case(event.case)
        self.saved_form = {}  # what the draft brought back is not in the case yet
        self.notify(f"Unsaved changes to case {event.case.case_number} resumed: save to apply them to the case.")

    # ---- suspected abuse --------------------------------------------------------------------------------------
    def abuse_words(self) -> list[str]:
        """Words in the claim or evidence that may point to abuse (only named in the call bar, never asked)."""
        values = self.form.values()
        return abuse_words_in(f"{values.get('claim', '')}\n{values.get('evidence', '')}",
                              self.desk.profile.abuse_keywords)

    def _scan_for_abuse(self) -> None:
        """A line in the call bar, never a dialog: it takes no focus and no key (bullying calls say "hit" too)."""
        self.query_one(CallBar).show_abuse_words([] if self.call.abuse_marked else self.abuse_words())

    def action_abuse(self) -> None:
        """Mark the call: empty and lock the narrative, scrub the draft or the saved case, show the guidance."""
        if not self.call.abuse_marked:
            self.call.abuse_marked = True
            self.form.lock_narrative()
            self.query_one(CallBar).show_abuse_words([])
            self.query_one("#abuse-banner", Banner).show(ABUSE_STOP, "stop")
            self.record_abuse(self.snapshot(), self.drafts.ticket())
        self.app.push_screen(AbuseGuidanceScreen(abuse_guidance(self.desk.profile)))

    @work(thread=True, group="abuse", exit_on_error=False)
    def record_abuse(self, call: Call, ticket: int) -> None:
        from calldesk.screens import intake_store  # the database side loads with the first worker

        try:
            case = intake_store.record_abuse(self.desk, call, self.drafts, ticket)
            if call.case is not None:
                self.drafts.discard(ticket)  # edits drafted after the save held the narrative too
            self.post_message(AbuseRecorded(case))
        except CalldeskError as exc:
            self.post_message(Refused(exc))

    @on(AbuseRecorded)
    def _abuse_recorded(self, event: AbuseRecorded) -> None:
        if event.case is not None:
            self._show_case(event.case)

    # ---- saving -----------------------------------------------------------------------------------------------
    def action_save(self, leave: bool = False, close: bool | None = None) -> None:
        """Save the case; `close` None follows the "close when saved" box (F10 closes, leaving never does)."""
        if self.saving or not self.form.ready:
            return
        if self.resumed_case and self.call.case is None:  # never a second case from a resumed draft
            self.notify(f"Case {self.resumed_case} is still being read: save again in a moment.")
            return
        self.saving = True
        self.form.clear_errors()
        self.query_one("#refusal-banner", Banner).clear()
        call = self.snapshot()
        self._saving_form = call.form
        if close is None:
            close = bool(call.form.get("close_on_save"))
        self.save_call(call, close=close, leave=leave)

    def action_save_and_close(self) -> None:
        self.action_save(close=True)

    @work(thread=True, group="save", exit_on_error=False)
    def save_call(self, call: Call, *, close: bool, leave: bool) -> None:
        from calldesk.screens import intake_store  # the database side loads with the first worker

        self.post_message(CallSaved(intake_store.save_call(self.desk, call, self.drafts, close=close), leave=leave))

    @on(CallSaved)
    def _saved(self, event: CallSaved) -> None:
        self.saving = False
        saved = event.saved
        if saved.case is not None:
            self._show_case(saved.case)
            if self.call.abuse_marked and not saved.case.abuse_marked:  # marked while this save was in flight
                self.record_abuse(self.snapshot(), self.drafts.ticket())
            filled: dict[str, Any] = {"phone": saved.case.phone or "", "call_type": saved.case.call_type}
            if saved.follow_up_added:
                filled.update(followup_done="", followup_pending="")
            self.form.fill(filled)
            self._show_follow_ups(saved)
            if saved.refusal is None:
                self.saved_form = {**self._saving_form, **filled}  # what is typed during the save is not in it
        if saved.repeat:
            self.query_one("#repeat-banner", Banner).show(f"Repeat caller: {saved.repeat}.", "warn")
        if saved.refusal is not None:
            self._refuse(saved.refusal)  # the field named is focused with its text unselected (focus_at_end)
            if saved.case is not None:
                self.notify(f"Case {saved.case.case_number} is saved and {saved.case.status}; not done: "
                            f"{saved.refusal.message}", severity="warning", timeout=8)
            self._debounce("autosave", self.AUTOSAVE_DELAY, self._autosave)  # what was refused is kept as a draft
            if event.leave:
                self.write_draft(self.snapshot(), self.drafts.ticket(), then="leave")  # Escape always leaves
            return
        assert saved.case is not None
        if self.unsaved_changes():
            self._debounce("autosave", self.AUTOSAVE_DELAY, self._autosave)  # typed while the save was in flight
        else:
            self.discard_draft(self.drafts.ticket())  # the case holds everything typed
        said = " ".join(saved.reasons)
        if saved.case.status == "closed":
            self.app.notify(f"Case {saved.case.case_number} saved and closed. {said}", timeout=8)
            self.dismiss(None)
            return
        self.notify(f"Case {saved.case.case_number} saved. {said}", timeout=8)
        if event.leave:
            self.dismiss(None)

    def _show_case(self, case: CasePublic) -> None:
        self.call.case = case
        tier = TIER_LABELS.get(case.tier or "", "Compliment")
        owner = role_label(case.owner_role)
        self.query_one(CallBar).show_case(f"Case {case.case_number} · {case.status} · {tier} · {owner}")
        self.query_one("#case-status").update(  # type: ignore[attr-defined]
            f"Status: case {case.case_number} is {case.status}" + (f" ({case.close_reason})" if case.close_reason
                                                                   else ""))

    def _show_follow_ups(self, saved: intake_call.SavedCall) -> None:
        assert saved.case is not None
        due = saved.case.next_follow_up_by
        when = format_due(calendar_for(self.desk.profile).local(due), with_time=False) if due else None
        self.query_one(FollowUp).show_entries(saved.follow_ups, f"Next follow-up entry due by {when}." if when
                                              else "No follow-up clock on this case.")

    def _refuse(self, error: CalldeskError) -> None:
        """A refusal: each missing field's sentence under it (the first one focused), always as a banner;
        nothing typed is touched."""
        fields: dict[str, str] = getattr(error, "fields", None) or {getattr(error, "field", None) or "": error.message}
        for name, message in fields.items():
            self.form.show_error(name or None, message, focus=False)
        first = next((name for name in fields if self.form.field(name) is not None), None)
        if first is not None:  # its tab comes forward and it takes the cursor; the others only say what is missing
            self.form.show_error(first, fields[first])
        self.query_one("#refusal-banner", Banner).show(error.message, "stop")
        self.notify(inert(error.message), severity="error", timeout=8, markup=False)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self._refuse(event.error)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """The holiday tables loaded (posted by Textual on the UI thread, not by the worker's thread); and every
        worker failure: a sentence for the agent, never a traceback."""
        if event.state == WorkerState.SUCCESS and event.worker.name == "load_calendar":
            self._calendar_loaded()
        if event.state != WorkerState.ERROR:
            return
        self.saving = False
        self._refuse(as_refusal(event.worker.error))

    def action_open_earlier(self) -> None:
        """The caller's earlier calls, to open one in the case workspace over this call."""
        from calldesk.screens.desk import open_case_screen
        from calldesk.screens.find import FindCaseScreen

        listed = self.query_one(CallerHistory).cases
        if not listed:
            self.notify("No earlier calls listed: type the caller's phone, email or name first.")
            return
        earlier = [case for case in listed if case.yours]
        if not earlier:
            self.notify("The caller's earlier calls are other people's cases: you see their lines, not the cases.")
            return

        def chosen(number: str | None) -> None:
            if number:
                open_case_screen(self, number)

        self.app.push_screen(FindCaseScreen(self.desk, earlier, title="The caller's earlier calls"), chosen)

    def action_leave(self) -> None:
        """Leave the call, always: a saved case is saved again (not closed); an unsaved one is kept as a draft."""
        if not self.form.ready:
            return
        call = self.snapshot()
        if call.case is not None and self.unsaved_changes(call.form):
            self.action_save(leave=True, close=False)
        elif call.case is None and intake_call.has_substance(call.form):
            self.write_draft(call, self.drafts.ticket(), then="leave")
        elif not self.saving:
            self.dismiss(None)
