"""The case workspace: any case, open or closed, in the five tabs of the case record plus History and Links.

Other dialogs (follow-ups, letters, escalation, merge, review...) are modal screens taking a case number:
add a Binding to ACTIONS below and open it with `open_action(dialog)`; the case is read again when it closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button as _Button
from textual.widgets import Checkbox, ContentSwitcher, Footer, Header, Input, Select, Static, TabPane, TextArea
from textual.worker import Worker, WorkerState

from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.rules.open311 import location_words
from calldesk.rules.profile import TIER_LABELS, role_label
from calldesk.rules.shown import deadline_words
from calldesk.screens.failures import as_refusal
from calldesk.screens.fresh import FreshScreen
from calldesk.screens.held_keys import hold_keys, set_keys_aside
from calldesk.widgets.banner import Banner
from calldesk.widgets.confidentiality import Confidentiality
from calldesk.widgets.follow_up import FollowUp
from calldesk.widgets.intake_form import TABS, IntakeForm
from calldesk.widgets.key_line import KeyLine

if TYPE_CHECKING:
    from calldesk.screens.desk_state import Desk
    from calldesk.store.read.search import CaseView

EXTRA_TABS = (("case-steps", "Steps"), ("case-history", "History"), ("case-links", "Links"))
ALL_TABS = (*TABS, *EXTRA_TABS)
# Below 100 columns the footer gives way to these, whole (F1 and ctrl+p list every key).
NARROW_KEYS = ("case.save", "case.back", "case.work", "case.assign", "case.next_tab", "case.reload", "app.help")


class CaseLoaded(Message):
    def __init__(self, view: CaseView, note: str, case_number: str) -> None:
        super().__init__()
        self.view = view
        self.note = note
        self.case_number = case_number  # the case the screen was showing when it asked (it may show another now)


class CaseScreen(FreshScreen[None]):
    """One case, read from the store; editable (ctrl+s saves) while it is open and the role may change it."""

    SUB_TITLE = "Case"
    RESTYLE_ON_RESUME = False  # kept and shown again, case after case (calldesk.screens.case.open)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    DEFAULT_CSS = """
    CaseScreen #case-summary { height: auto; padding: 0 1; text-style: bold; }
    CaseScreen.-narrow Footer { display: none; }
    CaseScreen.-wide #case-keys { display: none; }
    CaseScreen #case-history-body, CaseScreen #case-links-body { height: auto; padding: 0 1; }
    """
    HELP = ("The whole case: Caller Details, Call Information, Confidentiality, Follow-Up and Resolution as the "
            "call left them, plus Steps (the protocol's steps), History (every change, at local times) and Links "
            "(repeat calls, duplicates, merges). F6/F7 or alt+1..8 switch tabs. An open case can be changed and "
            "saved with ctrl+s (a new "
            "follow-up entry typed on Follow-Up is added); if someone else saved it since you opened it, the save "
            "is refused and what you typed stays: press F8 to read it again. Supervisors assign it with F5. "
            "ctrl+g (or F12) opens the work menu: a follow-up entry, the plan, the acknowledgement, written "
            "response and reply clocks and their extension, the resolution, the letter, closing, escalation and "
            "appeal, referral, meetings, merging a duplicate, the quality review and the student's FERPA record; "
            "a letter picks the action. "
            "Escape goes back.")
    # Keys of dialogs built elsewhere go here (each a Binding with an id whose action calls open_action).
    # Priority: they act as they are read, so the keys typed after them wait for their dialog (held_keys) instead
    # of landing in the case's field while it opens.
    ACTIONS: ClassVar[list[BindingType]] = [
        Binding("f5", "assign", "Assign", priority=True, id="case.assign",
                tooltip="Assign the case to a named person (supervisors)"),
        Binding("ctrl+g,f12", "work_menu", "Work", priority=True, id="case.work",
                tooltip="Work the case: follow-up, plan, clocks, resolution, letter, close, escalate, merge..."),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="case.save", tooltip="Save the changes to this case"),
        Binding("escape", "back", "Back", id="case.back", tooltip="Leave the case"),
        Binding("f8", "reload", "Reload", id="case.reload", tooltip="Read the case again from the store"),
        *ACTIONS,
        *[Binding(f"alt+{n}", f"show_tab('{pane}')", title, show=False, priority=True, id=f"case.tab_{n}",
                  tooltip=f"Go to the {title} tab") for n, (pane, title) in enumerate(ALL_TABS, start=1)],
        Binding("f7", "next_tab(1)", "Next tab", priority=True, id="case.next_tab"),
        Binding("f6", "next_tab(-1)", "Previous tab", show=False, priority=True, id="case.previous_tab"),
    ]

    def __init__(self, case_number: str, desk: Desk | None = None) -> None:
        super().__init__()
        self.case_number = case_number
        self._desk = desk
        self.view: CaseView | None = None
        self.shown_values: dict[str, Any] | None = None  # the form as the case was last shown (unsaved: differs)
        self.saving = False
        self.shown_ready = False  # the form and the History and Links panes are mounted: the case can be shown

    @property
    def desk(self) -> Desk:
        if self._desk is None:
            self._desk = self.app.desk  # type: ignore[attr-defined]
        assert self._desk is not None
        return self._desk

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Case {inert(self.case_number)}: reading…", id="case-summary", markup=False)
        yield Banner(id="case-banner")
        yield IntakeForm(self.desk.profile)
        yield Footer(compact=True)
        yield KeyLine(NARROW_KEYS, id="case-keys")

    @property
    def form(self) -> IntakeForm:
        return self.query_one(IntakeForm)

    @property
    def editable(self) -> bool:
        """Open, and the signed-in role may change cases (the service checks again)."""
        return (self.view is not None and self.view.case.status == "open"
                and self.desk.actor.may("edit_case"))

    def on_mount(self) -> None:
        self.sub_title = f"Case {self.case_number}"
        self.load()

    @property
    def reusable(self) -> bool:
        """Built, and nothing of its case is still being written: it may show another case (show_case)."""
        return self.shown_ready and not self.saving

    def show_case(self, case_number: str) -> None:
        """Show case `case_number` on this screen, built for an earlier one (calldesk.screens.case.open): nothing of
        the earlier case stays, every field, tab and panel as on a new screen until the case is read."""
        self.case_number, self.view, self.shown_values, self.saving = case_number, None, None, False
        self.sub_title = f"Case {case_number}"
        self.query_one("#case-summary", Static).update(inert(f"Case {case_number}: reading…"))
        for banner in self.query(Banner):
            banner.clear()
        with self.prevent(Input.Changed, TextArea.Changed, Select.Changed, Checkbox.Changed):
            self.form.reset()
        self._lock(False)
        self.query_one(FollowUp).reset()
        self.query_one(Confidentiality).show_student(None, "")
        self.query_one(Confidentiality).show_disclosures([])
        for pane_id, _ in EXTRA_TABS:
            self.query_one(f"#{pane_id}-body", Static).update("")
        self.load()

    @on(IntakeForm.Ready)
    async def _form_ready(self) -> None:
        tabs = self.form.tabs
        for pane_id, title in EXTRA_TABS:
            body = VerticalScroll(Static("", id=f"{pane_id}-body", markup=False))  # a long trail scrolls
            await tabs.add_pane(TabPane(title, body, id=pane_id))
        for hidden in self.form.query("#close_on_save, #field-topic"):
            hidden.display = False
        for button in self.form.query("Confidentiality Button").results(_Button):
            button.disabled = True  # consents and disclosures are recorded during a call (or by their dialogs)
        self.form.remember_fresh()  # (show_case empties the form back to this for the next case)
        self.shown_ready = True
        if self.view is not None:
            self._show(self.view)

    # ---- reading ----------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="case", exit_on_error=False)
    def load(self, note: str = "") -> None:
        from calldesk.screens.case import store as case_store

        asked = self.case_number
        self.post_message(CaseLoaded(case_store.load(self.desk, asked), note, asked))

    def action_reload(self) -> None:
        self.load("Read again from the store.")

    @on(CaseLoaded)
    def _loaded(self, event: CaseLoaded) -> None:
        if event.case_number != self.case_number:
            return  # read for the case this screen showed before (calldesk.screens.case.open reuses it)
        self.saving = False
        self.view = event.view
        self.query_one("#case-banner", Banner).clear()
        if self.shown_ready:  # else the form shows it once its panes are in (IntakeForm.Ready)
            self._show(event.view)
        if event.note:
            self.notify(event.note)

    def _show(self, view: CaseView) -> None:
        from calldesk.screens.case import store as case_store

        case = view.case
        tz, today = calendar_for(self.desk.profile).tz, self.desk.today()
        tier = TIER_LABELS.get(case.tier or "", "Compliment")
        due = ""
        if case.next_deadline is not None:
            late = "OVERDUE " if case.next_deadline < self.desk.now() else ""
            due = f" · {late}next deadline {deadline_words(case.next_deadline, tz=tz, today=today)}"
        who = f"assigned to {case.assigned_to}" if case.assigned_to else "not assigned"
        self.query_one("#case-summary", Static).update(inert(
            f"Case {case.case_number} · {case.status.upper()} · {tier} · {role_label(case.owner_role)} · "
            f"{who}{due}"))
        self.form.fill(case_store.form_values(view))
        self.shown_values = self.form.values()
        where = location_words(case.address, case.address_id, case.latitude, case.longitude, case.media_url)
        self.query_one("#case-status", Static).update(inert(
            f"Status: case {case.case_number} is {case.status}" + (f" ({case.close_reason})" if case.close_reason
                                                                   else "") + (f"\n{where}" if where else "")))
        follow = case.next_follow_up_by
        self.query_one(FollowUp).show_entries(view.follow_ups, "Next follow-up entry due "
                                              f"{deadline_words(follow, tz=tz, today=today)}."
                                              if follow else "No follow-up clock on this case.", tz=tz, today=today)
        confidentiality = self.query_one(Confidentiality)
        confidentiality.show_student(view.students[0] if view.students else None, "")
        confidentiality.show_disclosures(view.disclosures)
        self.query_one("#case-steps-body", Static).update(
            "\n".join(case_store.step_lines(self.desk.profile, view, self.desk.now()))
            or "The protocol sets no recorded steps for this case.")
        self.query_one("#case-history-body", Static).update(
            "\n".join(case_store.history_lines(self.desk.profile, view, self.desk.today())) or "No recorded changes.")
        self.query_one("#case-links-body", Static).update(
            "\n".join(case_store.link_lines(self.desk.profile, view, self.desk.today())) or "No linked cases.")
        self._lock(not self.editable)
        if case.abuse_marked:
            self.form.lock_narrative()

    def _lock(self, locked: bool) -> None:
        for control in self.form.controls:
            if isinstance(control, Input | TextArea | Select | Checkbox):
                control.disabled = locked
        if locked and self.view is not None:
            why = ("closed" if self.view.case.status != "open" else "read-only for your role")
            self.query_one("#case-banner", Banner).show(f"Case {self.view.case.case_number} is {why}.", "info")

    # ---- saving -----------------------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.view is None or self.saving or not self.form.ready:
            return
        if not self.editable:
            self.notify(f"Case {self.case_number} cannot be changed here.", severity="warning")
            return
        self.saving = True
        self.form.clear_errors()
        self.save(self.view, self.form.values())

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save(self, view: CaseView, form: dict[str, Any]) -> None:
        from calldesk.screens.case import store as case_store

        asked = self.case_number
        self.post_message(CaseLoaded(case_store.save(self.desk, view, form), f"Case {asked} saved.", asked))

    def action_assign(self) -> None:
        from calldesk.screens.case.action_dialogs import AssignDialog

        self.open_action(AssignDialog(self.desk, self.case_number),
                         then=lambda said: self._worked_said(f"Case {self.case_number} assigned to "
                                                             f"{said.assigned_to}." if said is not None else None))

    def action_work_menu(self) -> None:
        from calldesk.screens.case.menu import CaseAction, CaseActionMenu, offers_for

        def picked(action: CaseAction | None) -> None:
            if action is None:
                return
            try:
                dialog = action.make(self.desk, self.case_number)
            except Exception as exc:  # the case is gone, the store is away: one line, the case stays on screen
                set_keys_aside(self, f"{action.label.split(':')[0]} did not open.")
                self.notify(inert(as_refusal(exc).message), severity="error", markup=False)
                return
            self.open_action(dialog, then=lambda said: self._worked(action, said))

        offers = (offers_for(self.desk.actor, self.desk.profile, self.view, self.desk.today())
                  if self.view is not None else {})
        self.app.push_screen(CaseActionMenu(self.case_number, offers), picked)

    def _worked(self, action: Any, said: Any) -> None:
        """A dialog closed: say what it did (its own sentence, or the action's name) and read the case again."""
        if isinstance(said, str) and said:
            self.notify(inert(said), markup=False)
        elif said is not None:
            self.notify(inert(f"{action.label.split(':')[0].split(' (')[0]}: done."), markup=False)
        self.load()

    def _worked_said(self, said: str | None) -> None:
        if said:
            self.notify(inert(said), markup=False)
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "assign" and self.desk.ready:
            return self.desk.actor.may("reassign")
        return True

    # ---- hooks for other dialogs ------------------------------------------------------------------------------
    def open_action(self, dialog: Screen[Any], then: Any = None) -> None:
        """Show `dialog` (a modal screen about this case); when it closes, `then(result)` runs (if given) and the
        case is read again, so what the dialog changed is on screen."""

        def closed(result: Any) -> None:
            if then is not None:
                then(result)
            else:
                self.load()

        hold_keys(self)  # what is typed from here on is for the dialog, once its first field has the focus
        self.app.push_screen(dialog, closed)

    # ---- moving -----------------------------------------------------------------------------------------------
    def unsaved_changes(self) -> str | None:
        """What leaving the case now would lose, in a sentence for the agent; None when nothing would be."""
        if self.saving:
            return f"Case {self.case_number} is being saved: F3 or F4 again once it is."
        if self.editable and self.shown_values is not None and self.form.values() != self.shown_values:
            return (f"Case {self.case_number} has changes not saved: ctrl+s saves them, Escape leaves them "
                    "(it asks first).")
        return None

    def action_back(self) -> None:
        """Leave the case; with changes typed and not saved, only once the user says to drop them."""
        if self.unsaved_changes() is None:
            self.dismiss(None)
            return
        from calldesk.screens.confirm import Confirm

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(Confirm(f"Leave case {self.case_number} unsaved?",
                                     "What you changed here is not saved: y leaves without it; n stays "
                                     "(ctrl+s saves it).", yes="Leave", no="Stay"), answered)

    def action_show_tab(self, pane: str) -> None:
        if not self.form.ready:
            return
        if pane in dict(TABS):
            self.form.show_tab(pane)
        else:  # Steps, History, Links: shown at once too, so the next F7 of a burst counts from here, and the
            # focus goes with it (to its scroll: the arrows read on); left in the tab before, it would take the
            # tabs back there
            self.form.tabs.active = pane
            self.form.tabs.query_one(ContentSwitcher).current = pane
            self.set_focus(self.query_one(f"#{pane}", TabPane).query_one(VerticalScroll))

    def action_next_tab(self, step: int) -> None:
        if not self.form.ready:
            return
        panes = [pane for pane, _ in ALL_TABS]
        current = self.form.active_tab  # (TabbedContent.active lags behind fast tab keys)
        index = panes.index(current) if current in panes else 0
        self.action_show_tab(panes[(index + step) % len(panes)])

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A refusal (stale case, missing field, not allowed): a banner and the field named; nothing typed lost."""
        if event.state != WorkerState.ERROR:
            return
        self.saving = False
        error = as_refusal(event.worker.error)
        fields: dict[str, str] = getattr(error, "fields", None) or {getattr(error, "field", None) or "": error.message}
        if self.form.ready:
            for name, message in fields.items():
                self.form.show_error(name or None, message, focus=False)
        self.query_one("#case-banner", Banner).show(error.message, "stop")
        self.notify(inert(error.message), severity="error", timeout=8, markup=False)
