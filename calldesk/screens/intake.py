"""Take a live call: the five-tab case record, the caller's earlier calls, and the protocol's rules as you type.

The store is only touched from thread workers (so typing never stutters); they post messages back here.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Footer, Header, Input, Select, TextArea
from textual.worker import Worker, WorkerState

from calldesk.errors import CalldeskError
from calldesk.rules.abuse import abuse_guidance, abuse_words_in
from calldesk.rules.calendar import calendar_for, federal_holidays
from calldesk.rules.display import inert
from calldesk.rules.profile import TIER_LABELS, CallType
from calldesk.rules.repeat import PriorCase, detect_repeat, promoted_call_type
from calldesk.rules.triage import flags_of, format_due, triage
from calldesk.screens import intake_call
from calldesk.screens.abuse import AbuseGuidanceScreen, AbuseWordsPrompt
from calldesk.screens.context import Desk
from calldesk.screens.failures import as_refusal
from calldesk.screens.intake_call import Call, DraftWriter
from calldesk.screens.intake_messages import AbuseRecorded, CallerLooked, CallSaved, ConsentChecked, DraftKept, Refused
from calldesk.screens.resources import ResourceDirectory, reference_text
from calldesk.widgets.banner import Banner
from calldesk.widgets.call_bar import CallBar
from calldesk.widgets.call_information import CallInformation
from calldesk.widgets.caller_history import CallerHistory
from calldesk.widgets.confidentiality import Confidentiality
from calldesk.widgets.follow_up import FollowUp
from calldesk.widgets.intake_form import TABS, IntakeForm

if TYPE_CHECKING:
    from calldesk.models import CasePublic

LOOKUP_FIELDS = frozenset({"caller_name", "phone", "email"})
TRIAGE_FIELDS = frozenset({"call_type", "category", "school", "source", "due_process", "special_education", "safety",
                           "urgent", "needs_follow_up"})
CONSENT_FIELDS = frozenset({"relationship", "caller_name", "records_asked"})
CONSENT_BUTTONS = {"add-student": "add_student", "record-consent": "record_consent", "disclose": "disclose"}
ABUSE_STOP = "Suspected child abuse: report it by phone and on the form; do not document it here."


class IntakeScreen(Screen[None]):
    """One call, from the first word to the saved (or closed) case."""

    SUB_TITLE = "New call"
    HELP = ("Take the call tab by tab: Caller Details, Call Information, Confidentiality, Follow-Up, Resolution. "
            "Tab moves through the fields in order; alt+1..5, F6/F7 or ctrl+page up/down switch tabs. The caller's "
            "earlier calls appear on the right as you type a phone, email or name. Everything typed is kept as a "
            "draft until the case is saved with ctrl+s. F9 (or ctrl+b) marks suspected child abuse at any moment: "
            "the hotline and form are shown and nothing about it is written here. ctrl+r opens the resource "
            "directory. Escape leaves the call (an unsaved call stays a draft).")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="intake.save", tooltip="Save the case (opened on the first save)"),
        Binding("f9,ctrl+b", "abuse", "Abuse", id="intake.abuse",
                tooltip="Suspected child abuse: hotline, form, do not document"),
        Binding("ctrl+r", "resources", "Resources", id="intake.resources",
                tooltip="Search the resource directory; the entry goes into the response"),
        Binding("escape", "leave", "Leave call", id="intake.leave", tooltip="Leave the call (unsaved: kept as draft)"),
        *[Binding(f"alt+{n}", f"show_tab('{pane}')", title, show=False, id=f"intake.tab_{n}",
                  tooltip=f"Go to the {title} tab") for n, (pane, title) in enumerate(TABS, start=1)],
        # F-keys reach the app in every terminal; alt+digit and ctrl+page keys do not everywhere.
        Binding("f7,ctrl+pagedown", "next_tab(1)", "Next tab", id="intake.next_tab"),
        Binding("f6,ctrl+pageup", "next_tab(-1)", "Previous tab", show=False, id="intake.previous_tab"),
        # Priority: focus moves the moment Tab is read, so keys typed right after it (while the screen is busy)
        # land in the next field, not this one.
        Binding("tab", "app.focus_next", show=False, priority=True, id="intake.next_field"),
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
        self.resumed = values
        self.drafts = DraftWriter(desk, self.call.client_id)
        self.priors: list[PriorCase] = []
        self.dismissed_words: set[str] = set()
        self.prompting = False
        self.saving = False
        self._debouncers: dict[str, Timer] = {}

    # ---- layout -----------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield CallBar(self.desk.clock, self.desk.now())
        yield Banner(id="abuse-banner")
        yield Banner(id="repeat-banner")
        yield Banner(id="refusal-banner")
        with Horizontal(id="intake-body"):
            yield IntakeForm(self.desk.profile)
            yield CallerHistory(self.desk.profile, id="caller-history")
        yield Footer()

    @property
    def form(self) -> IntakeForm:
        return self.query_one(IntakeForm)

    class Opened(Message):
        """The first field has focus: keys typed since ctrl+n can be delivered (the app held them)."""

    def on_mount(self) -> None:
        self.query_one("#caller_name", Input).focus()
        self.post_message(self.Opened())

    @on(IntakeForm.Ready)
    def _form_ready(self) -> None:
        """Every tab is mounted: put a resumed draft back, then show the rules' first answers."""
        if self.resumed:
            self.form.fill(self.resumed)
            self.notify("Unsaved call resumed: everything typed is back.")
        if self.call.abuse_marked:
            self.form.lock_narrative()
            self.query_one("#abuse-banner", Banner).show(ABUSE_STOP, "stop")
        self.load_calendar()
        self._show_consent(intake_call.preview_consent(self.desk, self.snapshot()))
        if intake_call.has_substance(self.form.values()):  # resumed, or typed before the last tab mounted
            self._lookup()
            self._debounce("autosave", self.AUTOSAVE_DELAY, self._autosave)

    def snapshot(self) -> Call:
        """The call as workers see it: a copy, so typing on never changes what a worker is saving."""
        return replace(self.call, form=self.form.values())

    def _debounce(self, name: str, delay: float, callback: Any) -> None:
        if name in self._debouncers:
            self._debouncers[name].stop()
        self._debouncers[name] = self.set_timer(delay, callback, name=name)

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
        if self.call.case is None:
            self._debounce("autosave", self.AUTOSAVE_DELAY, self._autosave)
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
        federal_holidays(self.desk.today().year)
        self.app.call_from_thread(self._show_triage)

    def _show_triage(self) -> None:
        values = self.form.values()
        repeat = None
        if self.call.case is None:
            repeat = detect_repeat(self.desk.profile, caller=intake_call.caller_key(values),
                                   category=values.get("category"), school=values.get("school") or None,
                                   opened_at=self.call.opened_at, priors=self.priors)
            banner = self.query_one("#repeat-banner", Banner)
            banner.show(f"Repeat caller: {repeat.message} (on save)." if repeat else "", "warn")
        call_type: CallType = values.get("call_type") or "inquiry"
        call_type = promoted_call_type(call_type, repeated=repeat is not None)  # preview the store's decision
        try:
            self.query_one(CallInformation).show_triage(triage(
                self.desk.profile, call_type=call_type, category=values.get("category"), flags=flags_of(values),
                opened_at=self.call.opened_at))
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
        self.priors = event.lookup.priors
        self.query_one(CallerHistory).show(event.lookup.history, looked_up=event.lookup.looked_up)
        self._show_triage()

    # ---- drafts -----------------------------------------------------------------------------------------------
    def pending_abuse_words(self) -> list[str]:
        """Abuse-like words in the claim or evidence the agent has neither confirmed nor dismissed."""
        values = self.form.values()
        text = f"{values.get('claim', '')}\n{values.get('evidence', '')}"
        return [w for w in abuse_words_in(text, self.desk.profile.abuse_keywords)
                if w.casefold() not in self.dismissed_words]

    def _autosave(self) -> None:
        call = self.snapshot()
        if call.case is not None or self.saving or not intake_call.has_substance(call.form):
            return  # a save in flight removes the draft; it is autosaved again if the save is refused
        if self.pending_abuse_words():
            return  # never store a narrative the agent has not yet confirmed or dismissed as abuse
        self.write_draft(call, self.drafts.ticket())

    @work(thread=True, group="draft", exit_on_error=False)
    def write_draft(self, call: Call, ticket: int, leave: bool = False) -> None:
        self.drafts.save(ticket, intake_call.draft_of(call))
        if leave:
            self.post_message(DraftKept())

    @on(DraftKept)
    def _draft_kept(self) -> None:
        self.app.notify("The call is kept as a draft: it is offered back when you start calldesk.")
        self.dismiss(None)

    # ---- suspected abuse --------------------------------------------------------------------------------------
    def _scan_for_abuse(self) -> None:
        if self.call.abuse_marked or self.prompting or self.app.screen is not self:
            return
        words = self.pending_abuse_words()
        if words:
            self.prompting = True
            self.app.push_screen(AbuseWordsPrompt(words), lambda yes: self._answered(bool(yes), words))

    def _answered(self, confirmed: bool, words: list[str]) -> None:
        self.prompting = False
        if confirmed:
            self.action_abuse()
            return
        self.dismissed_words.update(w.casefold() for w in words)  # in memory only: the prompt stores nothing
        self._debounce("autosave", self.AUTOSAVE_DELAY, self._autosave)

    def action_abuse(self) -> None:
        """Mark the call: empty and lock the narrative, scrub the draft or the saved case, show the guidance."""
        if not self.call.abuse_marked:
            self.call.abuse_marked = True
            self.form.lock_narrative()
            self.query_one("#abuse-banner", Banner).show(ABUSE_STOP, "stop")
            self.record_abuse(self.snapshot(), self.drafts.ticket())
        self.app.push_screen(AbuseGuidanceScreen(abuse_guidance(self.desk.profile)))

    @work(thread=True, group="abuse", exit_on_error=False)
    def record_abuse(self, call: Call, ticket: int) -> None:
        from calldesk.screens import intake_store  # the database side loads with the first worker

        try:
            self.post_message(AbuseRecorded(intake_store.record_abuse(self.desk, call, self.drafts, ticket)))
        except CalldeskError as exc:
            self.post_message(Refused(exc))

    @on(AbuseRecorded)
    def _abuse_recorded(self, event: AbuseRecorded) -> None:
        if event.case is not None:
            self._show_case(event.case)

    # ---- saving -----------------------------------------------------------------------------------------------
    def action_save(self, leave: bool = False) -> None:
        if self.saving or not self.form.ready:
            return
        if self.pending_abuse_words():
            self._scan_for_abuse()  # answer the abuse prompt before anything is stored
            return
        self.saving = True
        self.form.clear_errors()
        self.query_one("#refusal-banner", Banner).clear()
        call = self.snapshot()
        self.save_call(call, close=bool(call.form.get("close_on_save")), leave=leave)

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
            self.form.fill({"phone": saved.case.phone or "", "call_type": saved.case.call_type})
            if saved.follow_up_added:
                self.form.fill({"followup_done": "", "followup_pending": ""})
            self._show_follow_ups(saved)
        if saved.repeat:
            self.query_one("#repeat-banner", Banner).show(f"Repeat caller: {saved.repeat}.", "warn")
        if saved.refusal is not None:
            self._refuse(saved.refusal)
            if saved.case is None:
                self._debounce("autosave", self.AUTOSAVE_DELAY, self._autosave)
            return
        assert saved.case is not None
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
        owner = case.owner_role.replace("_", " ")
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
        """A refusal: under its field when it names one, always as a banner; nothing typed is touched."""
        self.form.show_error(getattr(error, "field", None), error.message)
        self.query_one("#refusal-banner", Banner).show(error.message, "stop")
        self.notify(inert(error.message), severity="error", timeout=8, markup=False)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self._refuse(event.error)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """Every worker failure lands here: a sentence for the agent, never a traceback."""
        if event.state != WorkerState.ERROR:
            return
        self.saving = False
        self._refuse(as_refusal(event.worker.error))

    # ---- confidentiality --------------------------------------------------------------------------------------
    @on(Button.Pressed)
    def _consent_button(self, event: Button.Pressed) -> None:
        action = CONSENT_BUTTONS.get(event.button.id or "")
        if action is not None:
            self.form.clear_errors()
            self.consent_action(self.snapshot(), action)

    def _check_consent(self) -> None:
        call = self.snapshot()
        if call.student is None:
            self._show_consent(intake_call.preview_consent(self.desk, call))
        else:
            self.consent_action(call, "check")

    @work(thread=True, exclusive=True, group="consent", exit_on_error=False)
    def consent_action(self, call: Call, action: str) -> None:
        from calldesk.screens import intake_store  # the database side loads with the first worker

        try:
            self.post_message(ConsentChecked(intake_store.consent_action(self.desk, call, self.drafts, action)))
        except CalldeskError as exc:
            self.post_message(Refused(exc))

    @on(ConsentChecked)
    def _consent_checked(self, event: ConsentChecked) -> None:
        self._show_consent(event.view)

    def _show_consent(self, view: intake_call.ConsentView) -> None:
        if view.case is not None:
            self._show_case(view.case)
        self.call.student = view.student
        tab = self.query_one(Confidentiality)
        tab.show_decision(view.decision)
        tab.show_student(view.student, ", ".join(intake_call.records_asked(self.form.values())))
        tab.show_disclosures(view.disclosures)

    # ---- moving around ----------------------------------------------------------------------------------------
    def action_show_tab(self, pane: str) -> None:
        self.form.tabs.active = pane

    def action_next_tab(self, step: int) -> None:
        panes = [pane for pane, _ in TABS]
        current = panes.index(self.form.tabs.active) if self.form.tabs.active in panes else 0
        self.form.tabs.active = panes[(current + step) % len(panes)]

    def action_resources(self) -> None:
        def chosen(entry: Any) -> None:
            if entry is None:
                return
            if self.call.abuse_marked:
                self.notify("This call is marked as suspected abuse: nothing is written in the response.")
                return
            response = self.query_one("#response", TextArea)
            response.text = (response.text.rstrip() + "\n" if response.text.strip() else "") + reference_text(entry)
            self.action_show_tab("resolution")

        self.app.push_screen(ResourceDirectory(self.desk), chosen)

    def action_leave(self) -> None:
        """Leave the call: a saved case is saved again; an unsaved one is kept as a draft."""
        if not self.form.ready:
            return
        if self.pending_abuse_words():
            self._scan_for_abuse()
            return
        call = self.snapshot()
        if call.case is not None:
            self.action_save(leave=True)
        elif intake_call.has_substance(call.form):
            self.write_draft(call, self.drafts.ticket(), leave=True)
        else:
            self.dismiss(None)
