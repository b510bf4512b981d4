"""Working a case after the call: modal dialogs, each taking a case number, for the case screen's keys.

FollowUpDialog (an entry: done / pending), PlanDialog (the prescribed steps and timeline), ClockDialog
(acknowledgement, written response, reply, or an extension with its notice and new date), ResolutionDialog
(response, outcome, alleged violation) and CloseDialog (closing, or the one line of what is missing); the letter's
is in calldesk.screens.case.letter. Each loads the case in a thread worker, calls one service with the version it
showed, and dismisses with a sentence saying what was done (None when cancelled); a refusal is shown in the dialog
and what was typed stays.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Input, Static

from calldesk.errors import InvalidInput
from calldesk.rules.calendar import calendar_for
from calldesk.rules.display import inert
from calldesk.rules.profile import TIER_LABELS
from calldesk.rules.shown import day_words
from calldesk.rules.triage import format_due
from calldesk.rules.typed_dates import typed_day
from calldesk.screens.writing_dialog import CaseDialog
from calldesk.widgets.typing import DefaultedInput, TypingInput

if TYPE_CHECKING:
    from calldesk.screens.desk_state import Desk
    from calldesk.store.db.uow import UnitOfWork
    from calldesk.store.db.users import Actor
    from calldesk.store.services.clocks import CaseWork

CLOCK_TITLES = {"acknowledge": "Record the acknowledgement", "written_response": "Record the written response",
                "reply": "Record the reply", "extend": "Extend the written response"}


class CaseWorkDialog(CaseDialog[str | None]):
    """The case's state on top, the fields (calldesk.screens.writing_dialog: the refusal line, Save / Cancel)."""

    HEADING = "Case"

    def heading(self) -> str:
        return f"{self.HEADING}: case {self.case_number}"

    def body(self) -> ComposeResult:
        yield Static("Loading the case...", id="state", classes="dialog-line", markup=False)
        yield from self.fields()

    def fields(self) -> ComposeResult:
        yield from ()

    # ---- reading --------------------------------------------------------------------------------------------
    def read(self) -> CaseWork:
        from calldesk.store.services.clocks import case_work

        with self.desk.store.uow(readonly=True) as uow:
            return case_work(uow.session, case_number=self.case_number, now=self.desk.now(),
                             viewer=self.desk.actor, profile=self.desk.profile)

    @property
    def work(self) -> CaseWork | None:
        found: CaseWork | None = self.found
        return found

    def loaded(self, found: CaseWork) -> None:
        self.query_one("#state", Static).update(inert("\n".join(self.describe(found))))

    def when(self, moment: datetime | None) -> str:
        local = calendar_for(self.desk.profile).local
        return format_due(local(moment), with_time=True, this_year=self.desk.today().year) if moment else "-"

    def describe(self, found: CaseWork) -> list[str]:
        case = found.case
        pending = ", ".join(f"{what} by {self.when(due)}" for what, due in found.pending_clocks().items())
        return [f"{TIER_LABELS.get(case.tier or '', 'Compliment')}, {case.status}; "  # as the case screen says it
                f"next deadline {self.when(case.next_deadline)}",
                f"Due: {pending or 'nothing pending'}"
                + ("; FOLLOW-UP OVERDUE" if found.follow_up_overdue and case.status == "open" else ""),
                *found.late_notes]

    def service(self) -> Callable[[UnitOfWork, Actor, int], str]:
        """The service call for what is typed (checked here first), returning the sentence of what was done."""
        raise NotImplementedError


class FollowUpDialog(CaseWorkDialog):
    """A follow-up entry (LAUSD step 4): what was done, what is pending; the next falls due 48 hours later."""

    HEADING = "Follow-up"

    def fields(self) -> ComposeResult:
        yield TypingInput(placeholder="What was done", id="done")
        yield TypingInput(placeholder="What is pending for the next step", id="pending")

    def describe(self, found: CaseWork) -> list[str]:
        lines = super().describe(found)
        for entry in found.follow_ups[-2:]:
            lines.append(f"{self.when(entry.entry_at)} {entry.by_user}: {entry.done}"
                         + (f" / pending: {entry.pending}" if entry.pending else ""))
        if found.plan:
            lines.append("Plan: " + "; ".join(f"{p.step} by {self.when(p.due_at)}" for p in found.plan))
        return lines

    def service(self) -> Callable[[UnitOfWork, Actor, int], str]:
        from calldesk.models import FollowUpCreate
        from calldesk.store.services.follow_ups_resolution import add_follow_up

        data = FollowUpCreate(done=self.typed("done"), pending=self.typed("pending"))
        number, profile = self.case_number, self.desk.profile

        def call(uow: UnitOfWork, actor: Actor, version: int) -> str:
            add_follow_up(uow, actor=actor, profile=profile, case_number=number, data=data, expected_version=version)
            return f"Follow-up written on case {number}."
        return call


class ClockDialog(CaseWorkDialog):
    """`kind`: acknowledge, written_response, reply (a clock met), or extend (the written response's new date and
    the written notice sent)."""

    def __init__(self, desk: Desk, case_number: str, kind: str, *, clock: str = "written_response") -> None:
        super().__init__(desk, case_number)
        if kind not in CLOCK_TITLES:
            raise ValueError(f"unknown clock action {kind!r}")
        self.kind, self.clock = kind, clock
        self.HEADING = CLOCK_TITLES[kind] if kind != "extend" or clock == "written_response" else f"Extend the {clock}"

    def fields(self) -> ComposeResult:
        if self.kind == "extend":
            yield TypingInput(placeholder="New due date (YYYY-MM-DD)", id="new_due")
            yield TypingInput(placeholder="The written notice sent to the constituent", id="notice")
        else:
            yield TypingInput(placeholder="How, and what was said (a call, a letter, an email)", id="note")

    def service(self) -> Callable[[UnitOfWork, Actor, int], str]:
        from calldesk.store.services.clocks import clock_words, extend_clock, meet_clock

        number, profile, kind, clock = self.case_number, self.desk.profile, self.kind, self.clock
        year = self.desk.today().year
        if kind == "extend":
            day = _day(self.typed("new_due"))
            notice = self.typed("notice")

            def extend(uow: UnitOfWork, actor: Actor, version: int) -> str:
                extend_clock(uow, actor=actor, profile=profile, case_number=number, expected_version=version,
                             kind=clock, new_due=day, notice=notice)
                return f"Case {number}: {clock_words(clock)} extended to {day_words(day, this_year=year)}."
            return extend
        note = self.typed("note")

        def meet(uow: UnitOfWork, actor: Actor, version: int) -> str:
            meet_clock(uow, actor=actor, case_number=number, expected_version=version, kind=kind, note=note)
            return f"Case {number}: {clock_words(kind)} recorded."
        return meet


def _day(text: str) -> date:
    return typed_day(text, "the new due date", "new_due")


class ResolutionDialog(CaseWorkDialog):
    """The Resolution tab (LAUSD step 5): response/remedy, outcome, and for a complaint the alleged violation."""

    HEADING = "Resolution"

    def fields(self) -> ComposeResult:
        yield TypingInput(placeholder="Response / resolution / remedy", id="response")
        yield TypingInput(placeholder="Outcome", id="outcome")
        yield TypingInput(placeholder="Alleged violation (complaints; starts the response letter)", id="violation")

    def loaded(self, found: CaseWork) -> None:
        super().loaded(found)
        if found.resolution is not None:  # what is already written, to change
            for name, value in (("response", found.resolution.response), ("outcome", found.resolution.outcome),
                                ("violation", found.resolution.alleged_violation or "")):
                field = self.query_one(f"#{name}", Input)
                if not field.value:
                    field.value = value
        self.focus_unless_moved(self.query_one("#response", Input))

    def service(self) -> Callable[[UnitOfWork, Actor, int], str]:
        from calldesk.models import ResolutionUpdate
        from calldesk.store.services.follow_ups_resolution import set_resolution

        number = self.case_number
        data = ResolutionUpdate(response=self.typed("response"), outcome=self.typed("outcome"),
                                alleged_violation=self.typed("violation").strip() or None)

        def call(uow: UnitOfWork, actor: Actor, version: int) -> str:
            res = set_resolution(uow, actor=actor, case_number=number, data=data, expected_version=version)
            letter = "" if res.letter_status == "none" else f"; letter {res.letter_status.replace('_', ' ')}"
            return f"Case {number}: resolution written{letter}."
        return call


class PlanDialog(CaseWorkDialog):
    """The plan prescribed for a concern or complaint (LAUSD step 4): up to three steps, each 'what@YYYY-MM-DD',
    within the case's resolution timeline; saving replaces the plan."""

    HEADING = "Prescribed plan"
    ROWS = 3

    def fields(self) -> ComposeResult:
        for row in range(self.ROWS):
            yield TypingInput(placeholder="What will be done@YYYY-MM-DD" if row == 0 else "", id=f"step{row}")

    def describe(self, found: CaseWork) -> list[str]:
        from calldesk.errors import CalldeskError
        from calldesk.rules.followup import plan_window

        lines, case = super().describe(found), found.case
        try:  # the days a step may fall on, or why there is no plan to make (the service asks the same rule)
            window = plan_window(self.desk.profile, case.tier, case_number=self.case_number,  # type: ignore[arg-type]
                                 resolve_by=case.resolve_by, today=self.desk.today())
        except CalldeskError as refusal:
            lines.append(refusal.message)
        else:
            lines.append(f"Each step: a day from {window}.")
        return lines

    def loaded(self, found: CaseWork) -> None:
        super().loaded(found)
        calendar = calendar_for(self.desk.profile)
        for row, planned in enumerate(found.plan[:self.ROWS]):
            field = self.query_one(f"#step{row}", Input)
            if not field.value:
                field.value = f"{planned.step}@{calendar.local(planned.due_at).date().isoformat()}"
        self.focus_unless_moved(self.query_one("#step0", Input))

    def service(self) -> Callable[[UnitOfWork, Actor, int], str]:
        from calldesk.store.services.clocks import set_plan

        steps: list[tuple[str, date]] = []
        for row in range(self.ROWS):
            text = self.typed(f"step{row}").strip()
            if not text:
                continue
            what, _, day = text.rpartition("@")
            if not what:
                raise InvalidInput(f"'{text}' needs a date: write 'what will be done@YYYY-MM-DD'.", field="step")
            steps.append((what, _day(day)))
        number, profile = self.case_number, self.desk.profile

        def call(uow: UnitOfWork, actor: Actor, version: int) -> str:
            rows = set_plan(uow, actor=actor, profile=profile, case_number=number, expected_version=version,
                            steps=steps)
            return f"Case {number}: plan of {len(rows)} step(s) saved."
        return call


class CloseDialog(CaseWorkDialog):
    """Close the case; the dialog lists what is missing first (the service refuses with the same line)."""

    HEADING = "Close the case"
    SAVE_LABEL = "Close"

    def fields(self) -> ComposeResult:
        yield DefaultedInput("resolved", placeholder="Why the case is closed", id="reason")

    def describe(self, found: CaseWork) -> list[str]:
        lines = super().describe(found)
        lines.append("Missing: " + "; ".join(found.missing_to_close) + "." if found.missing_to_close
                     else "Nothing missing: the case can close.")
        return lines

    def service(self) -> Callable[[UnitOfWork, Actor, int], str]:
        from calldesk.store.services.cases import close_case

        number, reason, profile = self.case_number, self.typed("reason"), self.desk.profile

        def call(uow: UnitOfWork, actor: Actor, version: int) -> str:
            close_case(uow, actor=actor, case_number=number, expected_version=version, reason=reason,
                       profile=profile)
            return f"Case {number} closed."
        return call


# The letter's dialog (its words, the review, the PDF, the signed copy): calldesk.screens.case.letter.LetterDialog.
