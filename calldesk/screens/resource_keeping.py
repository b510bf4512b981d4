"""The coordinator keeps the resource directory from the desk (LAUSD: "maintaining an updated and accurate
Department Tiers of Responses and Resources"): one dialog adds or edits an entry, and retiring one asks to confirm.
Each is one service call (calldesk.store.services.reference) in a thread worker; a refusal stays on the dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Label, Static

from calldesk.rules.display import inert
from calldesk.rules.resources import ResourceEntry, keywords_of
from calldesk.screens.desk_state import Desk
from calldesk.screens.writing_dialog import WritingDialog
from calldesk.widgets.typing import TypingInput

if TYPE_CHECKING:
    from calldesk.models import Resource

FIELDS = (("department", "Department or office"), ("response", "What the caller is told"),
          ("contact", "Whom they reach (phone, page)"), ("keywords", "Keywords, separated by commas"))


class ResourceEntryDialog(WritingDialog["Resource | None"]):
    """Add an entry (`entry` None), edit one, or retire one (`retire`): Save (ctrl+s) or Cancel (escape)."""

    def __init__(self, desk: Desk, entry: Resource | None = None, *, retire: bool = False) -> None:
        super().__init__()
        self.desk, self.entry, self.retire = desk, entry, retire
        self.SAVE_LABEL = "Retire" if retire else "Save"

    def heading(self) -> str:
        return ("Retire entry" if self.retire else "Edit entry" if self.entry else "New entry") + \
            " of the resource directory"

    def body(self) -> ComposeResult:
        entry = self.entry
        if self.retire and entry is not None:
            yield Static(inert(f"Retire {entry.department}? Agents will no longer see it; it stays in the trail."),
                         markup=False)
            return
        for name, label in FIELDS:
            yield Label(label)
            yield TypingInput(value=str(getattr(entry, name)) if entry is not None else "", id=f"entry-{name}")

    def prepare(self) -> Callable[[], Any]:
        from calldesk.store.services.reference import add_resource, edit_resource, retire_resource

        desk, entry, retire = self.desk, self.entry, self.retire
        values = {} if retire else {name: self.typed(f"entry-{name}") for name, _ in FIELDS}

        def work() -> Any:
            with desk.store.uow() as uow:
                if retire and entry is not None:
                    return retire_resource(uow, actor=desk.actor, profile=desk.profile, resource_id=entry.id or 0)
                typed = ResourceEntry(values["department"], values["response"], values["contact"],
                                      keywords_of(values["keywords"]))
                if entry is not None:
                    return edit_resource(uow, actor=desk.actor, profile=desk.profile, resource_id=entry.id or 0,
                                         entry=typed)
                return add_resource(uow, actor=desk.actor, profile=desk.profile, entry=typed)

        return work
