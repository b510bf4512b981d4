"""Callbacks to return (LA DCFS): mine and those I cover for absent staff, due or overdue in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Select, Static
from textual.worker import Worker

from calldesk.errors import CalldeskError, InvalidInput
from calldesk.models import CallbackCreate, CallbackPublic
from calldesk.rules.calendar import calendar_for
from calldesk.rules.callbacks import attempts_words, describe_due
from calldesk.rules.reporting import month_period
from calldesk.rules.shown import phone_words
from calldesk.rules.typed_dates import local_moment
from calldesk.screens.desk_state import Desk
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.screens.held_keys import field_ready, hold_keys
from calldesk.screens.writing_dialog import WritingDialog
from calldesk.widgets.inert_text import plain
from calldesk.widgets.tick_box import TickBox
from calldesk.widgets.typing import TypingInput

if TYPE_CHECKING:
    from calldesk.store.services.callbacks import CallbackTimeliness


class AskForm(WritingDialog[bool]):
    """A small form (calldesk.screens.writing_dialog): Enter in any field (or ctrl+s) runs `submit` on a worker
    thread; a refusal stays on the form, as typed. `picks`: (name, label) pickers whose (label, value) choices
    `options` reads on a worker thread as the form opens (Save waits for them); their values come with the fields'."""

    REFUSAL_ID = "form-error"
    HINT = "Enter saves, Escape cancels."

    def __init__(self, title: str, fields: list[tuple[str, str]], checks: list[tuple[str, str]],
                 submit: Callable[[dict[str, str], dict[str, bool]], None], *,
                 picks: list[tuple[str, str]] | None = None,
                 options: Callable[[], dict[str, list[tuple[str, str]]]] | None = None) -> None:
        super().__init__()
        self.form_title, self.fields, self.checks, self.submit = title, fields, checks, submit
        self.picks, self.options = picks or [], options
        self.LOADS = options is not None
        self.keys_wait_for_read = bool(self.picks)  # Enter and a name typed as it opens: once the list is filled

    def hint(self) -> str:
        return ("Enter on a list opens it, Enter in it picks; ctrl+s saves, Escape cancels." if self.picks
                else self.HINT)

    def heading(self) -> str:
        return self.form_title

    def body(self) -> ComposeResult:
        for name, label in self.picks:
            yield Select[str]([], id=f"f-{name}", prompt=label)
        for name, label in self.fields:
            yield TypingInput(placeholder=label, id=f"f-{name}")
        for name, label in self.checks:
            yield TickBox(label, id=f"c-{name}")

    def read(self) -> dict[str, list[tuple[str, str]]]:
        return self.options() if self.options is not None else {}

    def loaded(self, found: dict[str, list[tuple[str, str]]]) -> None:
        for name, choices in found.items():
            self.fill_picker(f"f-{name}", choices)

    def prepare(self) -> Callable[[], bool]:
        values = {name: self.typed(f"f-{name}") for name, _ in [*self.picks, *self.fields]}
        for name, label in self.picks:
            if not values[name].strip():
                raise InvalidInput(f"{label}: pick one from the list first (Enter opens it).", field=name)
        ticks = {name: self.ticked(f"c-{name}") for name, _ in self.checks}
        submit = self.submit

        def work() -> bool:
            submit(values, ticks)
            return True

        return work

    @on(Input.Submitted)
    def _save(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(False)


class AttemptResult(ModalScreen[str | None]):
    """How the try went: r reached, v voicemail, n no answer; Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "pick('reached')", "Reached", id="attempt.reached"),
        Binding("v", "pick('voicemail')", "Voicemail", id="attempt.voicemail"),
        Binding("n", "pick('no_answer')", "No answer", id="attempt.no_answer"),
        Binding("escape", "pick('')", "Cancel", id="attempt.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "How did the call back go?"
            yield Static("r reached (returns it), v voicemail, n no answer; Escape cancels.", classes="dialog-line")

    def on_mount(self) -> None:
        field_ready(self)  # r, v or n typed right after t answers here

    def action_pick(self, result: str) -> None:
        self.dismiss(result or None)


class ConfirmReturned(ModalScreen[bool]):
    """`d` asks first: y marks the callback returned; n, Escape or Enter on the default "No" leaves it open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, returned", id="callback_done.yes"),
        Binding("n,escape", "answer(False)", "No, keep it open", id="callback_done.no"),
    ]

    def __init__(self, callback: CallbackPublic) -> None:
        super().__init__()
        self.callback = callback

    def compose(self) -> ComposeResult:
        who = plain(self.callback.caller_name or phone_words(self.callback.phone) or "the caller")
        with Vertical(classes="dialog -warning") as box:
            box.border_title = "Mark the callback returned?"
            yield Static(f"The callback to {who} leaves your list as returned.", classes="dialog-line",
                         markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("No, keep it open (n)", id="no", variant="primary")
                yield Button("Yes, returned (y)", id="yes")

    def on_mount(self) -> None:
        field_ready(self, self.query_one("#no", Button))  # the default: Enter keeps it open; y typed after d acts

    def action_answer(self, returned: bool) -> None:
        self.dismiss(returned)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class CallbacksScreen(ReportsWorkerFailures, Screen[None]):
    """The open callbacks of the signed-in user, the earliest due first.

    The store is read and written in thread workers only: a read comes back as `Loaded`, a change as `Changed`,
    and a failure ends in the one handler of worker failures (`ReportsWorkerFailures`)."""

    SUB_TITLE = "Callbacks"
    DEFAULT_CSS = """
    CallbacksScreen #callbacks { height: 1fr; }
    CallbacksScreen #callbacks-detail { height: auto; max-height: 4; padding: 0 1; }
    """
    HELP = ("Messages and voicemails to return. Urgent calls and calls from superiors are due at once, others "
            "within one business day. A supervisor also sees the callbacks of staff absent over a day "
            "(\"covering for\"). a takes a message (with when it was received), t records a try (the list counts "
            "them and shows the last result), d marks one returned (it asks first; n or Enter keeps it open), "
            "h hands one on to someone present and u re-assesses its urgency (supervisors); the line above the "
            "list gives this month's share returned on time, the line under it the highlighted callback whole "
            "(its message, flags, tries and owner, past the screen's edge on a narrow terminal). Escape goes back.")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="callbacks.back"),
        # Priority: each acts as it is read, so the keys typed right behind it wait for its dialog's first field
        # (calldesk.screens.held_keys); before, they went to the list and its keys (a name's 'a', 't', 'd', 'h').
        Binding("a", "add", "Add", priority=True, id="callbacks.add", tooltip="Take a message to call back"),
        Binding("t", "attempt", "Attempt", priority=True, id="callbacks.attempt",
                tooltip="Record a try at calling back"),
        Binding("d", "done", "Done", priority=True, id="callbacks.done",
                tooltip="Mark the callback returned (asks first)"),
        Binding("h", "hand_on", "Hand on", priority=True, id="callbacks.hand_on",
                tooltip="Give the callback to someone else"),
        Binding("u", "assess", "Urgency", id="callbacks.assess",
                tooltip="Re-assess the message's urgency (supervisors)"),
    ]

    class Loaded(Message):
        """The open callbacks and this month's timeliness, read in a worker."""

        def __init__(self, rows: list[CallbackPublic], figure: CallbackTimeliness) -> None:
            super().__init__()
            self.rows, self.figure = rows, figure

    class Changed(Message):
        """A change was saved (one service call); `said` tells the person what it did."""

        def __init__(self, said: str) -> None:
            super().__init__()
            self.said = said

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.rows: list[CallbackPublic] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the callbacks...", id="callbacks-summary", markup=False)
        table: DataTable[str] = DataTable(id="callbacks", cursor_type="row", zebra_stripes=True)
        table.add_columns("Due", "Caller", "Phone", "Summary", "Flags", "Tries", "Owner")
        yield table
        yield Static("", id="callbacks-detail", markup=False)  # the highlighted one whole: past 80 columns too
        yield Footer(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A key is offered to whom the service lets use it (handing on, the urgency: supervisors).
        needs = {"add": "add_callback", "attempt": "complete_callback", "done": "complete_callback",
                 "hand_on": "reassign", "assess": "assess_callback"}
        return self.desk.actor.may(needs[action]) if action in needs and self.desk.ready else True

    def on_mount(self) -> None:
        self.refresh_rows()
        field_ready(self, self.query_one(DataTable))  # a key typed right after b (a: take a message) acts here

    def refresh_rows(self) -> None:
        """Read the list again (in a worker); it is drawn when `Loaded` arrives."""
        self.load()

    @work(thread=True, exclusive=True, group="callbacks-read", exit_on_error=False)
    def load(self) -> None:
        from calldesk.store.read.callbacks_due import callbacks_for
        from calldesk.store.services.callbacks import callback_timeliness

        month = month_period(f"{self.desk.today():%Y-%m}").bounds(self.desk.profile)
        with self.desk.store.uow(readonly=True) as uow:
            rows = callbacks_for(uow.session, profile=self.desk.profile, username=self.desk.actor.username,
                                 today=self.desk.today())
            figure = callback_timeliness(uow.session, since=month[0], until=month[1])
        self.post_message(self.Loaded(rows, figure))

    def _cells(self, c: CallbackPublic) -> tuple[str | Text, ...]:
        """Due, caller, phone, message, flags, tries, owner: the list's columns for callback `c` (stored text inert,
        never markup)."""
        flags = ", ".join(f for f, on_ in (("urgent", c.urgent), ("superior", c.from_superior)) if on_)
        owner = f"covering for {c.covering_for}" if c.covering_for else "mine"
        return (describe_due(c.due_at, now=self.desk.now(), tz=calendar_for(self.desk.profile).tz,
                             today=self.desk.today()),
                plain(c.caller_name), phone_words(c.phone), plain(c.message), flags,
                attempts_words(c.attempts, c.last_attempt), plain(owner))

    @on(DataTable.RowHighlighted, "#callbacks")
    def _say_highlighted(self) -> None:
        table, line = self.query_one(DataTable), self.query_one("#callbacks-detail", Static)
        if not 0 <= table.cursor_row < len(self.rows):
            line.update("")
            return
        due, caller, phone, message, flags, tries, owner = map(str, self._cells(self.rows[table.cursor_row]))
        who = ", ".join(part for part in (caller, phone) if part) or "the caller"
        line.update("; ".join(part for part in (f"{who}: {message or 'no message'}", due, flags,
                                                 tries or "no try yet", owner) if part) + ".")

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        self.rows = event.rows
        table = self.query_one(DataTable)
        table.clear()
        for c in self.rows:
            table.add_row(*self._cells(c), key=str(c.id))
        self._say_highlighted()
        summary = (f"{len(self.rows)} open callback{'s' if len(self.rows) != 1 else ''}." if self.rows
                   else "No callbacks to return.")
        self.query_one("#callbacks-summary", Static).update(f"{summary} This month: {event.figure.words()}.")

    def _selected(self) -> CallbackPublic | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            self.notify("No callback selected.", severity="warning")
            return None
        return self.rows[table.cursor_row]

    @work(thread=True, group="callbacks-write", exit_on_error=False)
    def change(self, write: Callable[[], object], said: str) -> None:
        """One service call off the UI thread; a refusal ends in `show_failure` (one sentence)."""
        write()
        self.post_message(self.Changed(said))

    @on(Changed)
    def _changed(self, event: Changed) -> None:
        self.notify(event.said, markup=False)
        self.refresh_rows()

    def show_failure(self, worker: Worker[Any], refusal: CalldeskError) -> None:
        super().show_failure(worker, refusal)
        if worker.group == "callbacks-write":
            self.refresh_rows()  # the list on screen may be stale (returned or handed on elsewhere)

    def action_add(self) -> None:
        from calldesk.store.services.callbacks import add_callback
        from calldesk.store.services.typed_fields import build

        desk = self.desk

        def submit(values: dict[str, str], ticks: dict[str, bool]) -> None:
            typed = values["received"].strip()
            received = local_moment(desk.profile, typed, "when it was received",
                                    "received_at") if typed else desk.now()
            data = build(CallbackCreate, caller_name=values["name"], phone=values["phone"] or None,
                         message=values["summary"], urgent=ticks["urgent"], from_superior=ticks["superior"],
                         received_at=received)
            with desk.store.uow() as uow:
                add_callback(uow, actor=desk.actor, profile=desk.profile, data=data)

        hold_keys(self)
        self.app.push_screen(AskForm("Take a message", [("name", "Who called"), ("phone", "Number to call back"),
                                                        ("summary", "What about"),
                                                        ("received", "Received at, e.g. 2026-12-04 16:30 "
                                                                     "(empty: now)")],
                                     [("urgent", "Urgent"), ("superior", "From a superior")], submit),
                             lambda saved: self.refresh_rows() if saved else None)

    def action_attempt(self) -> None:
        from calldesk.store.services.callbacks import record_attempt

        chosen, desk = self._selected(), self.desk
        if chosen is None:
            return

        def tried(result: str | None) -> None:
            if result:
                def write() -> None:
                    with desk.store.uow() as uow:
                        record_attempt(uow, actor=desk.actor, callback_id=chosen.id, result=result)
                self.change(write, f"Recorded: {result.replace('_', ' ')}.")

        hold_keys(self)
        self.app.push_screen(AttemptResult(), tried)

    def action_done(self) -> None:
        from calldesk.store.services.callbacks import complete_callback

        chosen, desk = self._selected(), self.desk
        if chosen is None:
            return

        def write() -> None:
            with desk.store.uow() as uow:
                complete_callback(uow, actor=desk.actor, callback_id=chosen.id)

        def answered(returned: bool | None) -> None:
            if returned:
                self.change(write, "Callback returned.")

        hold_keys(self)
        self.app.push_screen(ConfirmReturned(chosen), answered)

    def action_hand_on(self) -> None:
        from calldesk.store.services.callbacks import reassign_callback

        chosen, desk = self._selected(), self.desk
        if chosen is None:
            return

        def submit(values: dict[str, str], ticks: dict[str, bool]) -> None:
            with desk.store.uow() as uow:
                reassign_callback(uow, actor=desk.actor, profile=desk.profile, callback_id=chosen.id,
                                  to_user=values["user"].strip())

        def people() -> dict[str, list[tuple[str, str]]]:
            # Who may take it: at work today (never someone absent), its holder aside (screens.case_actions).
            from calldesk.screens.case.action_dialogs import staff_options

            with desk.store.uow(readonly=True) as uow:
                return {"user": staff_options(uow.session, desk.today(), exclude=[chosen.assigned_to])}

        hold_keys(self)
        self.app.push_screen(AskForm("Hand the callback on to", [], [], submit, picks=[("user", "Hand it to")],
                                     options=people),
                             lambda saved: self.refresh_rows() if saved else None)

    def action_assess(self) -> None:
        from calldesk.store.services.callbacks import reassess_urgency

        chosen, desk = self._selected(), self.desk
        if chosen is None:
            return

        def write() -> None:
            with desk.store.uow() as uow:
                reassess_urgency(uow, actor=desk.actor, profile=desk.profile, callback_id=chosen.id,
                                 urgent=not chosen.urgent)
        self.change(write, "Re-assessed: " + ("not urgent, due within one business day." if chosen.urgent
                                              else "urgent, due at once."))
