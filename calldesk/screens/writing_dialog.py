"""The one base of every dialog that writes (the case's work dialogs, its actions, the callbacks' forms, the
resource directory's entry): its fields, one refusal line, Save (ctrl+s) and Cancel (escape).

- Keys keep their order: Tab and shift+tab move the focus as the app reads them (calldesk.widgets.typing
  field_moves), and the text boxes apply their editing keys in the order typed (TypingInput), as on the intake;
  keys typed while the dialog opens (held by the app: calldesk.screens.held_keys) go to its first field.
- A dialog that reads first (`LOADS`: a case and the version the user saw) keeps Save disabled until it has read,
  and never submits without that version: the service's stale-write check always has the version to compare.
- Reading and writing run in thread workers; their results and failures come back in one place
  (`Worker.StateChanged`): the result is shown or dismissed with, a failure stays on the dialog as one line with
  everything typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from calldesk.errors import CalldeskError
from calldesk.rules.display import inert
from calldesk.screens.failures import as_refusal
from calldesk.screens.held_keys import field_ready
from calldesk.widgets.inert_text import plain
from calldesk.widgets.tick_box import TickBox
from calldesk.widgets.typing import field_moves

if TYPE_CHECKING:
    from calldesk.screens.desk_state import Desk
    from calldesk.store.db.uow import UnitOfWork
    from calldesk.store.db.users import Actor

R = TypeVar("R")
READ, WRITE = "dialog.read", "dialog.write"  # the worker groups the base answers for


class WritingDialog(ModalScreen[R], Generic[R]):
    """Fields from `body()`, the refusal line, Save / Cancel. A subclass says what it reads (`read`, on a worker
    thread, when `LOADS`) and what Save does (`prepare`: checks what is typed on the UI thread, returns the work
    for the worker thread, whose result the dialog is dismissed with)."""

    HEADING = ""
    SAVE_LABEL = "Save"
    LOADS = False
    REFUSAL_ID: ClassVar[str] = "refusal"
    STILL_READING: ClassVar[str] = "What this form lists is still being read: Save works once it is on screen."
    HINT: ClassVar[str] = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="dialog.save"),
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        *field_moves("dialog"),
    ]
    # Taller than the terminal (the quality review's checklist at 80x24), the dialog scrolls to the field with the
    # cursor; a tick box's label wraps at the dialog's side.
    DEFAULT_CSS = """
    WritingDialog > .writing-dialog { width: 80; max-width: 100%; height: auto; max-height: 100%;
                                      overflow-y: auto; }
    WritingDialog Input, WritingDialog Select, WritingDialog TickBox { width: 100%; }
    WritingDialog .refusal { color: $error; height: auto; }
    """

    found: Any = None  # what `read` returned, once read
    # The first field is a picker that `read` fills: the keys typed as the dialog opens (Enter, the start of a name)
    # wait until it is filled, else they opened an empty list.
    keys_wait_for_read = False
    saving = False

    def heading(self) -> str:
        return self.HEADING

    def hint(self) -> str:
        """The keys' line under the fields (HINT; none when empty)."""
        return self.HINT

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog writing-dialog") as box:
            box.border_title = self.heading()
            yield from self.body()
            yield Static("", id=self.REFUSAL_ID, classes="dialog-line refusal", markup=False)
            if self.hint():
                yield Static(self.hint(), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.SAVE_LABEL} (ctrl+s)", id="save", variant="primary", disabled=self.LOADS)
                yield Button("Cancel (esc)", id="cancel")

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        first = next((w for w in self.query("Input, TextArea, Select, TickBox") if w.focusable), None)
        if first is not None:
            self.set_focus(first)  # now (focus() waits for the app's queue): the keys held meanwhile go here
        if not (self.LOADS and self.keys_wait_for_read):
            field_ready(self)
        self._mount_focus = self.focused
        self._mount_value = _value_of(self.focused)
        self._untouched = True
        if self.LOADS:
            self.run_worker(self.read, name="read", group=READ, thread=True, exclusive=True, exit_on_error=False)

    def focus_unless_moved(self, widget: Widget) -> None:
        """Put the cursor in `widget` when it is read, unless the person has already moved on (what they type
        next must land where they went)."""
        if self._untouched:
            widget.focus()

    # ---- reading (LOADS) ------------------------------------------------------------------------------------
    def read(self) -> Any:  # pragma: no cover - every dialog that LOADS defines it
        """On a worker thread: what the dialog shows and needs to save (the case and its version)."""
        raise NotImplementedError

    def loaded(self, found: Any) -> None:
        """On the UI thread, once read: show it."""

    @property
    def ready(self) -> bool:
        """Save may submit: nothing to read, or read (with the case's version)."""
        return not self.LOADS or self.found is not None

    # ---- writing --------------------------------------------------------------------------------------------
    def prepare(self) -> Callable[[], Any]:  # pragma: no cover - every dialog defines it
        """Check what is typed (raising the refusal); the work to run on the worker thread."""
        raise NotImplementedError

    def action_save(self) -> None:
        if self.saving:
            return
        if not self.ready:
            self.refuse(self.STILL_READING)
            return
        try:
            work = self.prepare()
        except CalldeskError as exc:
            self.refuse(exc.message)
            return
        self.saving = True
        self.query_one("#save", Button).disabled = True
        self.run_worker(work, name="write", group=WRITE, thread=True, exclusive=True, exit_on_error=False)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def refuse(self, message: str) -> None:
        line = self.query_one(f"#{self.REFUSAL_ID}", Static)
        line.update(inert(f"Refused: {message}", lines=False))
        line.scroll_visible()  # (in a dialog taller than the terminal)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[Any] = event.worker
        if worker.group not in (READ, WRITE):
            return
        event.stop()
        if event.state == WorkerState.SUCCESS:
            if worker.group == WRITE:
                self.dismiss(worker.result)
                return
            self.found = worker.result
            # Judged before `loaded` fills the fields: has the person moved or typed since the dialog opened?
            self._untouched = self.focused is self._mount_focus and _value_of(self.focused) == self._mount_value
            self.loaded(worker.result)
            self.query_one("#save", Button).disabled = False
            if self.keys_wait_for_read:
                field_ready(self)
        elif event.state == WorkerState.ERROR:
            if worker.group == READ and self.keys_wait_for_read:
                field_ready(self)  # the refusal is on the dialog: the keys typed go to it, not the screen behind
            self.saving = False
            self.refuse(as_refusal(worker.error).message)
            self.query_one("#save", Button).disabled = not self.ready

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    # ---- what is typed ----------------------------------------------------------------------------------------
    def typed(self, name: str) -> str:
        """The text (or the picked value; "" for none) of field `name`."""
        widget = self.query_one(f"#{name}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        if isinstance(widget, TextArea):
            return widget.text
        return str(widget.value)  # type: ignore[attr-defined]

    def fill_picker(self, name: str, choices: list[tuple[str, str]]) -> Select[str]:
        """Picker `name` offers `choices` ((label, value) pairs; labels shown inert, never as markup)."""
        picker: Select[str] = self.query_one(f"#{name}", Select)
        picker.set_options([(plain(label), value) for label, value in choices])
        return picker

    def ticked(self, name: str) -> bool:
        return bool(self.query_one(f"#{name}", TickBox).value)


def _value_of(widget: Widget | None) -> object:
    if isinstance(widget, TextArea):
        return widget.text
    return getattr(widget, "value", None)


class CaseDialog(WritingDialog[R]):
    """A dialog about case `case_number`: it reads the case (and the version the user saw) first, and Save runs
    the subclass's service in one unit of work against that version."""

    LOADS = True
    STILL_READING = "The case is still being read: Save works once it is on screen."

    def __init__(self, desk: Desk, case_number: str) -> None:
        super().__init__()
        self.desk, self.case_number = desk, case_number

    @property
    def version(self) -> int | None:
        """The case's version as read when the dialog opened (None until read)."""
        return self.found.case.version if self.found is not None else None

    def prepare(self) -> Callable[[], Any]:
        call, version, desk = self.service(), self.version, self.desk
        if version is None:  # never a write that skips the stale-write check
            raise CalldeskError(self.STILL_READING)

        def work() -> Any:
            with desk.store.uow() as uow:
                return call(uow, desk.actor, version)

        return work

    def service(self) -> Callable[[UnitOfWork, Actor, int], Any]:  # pragma: no cover - every dialog defines it
        """The service call for what is typed (checked here first), given the unit of work, who acts and the
        version the user saw; what it returns is what the dialog is dismissed with."""
        raise NotImplementedError
