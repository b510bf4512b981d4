"""Modal dialogs that act on one case: escalate, appeal, refer, meeting, merge, quality review.

Each takes the desk and a case number, reads the case's version as it opens (the version the user saw), runs its
one service call in a thread worker, and dismisses with the service's result; a refusal stays on the dialog as
one line, with everything typed kept. The case screen's work menu
(ctrl+g, calldesk.screens.case_menu) opens them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from calldesk.rules.display import inert
from calldesk.rules.handling import REFERRAL_KINDS, review_points
from calldesk.screens.context import Desk
from calldesk.screens.failures import as_refusal
from calldesk.widgets.typing import DefaultedInput


@dataclass(frozen=True)
class Field:
    """One input of a dialog: its id, label, and a checkbox instead of a text input when `tick`."""

    name: str
    label: str
    placeholder: str = ""
    tick: bool = False
    value: str = ""


class CaseActionDialog(ModalScreen[Any]):
    """The shared shape: fields, Save (ctrl+s) and Cancel (escape); the subclass says what the service does."""

    TITLE: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[Field, ...]] = ()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="case_action.save"),
        Binding("escape", "cancel", "Cancel", id="case_action.cancel"),
    ]
    DEFAULT_CSS = """
    CaseActionDialog { align: center middle; }
    CaseActionDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                                  border: round $accent; padding: 0 1; }
    CaseActionDialog Input { width: 100%; }
    CaseActionDialog .action-status { color: $error; height: auto; }
    CaseActionDialog .dialog-buttons { height: auto; }
    """

    def __init__(self, desk: Desk, case_number: str) -> None:
        super().__init__()
        self.desk, self.case_number = desk, case_number
        self.expected_version: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"{self.TITLE}: case {self.case_number}"
            yield Static(self.intro(), id="action-intro", markup=False)
            for f in self.FIELDS:
                if f.tick:
                    yield Checkbox(f.label, id=f"f-{f.name}")
                else:
                    yield Label(f.label)
                    # A default is replaced by what is typed, never added to ("safetyhealth").
                    yield DefaultedInput(f.value, placeholder=f.placeholder, id=f"f-{f.name}")
            yield Static("", id="action-status", classes="action-status", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def intro(self) -> str:
        return ""

    def on_mount(self) -> None:
        self._load_version()
        first = next(iter(self.query(Input)), None)
        if first is not None:
            first.focus()

    @work(thread=True, exclusive=True, group="case-version", exit_on_error=False)
    def _load_version(self) -> None:
        from calldesk.store.cases import get_case

        with self.desk.store.uow(readonly=True) as uow:
            case = get_case(uow.session, self.case_number, viewer=self.desk.actor)
            version, extra = case.version, self.describe(uow.session, case)
        self.app.call_from_thread(self._loaded, version, extra)

    def _loaded(self, version: int, extra: str) -> None:
        self.expected_version = version
        if extra:
            self.query_one("#action-intro", Static).update(inert(extra))

    def describe(self, session: Any, case: Any) -> str:
        """A line about the case as it is now (read in the worker); empty for none."""
        return ""

    def values(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for f in self.FIELDS:
            widget = self.query_one(f"#f-{f.name}")
            found[f.name] = widget.value  # type: ignore[attr-defined]
        return found

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:  # pragma: no cover - every dialog defines it
        raise NotImplementedError

    def action_submit(self) -> None:
        self.query_one("#action-status", Static).update("Saving...")
        self._submit(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_submit()
        else:
            self.dismiss(None)

    @work(thread=True, exclusive=True, group="case-action", exit_on_error=False)
    def _submit(self, values: dict[str, Any]) -> None:
        try:
            with self.desk.store.uow() as uow:
                result = self.perform(uow, values)
        except Exception as exc:  # a refusal stays on the dialog, everything typed kept
            self.app.call_from_thread(self._refused, as_refusal(exc).message)
            return
        self.app.call_from_thread(self.dismiss, result)

    def _refused(self, message: str) -> None:
        self.query_one("#action-status", Static).update(inert(message))


class EscalateDialog(CaseActionDialog):
    """One rung up the agency's ladder (or directly to its rung when the principal is involved)."""

    TITLE = "Escalate"
    FIELDS = (Field("reason", "Why is it escalated?", "e.g. the parent is not satisfied with the outcome"),
              Field("principal", "The concern directly involves the principal (refer directly)", tick=True))

    def describe(self, session: Any, case: Any) -> str:
        from calldesk.rules.escalation import escalation_step, next_escalation

        here = escalation_step(self.desk.profile, case.escalation_level)
        step = next_escalation(self.desk.profile, current_level=case.escalation_level)
        now = here.title if here else "the desk"
        return f"Now with {now}; next: {step.title if step else 'none (top of the ladder)'}."

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.store.escalation import escalate

        return escalate(uow, actor=self.desk.actor, profile=self.desk.profile, case_number=self.case_number,
                        reason=values["reason"], expected_version=self.expected_version,
                        principal_involved=bool(values["principal"]))


class AppealDialog(CaseActionDialog):
    """A written appeal: within the profile's window it escalates; later it is refused, saying by when."""

    TITLE = "Appeal"
    FIELDS = (Field("reason", "What does the written appeal ask?"),
              Field("received", "Received (local date and time; empty: now)", "2026-12-01 09:00"))

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.rules.typed_dates import local_moment
        from calldesk.store.escalation import appeal

        text = values["received"].strip()
        return appeal(uow, actor=self.desk.actor, profile=self.desk.profile, case_number=self.case_number,
                      reason=values["reason"], expected_version=self.expected_version,
                      received_at=local_moment(self.desk.profile, text, "received") if text else self.desk.now())


class ReferDialog(CaseActionDialog):
    """Refer to Safety and Security or to the civil rights coordinator, with whom."""

    TITLE = "Refer"
    FIELDS = (Field("kind", f"To ({' or '.join(REFERRAL_KINDS)})", value="safety"),
              Field("contact", "Whom at that office"), Field("note", "What was passed on"))

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.store.handling import refer

        return refer(uow, actor=self.desk.actor, case_number=self.case_number, kind=values["kind"].strip(),
                     contact=values["contact"], note=values["note"], expected_version=self.expected_version,
                     referred_at=self.desk.now())


class MeetingDialog(CaseActionDialog):
    """Schedule a resolution or mediation meeting with its parties."""

    TITLE = "Meeting"
    FIELDS = (Field("kind", "Kind (resolution or mediation)", value="resolution"),
              Field("when", "When (local date and time)", "2026-12-01 15:00"),
              Field("parties", "Parties (separated by commas)", "Parent, Principal, Teacher"),
              Field("place", "Where"))

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.rules.typed_dates import local_moment
        from calldesk.store.handling import schedule_meeting

        return schedule_meeting(uow, actor=self.desk.actor, case_number=self.case_number,
                                kind=values["kind"].strip(), when=local_moment(self.desk.profile, values["when"],
                                                                               "when"),
                                parties=values["parties"].split(","), place=values["place"],
                                expected_version=self.expected_version)


class MeetingOutcomeDialog(CaseActionDialog):
    """The outcome of a meeting and whether the parent was satisfied."""

    TITLE = "Meeting outcome"
    FIELDS = (Field("meeting", "Meeting number"), Field("outcome", "What was agreed or decided"),
              Field("satisfied", "The parent was satisfied", tick=True))

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.errors import InvalidInput
        from calldesk.store.handling import record_meeting_outcome

        if not values["meeting"].strip().isdigit():
            raise InvalidInput("Give the meeting's number.", field="meeting")
        return record_meeting_outcome(uow, actor=self.desk.actor, case_number=self.case_number,
                                      meeting_id=int(values["meeting"]), outcome=values["outcome"],
                                      parent_satisfied=bool(values["satisfied"]),
                                      expected_version=self.expected_version)


class MergeDialog(CaseActionDialog):
    """Merge this case (a duplicate) into another; the survivor keeps both histories."""

    TITLE = "Merge into another case"
    FIELDS = (Field("into", "The case that survives (its number)", "2026-000123"),
              Field("reason", "Why they are the same matter"))

    def intro(self) -> str:
        return "This case will be closed as merged and point to the survivor."

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.store.handling import merge_cases

        return merge_cases(uow, actor=self.desk.actor, case_number=self.case_number, into=values["into"].strip(),
                           reason=values["reason"], expected_version=self.expected_version)


class ReviewDialog(CaseActionDialog):
    """A supervisor's quality review: the profile's checklist, a score (1-5) and a comment."""

    TITLE = "Quality review"

    def __init__(self, desk: Desk, case_number: str) -> None:
        super().__init__(desk, case_number)
        checklist = [(p.name, p.label) for p in desk.profile.review_checklist]
        self.points = review_points(checklist)
        self.FIELDS = (*(Field(name, label, tick=True) for name, label in self.points),  # type: ignore[misc]
                       Field("score", "Score (1-5)"), Field("comment", "Comment"))

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.errors import InvalidInput
        from calldesk.models import QualityReviewCreate
        from calldesk.store.handling import review_case

        if not values["score"].strip().isdigit():
            raise InvalidInput("The score is from 1 to 5.", field="score")
        data = QualityReviewCreate(score=int(values["score"]), comment=values["comment"],
                                   met=[name for name, _ in self.points if values[name]])
        return review_case(uow, actor=self.desk.actor, case_number=self.case_number, data=data,
                           expected_version=self.expected_version, profile=self.desk.profile)


# The keys the case workspace binds (the integrator wires them): key -> (dialog, what the footer says).
