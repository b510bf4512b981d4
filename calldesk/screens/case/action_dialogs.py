"""Modal dialogs that act on one case: escalate, appeal, refer, meeting and its outcome, merge, assign, quality
review.

Each takes the desk and a case number and is a CaseDialog (calldesk.screens.writing_dialog): it reads the case as
it opens (the version the user saw, and the valid values of its pickers: the office, the kind of meeting, the
case's meetings, the cases it could be merged into, the people who could take it), runs its one service call in
a thread worker against that version, and dismisses with the service's result; a refusal stays on the dialog as
one line, with everything typed kept. The case screen's work menu (ctrl+g, calldesk.screens.case.menu) and F5
open them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Label, Select, Static

from calldesk.errors import InvalidInput
from calldesk.rules.display import inert
from calldesk.rules.handling import MEETING_KINDS, REFERRAL_KINDS, review_points
from calldesk.rules.profile import a_role, role_label
from calldesk.screens.desk_state import Desk
from calldesk.screens.writing_dialog import CaseDialog
from calldesk.widgets.inert_text import plain
from calldesk.widgets.quiet import compact
from calldesk.widgets.tick_box import TickBox
from calldesk.widgets.typing import DefaultedInput


@dataclass(frozen=True)
class Field:
    """One input of a dialog: its id, label, and a tick box instead of a text box when `tick`; a picker of the
    valid values when `pick` (`choices`: (label, value) pairs known at once; else read with the case, `options`)."""

    name: str
    label: str
    placeholder: str = ""
    tick: bool = False
    value: str = ""
    pick: bool = False
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Seen:
    """The case as the dialog opened on it: its row (and version), the line about it, the pickers' values."""

    case: Any
    intro: str
    options: dict[str, list[tuple[str, str]]]


class CaseActionDialog(CaseDialog[Any]):
    """The shared shape of the action dialogs: a line about the case, the fields; the subclass says what the
    service does (`perform`)."""

    TITLE: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[Field, ...]] = ()

    def heading(self) -> str:
        return f"{self.TITLE}: case {self.case_number}"

    def body(self) -> ComposeResult:
        state = Static(self.intro(), id="state", classes="dialog-line", markup=False)
        state.display = bool(self.intro())  # no empty line above the fields when there is nothing to say
        yield state
        for f in self.FIELDS:
            if f.tick:
                yield TickBox(f.label, id=f"f-{f.name}")
                continue
            yield Label(f.label)
            if f.pick:
                yield compact(Select([(plain(label), value) for label, value in f.choices], id=f"f-{f.name}",
                                     prompt=f.placeholder or "Pick one (Enter, then type)",
                                     value=f.value if f.value in {v for _, v in f.choices} else Select.NULL))
            else:
                # A default is replaced by what is typed, never added to ("safetyhealth"); one line each, so the
                # longest dialog keeps its Save button on an 80x24 terminal.
                yield compact(DefaultedInput(f.value, placeholder=f.placeholder, id=f"f-{f.name}"))

    def intro(self) -> str:
        return ""

    def read(self) -> Seen:
        from calldesk.store.read.one_case import get_case

        with self.desk.store.uow(readonly=True) as uow:
            case = get_case(uow.session, self.case_number, viewer=self.desk.actor)
            options = self.options(uow.session, case)  # first: a dialog may say something of what it listed
            return Seen(case, self.describe(uow.session, case), options)

    def loaded(self, found: Seen) -> None:
        if found.intro:
            state = self.query_one("#state", Static)
            state.update(inert(found.intro))
            state.display = True
        for name, choices in found.options.items():
            picker = self.fill_picker(f"f-{name}", choices)
            if len(choices) == 1:
                picker.value = choices[0][1]

    def describe(self, session: Any, case: Any) -> str:
        """A line about the case as it is now (read in the worker); empty for none."""
        return ""

    def options(self, session: Any, case: Any) -> dict[str, list[tuple[str, str]]]:
        """The values of the pickers that depend on the case (read in the worker): field name -> (label, value)."""
        return {}

    def values(self) -> dict[str, Any]:
        return {f.name: self.ticked(f"f-{f.name}") if f.tick else self.typed(f"f-{f.name}") for f in self.FIELDS}

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:  # pragma: no cover - every dialog defines it
        raise NotImplementedError

    def service(self) -> Callable[[Any, Any, int], Any]:
        values = self.values()
        for f in self.FIELDS:
            if f.pick and not values[f.name]:
                raise InvalidInput(f"{f.label}: pick one (Enter opens the list).", field=f.name)
        return lambda uow, actor, version: self.perform(uow, values)


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
        from calldesk.store.services.escalation import escalate

        return escalate(uow, actor=self.desk.actor, profile=self.desk.profile, case_number=self.case_number,
                        reason=values["reason"], expected_version=self.version,
                        principal_involved=bool(values["principal"]))


class AppealDialog(CaseActionDialog):
    """A written appeal: within the profile's window it escalates; later it is refused, saying by when."""

    TITLE = "Appeal"
    FIELDS = (Field("reason", "What does the written appeal ask?"),
              Field("received", "Received (local date and time; empty: now)", "e.g. 2026-12-01 09:00"))

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.rules.typed_dates import local_moment
        from calldesk.store.services.escalation import appeal

        text = values["received"].strip()
        return appeal(uow, actor=self.desk.actor, profile=self.desk.profile, case_number=self.case_number,
                      reason=values["reason"], expected_version=self.version,
                      received_at=local_moment(self.desk.profile, text, "received") if text else self.desk.now())


class ReferDialog(CaseActionDialog):
    """Refer to Safety and Security or to the civil rights coordinator, with whom."""

    TITLE = "Refer"
    FIELDS = (Field("kind", "To the office", pick=True, value="safety",
                    choices=tuple((office, kind) for kind, office in REFERRAL_KINDS.items())),
              Field("contact", "Whom at that office"), Field("note", "What was passed on"))

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.store.services.referrals_meetings_reviews import refer

        return refer(uow, actor=self.desk.actor, case_number=self.case_number, kind=values["kind"].strip(),
                     contact=values["contact"], note=values["note"], expected_version=self.version,
                     referred_at=self.desk.now())


class MeetingDialog(CaseActionDialog):
    """Schedule a resolution or mediation meeting with its parties."""

    TITLE = "Meeting"
    FIELDS = (Field("kind", "Kind of meeting", pick=True, value="resolution",
                    choices=tuple((kind.capitalize(), kind) for kind in MEETING_KINDS)),
              Field("when", "When (local date and time)", "e.g. 2026-12-01 15:00"),
              Field("parties", "Parties (separated by commas)", "e.g. Parent, Principal, Teacher"),
              Field("place", "Where"))

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.rules.typed_dates import local_moment
        from calldesk.store.services.referrals_meetings_reviews import schedule_meeting

        return schedule_meeting(uow, actor=self.desk.actor, case_number=self.case_number,
                                kind=values["kind"].strip(), when=local_moment(self.desk.profile, values["when"],
                                                                               "when"),
                                parties=values["parties"].split(","), place=values["place"],
                                expected_version=self.version)


class MeetingOutcomeDialog(CaseActionDialog):
    """The outcome of a meeting and whether the parent was satisfied."""

    TITLE = "Meeting outcome"
    FIELDS = (Field("meeting", "The meeting", pick=True, placeholder="Pick the meeting (the case's, listed)"),
              Field("outcome", "What was agreed or decided"),
              Field("satisfied", "The parent was satisfied", tick=True))

    def options(self, session: Any, case: Any) -> dict[str, list[tuple[str, str]]]:
        from calldesk.rules.calendar import calendar_for
        from calldesk.rules.triage import format_due
        from calldesk.store.services.referrals_meetings_reviews import meetings_for

        local, year = calendar_for(self.desk.profile).local, self.desk.today().year  # (another year is said)
        self.meetings = meetings_for(session, case.id)
        return {"meeting": [(f"{m.kind} on {format_due(local(m.scheduled_for), with_time=True, this_year=year)} "
                             f"with {m.parties}"
                             + (" (outcome recorded)" if m.outcome else ""), str(m.id)) for m in self.meetings]}

    def describe(self, session: Any, case: Any) -> str:
        return "" if self.meetings else "No meeting is scheduled on this case: schedule one first."

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.store.services.referrals_meetings_reviews import record_meeting_outcome

        return record_meeting_outcome(uow, actor=self.desk.actor, case_number=self.case_number,
                                      meeting_id=int(values["meeting"]), outcome=values["outcome"],
                                      parent_satisfied=bool(values["satisfied"]),
                                      expected_version=self.version)


class MergeDialog(CaseActionDialog):
    """Merge this case (a duplicate) into another; the survivor keeps both histories."""

    TITLE = "Merge into another case"
    FIELDS = (Field("into", "The case that survives", "Pick the case (the same caller's first)", pick=True),
              Field("reason", "Why they are the same matter"))

    def intro(self) -> str:
        return "This case will be closed as merged and point to the survivor."

    def options(self, session: Any, case: Any) -> dict[str, list[tuple[str, str]]]:
        from calldesk.store.services.referrals_meetings_reviews import merge_targets

        return {"into": [(f"{c.case_number}  {c.caller_name or '-'}, {c.category or 'no category'}, {c.status}",
                          c.case_number) for c in merge_targets(session, case, viewer=self.desk.actor)]}

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.store.services.referrals_meetings_reviews import merge_cases

        return merge_cases(uow, actor=self.desk.actor, case_number=self.case_number, into=values["into"].strip(),
                           reason=values["reason"], expected_version=self.version)


class AssignDialog(CaseActionDialog):
    """A supervisor gives the case to a person (F5 on the case): picked from those at work today who may work it
    (its owner role or above) and speak its language (calldesk.rules.assignment.offered), never a name typed and
    then refused."""

    TITLE = "Assign"
    FIELDS = (Field("to", "Give it to", "Pick the person (fewest open cases first)", pick=True),)

    left_out = ""  # who is not listed for want of a sign-in (read with the options)

    def describe(self, session: Any, case: Any) -> str:
        who = f"assigned to {case.assigned_to}" if case.assigned_to else "not assigned"
        language = "" if (case.language or "English").casefold() == "english" else f", in {case.language}"
        return " ".join(filter(None, (f"Now {who}; its work is for {a_role(case.owner_role)} or above{language}.",
                                      self.left_out)))

    def options(self, session: Any, case: Any) -> dict[str, list[tuple[str, str]]]:
        people, self.left_out = staff_picker(session, self.desk.today(), at_least=case.owner_role,
                                             language=case.language or "",
                                             exclude=[case.assigned_to] if case.assigned_to else [])
        return {"to": people}

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.store.services.assignments import reassign

        return reassign(uow, actor=self.desk.actor, case_number=self.case_number, to_user=values["to"],
                        expected_version=self.version)


def staff_picker(session: Any, today: date, *, at_least: str = "agent", language: str = "",
                 exclude: Sequence[str] = ()) -> tuple[list[tuple[str, str]], str]:
    """A people picker's (label, user name) pairs: who can be given the work (calldesk.rules.assignment.offered)
    with their role and load; and the line naming who is left out for want of a sign-in (empty: nobody). Read on
    a worker thread (assign, hand a callback on)."""
    from calldesk.rules.assignment import not_signing_in, offered
    from calldesk.store.read.queries import staff_board

    staff = staff_board(session, today=today, sign_ins=True).staff
    people = offered(staff, at_least=at_least, language=language, exclude=exclude)
    return [(f"{s.username}  {role_label(s.role)}, {s.open_cases} open", s.username) for s in people], \
        not_signing_in(staff)


def staff_options(session: Any, today: date, *, at_least: str = "agent", language: str = "",
                  exclude: Sequence[str] = ()) -> list[tuple[str, str]]:
    """staff_picker's pairs alone."""
    return staff_picker(session, today, at_least=at_least, language=language, exclude=exclude)[0]


class ReviewDialog(CaseActionDialog):
    """A supervisor's quality review: the profile's checklist, a score (1-5) and a comment."""

    TITLE = "Quality review"

    def __init__(self, desk: Desk, case_number: str) -> None:
        super().__init__(desk, case_number)
        checklist = [(p.name, p.label) for p in desk.profile.review_checklist]
        self.points = review_points(checklist)
        self.FIELDS = (*(Field(name, label, tick=True) for name, label in self.points),  # type: ignore[misc]
                       Field("score", "Score (1-5)"), Field("comment", "Comment"))

    def describe(self, session: Any, case: Any) -> str:
        from calldesk.rules.handling import reviewed_person

        who = reviewed_person(assigned_to=case.assigned_to, opened_by=case.opened_by)
        return f"Reviews the work of {who} ({'assigned the case' if case.assigned_to else 'took the call'})."

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.models import QualityReviewCreate
        from calldesk.store.services.referrals_meetings_reviews import review_case

        if not values["score"].strip().isdigit():
            raise InvalidInput("The score is from 1 to 5.", field="score")
        data = QualityReviewCreate(score=int(values["score"]), comment=values["comment"],
                                   met=[name for name, _ in self.points if values[name]])
        return review_case(uow, actor=self.desk.actor, case_number=self.case_number, data=data,
                           expected_version=self.version, profile=self.desk.profile)


# The keys the case workspace binds (the integrator wires them): key -> (dialog, what the footer says).
