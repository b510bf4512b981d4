"""The agent desk: who is signed in, and the way into a new call; on start it offers unsaved calls back."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from calldesk.rules.display import inert
from calldesk.rules.profile import role_label
from calldesk.screens.case.open import open_case_screen
from calldesk.screens.desk_state import Desk
from calldesk.screens.failures import ReportsWorkerFailures
from calldesk.screens.fresh import FreshScreen
from calldesk.screens.held_keys import hold_keys, set_keys_aside
from calldesk.screens.resume import Draft, ResumeDraft
from calldesk.screens.ring_line import RingLine
from calldesk.widgets.key_line import KeyLine

# The key line, most needed first: whatever does not fit at 80 columns drops from the end (F1, which lists every
# key, always stays); the ringing line itself says "p takes the call".
DESK_KEYS = ("app.new_call", "desk.find", "desk.callbacks", "desk.drafts", "app.queue", "app.quit", "desk.pop",
             "desk.refresh", "desk.act_as", "app.commands", "app.help")


class DeskScreen(ReportsWorkerFailures, FreshScreen[None]):
    """The base screen of the agent desk mode."""

    SUB_TITLE = "Agent desk"
    HELP = ("The agent desk. Start a new call with ctrl+n (or F2) from anywhere: the intake screen has the five "
            "tabs of the case record. Calls you leave unsaved are kept as drafts and offered back here (r); "
            "discard one you no longer need with d. My work lists what you must do, soonest first: your open "
            "cases by next deadline, follow-ups, acknowledgements and written responses due, callbacks to "
            "return (OVERDUE in words); Enter opens the case. / (or ctrl+f) finds any case by number, phone, "
            "email, name or school. When the phone system reports a call ringing for you, its caller's earlier "
            "calls show on one line; p starts its intake with the number and ring time filled. ctrl+q quits.")
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority (r, / and b): the screen opens as the key is read, so the keys typed right behind it reach it
        # (a bubbled binding ran after them, and the desk's list swallowed them: Enter opened a case of My work).
        # The desk has no text box.
        Binding("r", "offer_drafts", "Drafts", priority=True, id="desk.drafts",
                tooltip="Resume a call you did not save"),
        Binding("slash,ctrl+f", "find_case", "Find case", id="desk.find", priority=True,
                tooltip="Find any case by number, phone, email, name or school"),
        Binding("g", "refresh_work", "Refresh", id="desk.refresh", tooltip="Read My work again"),
        Binding("b", "callbacks", "Callbacks", priority=True, id="desk.callbacks", tooltip="Messages to call back"),
        Binding("p", "take_ringing", "Take ringing call", id="desk.pop",
                tooltip="Start the intake of the call ringing for you: its number, call id and ring time filled"),
        Binding("ctrl+u", "act_as", "Act as", id="desk.act_as",
                tooltip="Practice: act as another member of the practice team (their role, their work)"),
    ]

    class ActAs(Message):
        """Practice: the user picked another member of the team to act as."""

        def __init__(self, who: str) -> None:
            super().__init__()
            self.who = who

    class TakeCall(Message):
        """Take a call: a new one, or a resumed draft (`client_id` and its `values`)."""

        def __init__(self, client_id: str | None, values: dict[str, Any] | None) -> None:
            super().__init__()
            self.client_id = client_id
            self.values = values

    class Connected(Message):
        """The store is open and the user signed in (posted by the app's connect thread)."""

    class WorkLoaded(Message):
        def __init__(self, items: list[Any]) -> None:
            super().__init__()
            self.items = items

    class DraftsFound(Message):
        def __init__(self, drafts: list[Draft], *, asked: bool) -> None:
            super().__init__()
            self.drafts, self.asked = drafts, asked  # asked: with r (not offered on start)

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("Opening the store…", id="who")
            yield Static("", id="where")
            yield RingLine(self.desk, id="ring")
            yield Static(f"Protocol: {self.desk.profile.title}", id="protocol")
            yield Static("Press [b]ctrl+n[/b] or [b]F2[/b] to take a call, [b]F1[/b] for help, "
                         "[b]ctrl+p[/b] for every command.", id="start-hint")
            yield Static("My work", id="my-work-title")
            table: DataTable[str | Text] = DataTable(id="my-work", cursor_type="row")
            table.add_columns("Due", "Next step", "Case", "What")
            yield table
        yield KeyLine(DESK_KEYS, id="desk-keys")

    WORK_REFRESH = 30.0  # seconds: a case assigned meanwhile appears without a key

    def on_mount(self) -> None:
        if self.desk.ready:
            self.show_identity()
        self.find_drafts(asked=False)
        self.set_interval(self.WORK_REFRESH, self._refresh_if_shown)

    def _refresh_if_shown(self) -> None:
        if self.desk.ready and self.app.screen is self:
            self.action_refresh_work()

    def on_screen_resume(self) -> None:
        if self.desk.ready:
            self.action_refresh_work()

    def action_refresh_work(self) -> None:
        self.load_work()

    @work(thread=True, exclusive=True, group="work", exit_on_error=False)
    def load_work(self) -> None:
        from calldesk.screens.case import store as case_store

        self.post_message(self.WorkLoaded(case_store.work_of(self.desk)))

    @on(WorkLoaded)
    def _show_work(self, event: WorkLoaded) -> None:
        from calldesk.store.read.my_work import due_column, work_lines

        lines = work_lines(event.items)
        profile, today = self.desk.profile, self.desk.today()
        table = self.query_one("#my-work", DataTable)
        table.clear()
        for n, line in enumerate(lines):  # each case once, with its next step in words (rules.shown's times)
            more = f" (+{line.more} more)" if line.more else ""
            table.add_row(Text(due_column(line, profile=profile, today=today),
                               style="bold red" if line.overdue else ""),
                          Text(inert(f"{line.next}{more}")), line.case_number or "", Text(inert(line.what)),
                          key=f"{n}:{line.case_number or ''}")
        self.query_one("#my-work-title", Static).update(
            f"My work: {len(lines)} item(s), {sum(line.overdue for line in lines)} overdue"
            + ("; Enter opens the case" if lines else ""))

    @on(DataTable.RowSelected, "#my-work")
    def _open_work(self, event: DataTable.RowSelected) -> None:
        number = str(event.row_key.value or "").partition(":")[2]
        if number:
            open_case_screen(self, number)
        else:
            self.notify("This callback has no case: return the call and mark it done.")

    def action_find_case(self) -> None:
        from calldesk.screens.find import FindCaseScreen

        def found(number: str | None) -> None:
            if number:
                open_case_screen(self, number)

        hold_keys(self)  # the words typed right after / wait for its box
        self.app.push_screen(FindCaseScreen(self.desk), found)

    @on(Connected)
    def show_identity(self) -> None:
        """Who is signed in, against which store (known once the store is open)."""
        if not self.desk.ready:
            return  # (the app is leaving: the store was closed as it opened)
        store, actor = self.desk.store, self.desk.actor
        self.query_one("#who", Static).update(
            f"Signed in as [b]{escape(inert(actor.username))}[/b] ({role_label(actor.role)})")
        self.query_one("#where", Static).update(Text(inert(f"Store: {store.location} ({store.backend})")))
        self.query_one(RingLine).start()
        self.action_refresh_work()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.desk.practice if action == "act_as" else True  # (a real store: you are who you are)

    @work(exclusive=True, group="practice")
    async def action_act_as(self) -> None:
        from calldesk.screens.case import store as case_store
        from calldesk.screens.queue.dialogs import AssigneeDialog

        staff = await self.app.run_worker(lambda: case_store.staff(self.desk), thread=True).wait()
        chosen = await self.app.push_screen_wait(AssigneeDialog("Practice: act as", staff or [], people="Act as"))
        if isinstance(chosen, str):
            self.post_message(self.ActAs(chosen))

    def action_take_ringing(self) -> None:
        """The pop's one key: the intake of the ringing call, its number, call id and ring time filled."""
        import uuid

        from calldesk.rules.phone import call_client_id

        line = self.query_one(RingLine)
        pop = line.pop
        if pop is None:
            self.notify("No call is ringing for you.")
            return
        values = {"phone": pop.number if pop.digits else "", "call_started": pop.ring_at.isoformat()}
        client_id = call_client_id(pop.call_id) if pop.call_id else uuid.uuid4().hex
        self.take_call(client_id=client_id, values=values)
        line.post_message(RingLine.Ringing(None))  # taken: the line is for the next ring

    def action_callbacks(self) -> None:
        from calldesk.screens.callbacks import CallbacksScreen

        hold_keys(self)  # a, t, d... typed right after b are the callbacks' keys
        self.app.push_screen(CallbacksScreen(self.desk))

    def action_offer_drafts(self) -> None:
        hold_keys(self)  # Enter or an arrow typed right after r is for the list of drafts, read first
        self.find_drafts(asked=True)

    @work(thread=True, exclusive=True, group="drafts", exit_on_error=False)
    def find_drafts(self, *, asked: bool) -> None:
        # The store first: this waits until it is open (at the agent's first pause), and only then loads the
        # database code, which would otherwise load now, on start, beside the UI building the first call.
        store, username = self.desk.store, self.desk.actor.username
        from calldesk.store.services.drafts import drafts_of

        with store.uow(readonly=True) as uow:
            found = drafts_of(uow.session, username)
        self.post_message(self.DraftsFound(found, asked=asked))

    @on(DraftsFound)
    def _offer(self, event: DraftsFound) -> None:
        if not event.drafts or self.app.screen is not self:
            if event.asked:  # (the keys typed after r were for the list: never for My work behind it)
                set_keys_aside(self, "The list of unsaved calls did not open.")
                if not event.drafts:
                    self.notify("No unsaved calls.")
            return
        forms = dict(event.drafts)

        def resume(client_id: str | None) -> None:
            if client_id is not None:
                self.take_call(client_id=client_id, values=forms[client_id])

        self.app.push_screen(ResumeDraft(event.drafts, self.desk), resume)

    def take_call(self, *, client_id: str | None = None, values: dict[str, Any] | None = None) -> None:
        """Ask the app to open the intake screen: a new call, or a resumed draft (one call at a time)."""
        self.post_message(self.TakeCall(client_id, values))
