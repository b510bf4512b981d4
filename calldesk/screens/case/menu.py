"""The case screen's work menu (ctrl+g): every action on a case after the call, one letter each.

One list, so the case screen's typing keys stay the agent's: the menu opens on ctrl+g, a letter (or the arrows
and Enter) picks the action, and the action's own dialog (a modal screen taking the case number) opens.
Every action is listed, so the menu reads the same for everyone; those that do not apply to this case, this
protocol or this person (calldesk.rules.case_work.may_work) are dimmed with the reason, and choosing one only says
the reason: nothing is typed to be refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from calldesk.errors import CalldeskError
from calldesk.rules.case_work import CaseFacts, Offer, may_work
from calldesk.rules.clocks import CLOCK_COLUMNS, check_clock
from calldesk.rules.display import inert
from calldesk.rules.followup import plan_window
from calldesk.rules.mail import check_sendable
from calldesk.rules.profile import Profile
from calldesk.screens.held_keys import hold_keys

if TYPE_CHECKING:
    from calldesk.screens.desk_state import Desk
    from calldesk.store.db.users import Actor
    from calldesk.store.read.search import CaseView


@dataclass(frozen=True)
class CaseAction:
    key: str  # the letter that picks it in the menu
    label: str
    work: str  # its name in calldesk.rules.case_work.WORK (who may, on which cases)
    make: Callable[[Desk, str], Screen[Any]]


def _clock(kind: str) -> Callable[[Desk, str], Screen[Any]]:
    def make(desk: Desk, number: str) -> Screen[Any]:
        from calldesk.screens.case.progress_dialogs import ClockDialog

        return ClockDialog(desk, number, kind)

    return make


def _dialog(module: str, name: str) -> Callable[[Desk, str], Screen[Any]]:
    def make(desk: Desk, number: str) -> Screen[Any]:
        import importlib

        return getattr(importlib.import_module(module), name)(desk, number)  # type: ignore[no-any-return]

    return make


def _mail(kind: str) -> Callable[[Desk, str], Screen[Any]]:
    def make(desk: Desk, number: str) -> Screen[Any]:
        from calldesk.screens.case.mail import MailDialog

        return MailDialog(desk, number, kind)

    return make


def _ferpa(desk: Desk, number: str) -> Screen[Any]:
    """The FERPA record of the case's (first) student: consents, requests and disclosures."""
    from sqlmodel import col, select

    from calldesk.models import Student
    from calldesk.screens.case.ferpa import FerpaRecordScreen
    from calldesk.store.read.one_case import get_case

    with desk.store.uow(readonly=True) as uow:  # one indexed read: the case's students
        case = get_case(uow.session, number, viewer=desk.actor)
        ref = uow.session.exec(select(Student.student_ref).where(Student.case_id == case.id,
                                                                 col(Student.student_ref).is_not(None))
                               .order_by(col(Student.id))).first()
    return FerpaRecordScreen(desk, ref or "")


WORK = "calldesk.screens.case.progress_dialogs"
ACTS = "calldesk.screens.case.action_dialogs"
CASE_ACTIONS: tuple[CaseAction, ...] = (
    CaseAction("f", "Follow-up entry (what was done, what is pending)", "follow_up", _dialog(WORK, "FollowUpDialog")),
    CaseAction("p", "Plan: the prescribed steps and their dates", "plan", _dialog(WORK, "PlanDialog")),
    CaseAction("a", "Acknowledgement sent", "acknowledge", _clock("acknowledge")),
    CaseAction("w", "Written response sent", "written_response", _clock("written_response")),
    CaseAction("y", "Reply to the follow-up inquiry made", "reply", _clock("reply")),
    CaseAction("x", "Extend the written response (notice and new date)", "extend", _clock("extend")),
    CaseAction("r", "Resolution: response, outcome, alleged violation", "resolution",
               _dialog(WORK, "ResolutionDialog")),
    CaseAction("l", "Letter: draft, review, PDF, attach the signed copy, inform", "letter",
               _dialog("calldesk.screens.case.letter", "LetterDialog")),
    CaseAction("c", "Close the case (or see what is missing)", "close", _dialog(WORK, "CloseDialog")),
    CaseAction("e", "Escalate one rung up the ladder (or: the principal is involved)", "escalate",
               _dialog(ACTS, "EscalateDialog")),
    CaseAction("u", "Appeal of the decision (within the profile's window)", "appeal", _dialog(ACTS, "AppealDialog")),
    CaseAction("d", "Refer to Safety and Security or the civil rights coordinator", "refer",
               _dialog(ACTS, "ReferDialog")),
    CaseAction("m", "Meeting: schedule a mediation or resolution meeting", "meeting", _dialog(ACTS, "MeetingDialog")),
    CaseAction("o", "Meeting outcome, and whether the parent was satisfied", "meeting_outcome",
               _dialog(ACTS, "MeetingOutcomeDialog")),
    CaseAction("g", "Merge this case (a duplicate) into another", "merge", _dialog(ACTS, "MergeDialog")),
    CaseAction("q", "Quality review with the protocol's checklist", "review", _dialog(ACTS, "ReviewDialog")),
    CaseAction("s", "FERPA record of the case's student", "student_record", _ferpa),
    CaseAction("t", "Protocol step: record one (who, when, with whom); the Steps tab lists them", "step",
               _dialog("calldesk.screens.case.steps", "StepDialog")),
    CaseAction("k", "Email the acknowledgement (the case's mail listed)", "email_acknowledgement",
               _mail("acknowledgement")),
    CaseAction("n", "Email the written response (the Resolution tab's response)", "email_response",
               _mail("written_response")),
    CaseAction("v", "Email the approved letter (the signed PDF attached)", "email_letter", _mail("letter")),
)


def _refused(check: Callable[[], None]) -> str | None:
    """The sentence `check` (a rule) refuses with, or None."""
    try:
        check()
    except CalldeskError as refusal:
        return refusal.message
    return None


def _refusals(view: CaseView, profile: Profile | None, today: date | None) -> dict[str, str]:
    """The actions this case refuses now, each in its own rule's words (the service asks the same rule)."""
    case, res, number = view.case, view.resolution, view.case.case_number
    said: dict[str, str | None] = {kind: _refused(partial(check_clock, kind, tier=case.tier, case_number=number,
                                                          due=getattr(case, CLOCK_COLUMNS[kind])))
                                   for kind in ("acknowledge", "written_response", "reply")}
    if all(said.values()):
        said["extend"] = f"Case {number} has no acknowledgement, written response or reply pending to extend."
    for action, kind in (("email_acknowledgement", "acknowledgement"), ("email_response", "written_response"),
                         ("email_letter", "letter")):
        said[action] = _refused(partial(
            check_sendable, kind, case_number=number, abuse_marked=case.abuse_marked, email=case.email,
            response=res.response if res else "", letter_status=res.letter_status if res else "none",
            letter_text=res.letter_text if res else ""))
    if not view.steps:
        said["step"] = "The protocol sets no recorded steps for this case."
    if profile is not None and today is not None:
        said["plan"] = _refused(partial(plan_window, profile, case.tier, case_number=number,  # type: ignore[arg-type]
                                        resolve_by=case.resolve_by, today=today))
    return {action: why for action, why in said.items() if why}


def case_facts(view: CaseView, profile: Profile | None = None, today: date | None = None) -> CaseFacts:
    """What the work menu's answers need of the case on screen (read with it: no query of its own); with the
    protocol and `today`, also the answers that depend on the day (a plan once the resolution target passed)."""
    case = view.case
    merged = next((link.other for link in view.links if link.kind == "merged" and link.direction == "to"), None)
    meetings = sum(1 for entry in view.history
                   if entry.action == "meeting.schedule" and entry.case_number in ("", case.case_number))
    return CaseFacts(case.case_number, case.status, case.escalation_level, merged, meetings, len(view.students),
                     _refusals(view, profile, today))


def offers_for(actor: Actor, profile: Profile, view: CaseView, today: date | None = None,
               actions: tuple[CaseAction, ...] = CASE_ACTIONS) -> dict[str, Offer]:
    """Each action's answer for `actor` on the case on screen (action key -> Offer), on `today`."""
    facts = case_facts(view, profile, today)
    return {a.key: may_work(a.work, role=actor.role, profile=profile, case=facts, sole=actor.sole)
            for a in actions}


class CaseActionMenu(ModalScreen[CaseAction | None]):
    """Pick one action on case `case_number`: its letter, or the arrows and Enter; Escape cancels. An action
    that does not apply is dimmed with its reason; its letter only says the reason.

    Every key of the menu is a priority binding: it acts as the app reads it, in the order typed (an arrow read
    before Enter has moved the cursor; Escape read before a letter has closed the menu). A letter that opens an
    action asks the app to hold the keys typed after it for the action's dialog (calldesk.screens.held_keys):
    before, they landed in the case behind, or nowhere, or picked a second action from a menu already closed."""

    DEFAULT_CSS = """
    CaseActionMenu #case-menu-options { height: auto; max-height: 50vh; }  /* (at 80x24: room for why and the hint) */
    CaseActionMenu #case-menu-why { color: $warning; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", priority=True, id="case_menu.cancel"),
        Binding("enter", "pick_highlighted", "Open", priority=True, id="case_menu.open"),
        *[Binding(key, f"move('{move}')", show=False, priority=True, id=f"case_menu.{move}")
          for key, move in (("up", "cursor_up"), ("down", "cursor_down"), ("home", "first"), ("end", "last"),
                            ("pageup", "page_up"), ("pagedown", "page_down"))],
        # The letters (one per action, id case_menu.<work>) are read as typed too.
        *[Binding(action.key, f"pick('{action.key}')", show=False, priority=True, id=f"case_menu.{action.work}")
          for action in CASE_ACTIONS],
    ]

    def __init__(self, case_number: str, offers: Mapping[str, Offer]) -> None:
        """`offers`: each action's answer (offers_for), by its key; an action missing there is offered."""
        super().__init__()
        self.case_number, self.offers, self.actions = case_number, offers, CASE_ACTIONS
        self.chosen: CaseAction | None = None  # once chosen, the menu is closing: no second pick

    def offer(self, action: CaseAction) -> Offer:
        return self.offers.get(action.key, Offer(True))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog case-menu") as box:
            box.border_title = f"Work on case {self.case_number}"
            options = []
            for action in self.actions:
                offer = self.offer(action)
                if offer.allowed:
                    options.append(Option(f"{action.key}  {action.label}", id=action.key))
                else:  # dimmed (a disabled option: the arrows pass over it), the reason beside it
                    options.append(Option(Text(f"{action.key}  {action.label} - {inert(offer.reason, lines=False)}",
                                               style="dim"), id=action.key, disabled=True))
            yield OptionList(*options, id="case-menu-options", markup=False)
            yield Static("", id="case-menu-why", markup=False)
            yield Static("A letter or Enter opens it; Escape goes back to the case. Dimmed: not for this case "
                         "now (the reason beside it).", classes="dialog-hint")

    def action_pick(self, key: str) -> None:
        action = next((a for a in self.actions if a.key == key), None)
        if action is not None:
            self.choose(action)

    def action_pick_highlighted(self) -> None:
        options = self.query(OptionList)
        option = options.first().highlighted_option if options else None
        if option is not None:
            self.action_pick(str(option.id))

    def action_move(self, move: str) -> None:
        options = self.query(OptionList)
        if options:
            getattr(options.first(), f"action_{move}")()

    def choose(self, action: CaseAction) -> None:
        """Open the action, or (not offered) say why and stay."""
        if self.chosen is not None:
            return
        offer = self.offer(action)
        if offer.allowed:
            self.chosen = action
            hold_keys(self)  # what is typed next is for the action's dialog, not for the case behind the menu
            self.dismiss(action)
            return
        why = self.query("#case-menu-why")
        if why:
            why.first(Static).update(inert(f"{action.label.split(':')[0]}: {offer.reason}", lines=False))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:  # (a click)
        event.stop()
        self.action_pick(str(event.option.id))

    def action_cancel(self) -> None:
        if self.chosen is None:
            self.dismiss(None)
