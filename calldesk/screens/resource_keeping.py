"""The coordinator keeps the resource directory from the desk (LAUSD: "maintaining an updated and accurate
Department Tiers of Responses and Resources"): one dialog adds or edits an entry, and retiring one asks to confirm.
Each is one service call (calldesk.store.reference) in a thread worker; a refusal stays on the dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from calldesk.rules.display import inert
from calldesk.rules.resources import ResourceEntry, keywords_of
from calldesk.screens.context import Desk
from calldesk.screens.failures import as_refusal

if TYPE_CHECKING:
    from calldesk.models import Resource

FIELDS = (("department", "Department or office"), ("response", "What the caller is told"),
          ("contact", "Whom they reach (phone, page)"), ("keywords", "Keywords, separated by commas"))


class ResourceEntryDialog(ModalScreen["Resource | None"]):
    """Add an entry (`entry` None), edit one, or retire one (`retire`): Save (ctrl+s) or Cancel (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="resource_entry.save"),
        Binding("escape", "cancel", "Cancel", id="resource_entry.cancel"),
    ]
    DEFAULT_CSS = """
    ResourceEntryDialog { align: center middle; }
    ResourceEntryDialog > Vertical { width: 80; max-width: 100%; height: auto; max-height: 100%;
                                     border: round $accent; padding: 0 1; }
    ResourceEntryDialog #entry-status { color: $error; height: auto; }
    ResourceEntryDialog .dialog-buttons { height: auto; }
    """

    def __init__(self, desk: Desk, entry: Resource | None = None, *, retire: bool = False) -> None:
        super().__init__()
        self.desk, self.entry, self.retire = desk, entry, retire

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            entry = self.entry
            box.border_title = ("Retire entry" if self.retire else "Edit entry" if entry else "New entry") + \
                " of the resource directory"
            if self.retire and entry is not None:
                yield Static(inert(f"Retire {entry.department}? Agents will no longer see it; it stays in the "
                                   "trail."), markup=False)
            else:
                for name, label in FIELDS:
                    yield Label(label)
                    yield Input(value=str(getattr(entry, name)) if entry is not None else "", id=f"entry-{name}")
            yield Static("", id="entry-status", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Retire (ctrl+s)" if self.retire else "Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def action_submit(self) -> None:
        values = {} if self.retire else {name: self.query_one(f"#entry-{name}", Input).value for name, _ in FIELDS}
        self._submit(values)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_submit()
        else:
            self.dismiss(None)

    @work(thread=True, exclusive=True, group="resource-entry", exit_on_error=False)
    def _submit(self, values: dict[str, Any]) -> None:
        from calldesk.store.reference import add_resource, edit_resource, retire_resource

        desk = self.desk
        try:
            with desk.store.uow() as uow:
                if self.retire and self.entry is not None:
                    row = retire_resource(uow, actor=desk.actor, profile=desk.profile,
                                          resource_id=self.entry.id or 0)
                else:
                    typed = ResourceEntry(values["department"], values["response"], values["contact"],
                                          keywords_of(values["keywords"]))
                    row = (edit_resource(uow, actor=desk.actor, profile=desk.profile,
                                         resource_id=self.entry.id or 0, entry=typed) if self.entry is not None
                           else add_resource(uow, actor=desk.actor, profile=desk.profile, entry=typed))
        except Exception as exc:  # a refusal stays on the dialog, everything typed kept
            self.app.call_from_thread(self._refused, as_refusal(exc).message)
            return
        self.app.call_from_thread(self.dismiss, row)

    def _refused(self, message: str) -> None:
        self.query_one("#entry-status", Static).update(inert(message))
