"""The case screen's work menu (ctrl+g): every action on a case after the call, one letter each.

One list, so the case screen's typing keys stay the agent's: the menu opens on ctrl+g, a letter (or the arrows
and Enter) picks the action, and the action's own dialog (a modal screen taking the case number) opens.
Actions the signed-in role may not take are listed but marked, so the menu reads the same for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from calldesk.screens.context import Desk


@dataclass(frozen=True)
class CaseAction:
    key: str  # the letter that picks it in the menu
    label: str
    permission: str  # the rules/permissions action its service checks
    make: Callable[[Desk, str], Screen[Any]]


def _clock(kind: str) -> Callable[[Desk, str], Screen[Any]]:
    def make(desk: Desk, number: str) -> Screen[Any]:
        from calldesk.screens.case_work import ClockDialog

        return ClockDialog(desk, number, kind)

    return make


def _dialog(module: str, name: str) -> Callable[[Desk, str], Screen[Any]]:
    def make(desk: Desk, number: str) -> Screen[Any]:
        import importlib

        return getattr(importlib.import_module(module), name)(desk, number)  # type: ignore[no-any-return]

    return make


def _ferpa(desk: Desk, number: str) -> Screen[Any]:
    """The FERPA record of the case's (first) student: consents, requests and disclosures."""
    from sqlmodel import col, select

    from calldesk.models import Student
    from calldesk.screens.ferpa import FerpaRecordScreen
    from calldesk.store.cases import get_case

    with desk.store.uow(readonly=True) as uow:  # one indexed read: the case's students
        case = get_case(uow.session, number, viewer=desk.actor)
        ref = uow.session.exec(select(Student.student_ref).where(Student.case_id == case.id,
                                                                 col(Student.student_ref).is_not(None))
                               .order_by(col(Student.id))).first()
    return FerpaRecordScreen(desk, ref or "")


WORK = "calldesk.screens.case_work"
ACTS = "calldesk.screens.case_actions"
CASE_ACTIONS: tuple[CaseAction, ...] = (
    CaseAction("f", "Follow-up entry (what was done, what is pending)", "follow_up", _dialog(WORK, "FollowUpDialog")),
    CaseAction("p", "Plan: the prescribed steps and their dates", "follow_up", _dialog(WORK, "PlanDialog")),
    CaseAction("a", "Acknowledgement sent", "record_clock", _clock("acknowledge")),
    CaseAction("w", "Written response sent", "record_clock", _clock("written_response")),
    CaseAction("y", "Reply to the follow-up inquiry made", "record_clock", _clock("reply")),
    CaseAction("x", "Extend the written response (notice and new date)", "extend_clock", _clock("extend")),
    CaseAction("r", "Resolution: response, outcome, alleged violation", "resolve", _dialog(WORK, "ResolutionDialog")),
    CaseAction("l", "Letter: draft, review, PDF, attach the signed copy, inform", "sign_letter",
               _dialog("calldesk.screens.case_letter", "LetterDialog")),
    CaseAction("c", "Close the case (or see what is missing)", "close_case", _dialog(WORK, "CloseDialog")),
    CaseAction("e", "Escalate one rung up the ladder (or: the principal is involved)", "escalate",
               _dialog(ACTS, "EscalateDialog")),
    CaseAction("u", "Appeal of the decision (within the profile's window)", "escalate", _dialog(ACTS, "AppealDialog")),
    CaseAction("d", "Refer to Safety and Security or the civil rights coordinator", "refer",
               _dialog(ACTS, "ReferDialog")),
    CaseAction("m", "Meeting: schedule a mediation or resolution meeting", "meeting", _dialog(ACTS, "MeetingDialog")),
    CaseAction("o", "Meeting outcome, and whether the parent was satisfied", "meeting",
               _dialog(ACTS, "MeetingOutcomeDialog")),
    CaseAction("g", "Merge this case (a duplicate) into another", "link_cases", _dialog(ACTS, "MergeDialog")),
    CaseAction("q", "Quality review with the protocol's checklist", "review_case", _dialog(ACTS, "ReviewDialog")),
    CaseAction("s", "FERPA record of the case's student", "student_record", _ferpa),
    CaseAction("t", "Protocol step: record one (who, when, with whom); the Steps tab lists them", "record_step",
               _dialog("calldesk.screens.case_steps", "StepDialog")),
)


class CaseActionMenu(ModalScreen[CaseAction | None]):
    """Pick one action on case `case_number`: its letter, or the arrows and Enter; Escape cancels."""

    DEFAULT_CSS = """
    CaseActionMenu #case-menu-options { height: auto; max-height: 16; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="case_menu.cancel"),
    ]

    def __init__(self, case_number: str, may: Callable[[str], bool],
                 actions: tuple[CaseAction, ...] = CASE_ACTIONS) -> None:
        """`may`: whether the signed-in person may take an action (calldesk.store.users.Actor.may)."""
        super().__init__()
        self.case_number, self.may, self.actions = case_number, may, actions

    def _allowed(self, action: CaseAction) -> bool:
        if action.permission == "sign_letter":  # approving is the supervisor's step of the same letter
            return self.may("sign_letter") or self.may("approve_letter")
        return self.may(action.permission)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog case-menu") as box:
            box.border_title = f"Work on case {self.case_number}"
            options = []
            for action in self.actions:
                mark = "" if self._allowed(action) else "  (not for your role)"
                options.append(Option(f"{action.key}  {action.label}{mark}", id=action.key))
            yield OptionList(*options, id="case-menu-options", markup=False)
            yield Static("A letter or Enter opens it; Escape goes back to the case.", classes="dialog-hint")

    def on_key(self, event: Key) -> None:
        for action in self.actions:
            if event.character == action.key:
                event.stop()
                event.prevent_default()
                self.dismiss(action)
                return

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(next(a for a in self.actions if a.key == event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
