"""The queue's small forms: one line of text (assign to, a reason to escalate), the filters, the sort order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from calldesk.rules.assignment import not_signing_in
from calldesk.rules.display import inert
from calldesk.rules.profile import TIER_LABELS, role_label, role_rank
from calldesk.rules.vocabulary import SOURCES
from calldesk.screens.held_keys import field_ready
from calldesk.store.read.queue import SORTS, QueueFilter
from calldesk.widgets.typing import TypingInput, field_moves

if TYPE_CHECKING:
    from calldesk.rules.assignment import Staffer

DIALOG_CSS = """
QueueDialog { align: center middle; }
QueueDialog > Vertical { width: 70; max-width: 100%; height: auto; max-height: 100%; border: round $accent;
                         padding: 0 1; background: $surface; }
QueueDialog Label.error { color: $error; }
QueueDialog Input, QueueDialog Select { margin: 0; }
"""

SORT_LABELS = {"deadline": "Next deadline", "number": "Case number", "opened": "Opened", "category": "Category",
               "tier": "Type / tier", "assignee": "Assignee", "language": "Language", "source": "Source"}
SLA_LABELS = {"breached": "breached", "at_risk": "at risk", "on_track": "on track"}


class QueueDialog(ModalScreen[object]):
    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="queue_dialog.cancel", tooltip="Close without changing anything"),
        *field_moves("queue_dialog"),  # Tab moves as it is read: what is typed next goes to the next field
    ]

    def on_mount(self) -> None:  # (after a subclass's own on_mount: Textual runs each class's)
        # The cursor in the first field now: the keys typed right after the queue's key (held by the app) go there.
        field_ready(self, next((w for w in self.query("Input, Select, OptionList") if w.focusable), None))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptDialog(QueueDialog):
    """One line of text; Enter gives it back, Escape gives None. A refusal re-opens it with the text kept."""

    def __init__(self, title: str, label: str, *, value: str = "", error: str = "") -> None:
        super().__init__()
        self.title_text, self.label, self.value, self.error = title, label, value, error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, markup=False)
            if self.error:
                yield Label(inert(self.error), classes="error", markup=False)
            yield Label(self.label, markup=False)
            yield TypingInput(value=self.value, id="prompt")

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


def _select(name: str, options: list[tuple[str, str]], value: str | None) -> Select[str]:
    return Select(options, value=value if value in {v for _, v in options} else Select.NULL,
                  id=f"f-{name.replace(' ', '_')}", prompt=f"any {name}")


class FilterDialog(QueueDialog):
    """Every filter at once; Enter in any field (or ctrl+s) applies them, Escape leaves them as they were."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", id="queue_dialog.apply", tooltip="Apply these filters"),
    ]

    def __init__(self, filters: QueueFilter, *, users: list[str]) -> None:
        super().__init__()
        self.filters, self.users = filters, users

    def compose(self) -> ComposeResult:
        f = self.filters
        with Vertical():
            yield Label("Filter the queue (Enter or ctrl+s applies, Escape cancels)")
            yield _select("status", [("open cases", "open"), ("closed cases", "closed")], f.status)
            yield _select("SLA state", [(label, key) for key, label in SLA_LABELS.items()], f.sla)
            yield _select("tier", [(label, key) for key, label in TIER_LABELS.items()], f.tier)
            yield _select("source", [(s, s) for s in SOURCES], f.source)
            yield _select("assignee", [("nobody", "-"), *((u, u) for u in self.users)], f.assignee)
            yield TypingInput(value=f.category or "", placeholder="category (exact)", id="f-category")
            yield TypingInput(value=f.place or "", placeholder="school or department (exact)", id="f-place")
            yield TypingInput(value=f.language or "", placeholder="language (e.g. Spanish)", id="f-language")
            yield TypingInput(value=f.search, placeholder="search: case number or caller (start)", id="f-search")

    def _value(self, name: str) -> str | None:
        select: Select[str] = self.query_one(f"#f-{name.replace(' ', '_')}", Select)
        return None if select.value is Select.NULL else str(select.value)

    def _text(self, name: str) -> str | None:
        return self.query_one(f"#f-{name}", Input).value.strip() or None

    @on(Input.Submitted)
    def action_apply(self) -> None:
        self.dismiss(QueueFilter(status=self._value("status") or "open", sla=self._value("SLA state"),
                                 tier=self._value("tier"), source=self._value("source"),
                                 assignee=self._value("assignee"), category=self._text("category"),
                                 place=self._text("place"), language=self._text("language"),
                                 search=self._text("search") or ""))


class SortDialog(QueueDialog):
    """Pick the column to sort by; picking the current one again reverses the order."""

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Sort by (Enter; the current column again reverses the order)")
            options = [Option(("> " if key == self.current else "  ") + SORT_LABELS[key], id=key) for key in SORTS]
            yield OptionList(*options, id="sort-columns")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = list(SORTS).index(self.current)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class AssigneeDialog(QueueDialog):
    """Pick who takes the cases: the staff who may be assigned work, each with their role, load and presence
    (away last), so a person is chosen, never typed and then refused."""

    def __init__(self, title: str, staff: Sequence[Staffer], *, error: str = "", people: str = "Give to") -> None:
        """`people`: who is listed and what Enter does ("Give to": staff who take cases; "Act as": everyone)."""
        super().__init__()
        self.title_text, self.error, self.people = title, error, people
        # Work given to someone who cannot sign in could never be worked: they are named below the list instead.
        giving = people == "Give to"
        self.left_out = not_signing_in(staff) if giving else ""
        self.staff = sorted((s for s in staff if not giving or (s.role != "respondent" and s.signs_in)),
                            key=lambda s: (not s.present, role_rank(s.role), s.open_cases, s.username))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, markup=False)
            if self.error:
                yield Label(inert(self.error), classes="error", markup=False)
            yield Label(f"{self.people} (Enter picks; Escape cancels):", markup=False)
            options = [Option(inert(f"{s.username}  {role_label(s.role)}, {s.open_cases} open"
                                    f"{'' if s.present else ', AWAY'}"), id=s.username) for s in self.staff]
            yield OptionList(*options, id="assignees")
            if self.left_out:
                yield Label(inert(self.left_out), id="assignees-left-out", markup=False)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
