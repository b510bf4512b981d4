"""The response letter's dialog (LAUSD step 5), one step at a time, the step the letter is at:

- a draft not submitted: its words in a text area (the text so far, or the profile's template filled from the case),
  saved as a draft or, ticked, submitted for approval (the drafter's role);
- a submitted draft, for an approver: the words to read, and a note: empty approves it, typed returns it with the note;
- approved: a file to write the PDF for signing to, or the signed copy's file to attach (not the approver);
- signed: informing the coordinator.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Input, Static, TextArea

from calldesk.errors import InvalidInput
from calldesk.rules.display import inert
from calldesk.screens.case.progress_dialogs import CaseWorkDialog
from calldesk.widgets.tick_box import TickBox
from calldesk.widgets.typing import TypingInput, TypingTextArea

if TYPE_CHECKING:
    from calldesk.store.db.uow import UnitOfWork
    from calldesk.store.db.users import Actor
    from calldesk.store.services.clocks import CaseWork


class LetterDialog(CaseWorkDialog):
    """The letter's next step, as the letter's state and the signed-in person's role decide."""

    HEADING = "Response letter"
    SAVE_LABEL = "Do the step"
    DEFAULT_CSS = """
    LetterDialog #text { height: 7; }
    LetterDialog #note-line { color: $warning; }
    """

    def __init__(self, desk: object, case_number: str) -> None:
        super().__init__(desk, case_number)  # type: ignore[arg-type]
        self.start_text = ""

    def fields(self) -> ComposeResult:
        yield Static("", id="note-line", classes="dialog-line", markup=False)
        yield TypingTextArea("", id="text", soft_wrap=True)
        yield TickBox("Submit it for approval", id="submit")
        yield TypingInput(placeholder="A note to return it with (empty: approve it)", id="note")
        yield TypingInput(placeholder="Write the PDF for signing to, e.g. ~/letters/2026-000123.pdf", id="pdf")
        yield TypingInput(placeholder="Or attach the signed letter's file, e.g. ~/letters/2026-000123-signed.pdf",
                          id="attachment")

    def read(self) -> CaseWork:
        from calldesk.store.services.clocks import case_work
        from calldesk.store.services.letters import draft_start

        with self.desk.store.uow(readonly=True) as uow:
            found = case_work(uow.session, case_number=self.case_number, now=self.desk.now(),
                              viewer=self.desk.actor, profile=self.desk.profile)
            self.start_text = draft_start(uow.session, self.case_number, viewer=self.desk.actor,
                                          profile=self.desk.profile)
        return found

    @property
    def step(self) -> str | None:
        res = self.work.resolution if self.work is not None else None
        status = res.letter_status if res is not None else "none"
        if status == "draft" and res is not None:
            reviewer = self.desk.actor.may("approve_letter")
            return "review" if res.submitted_at is not None and reviewer else "draft"
        return {"approved": "approved", "signed": "inform"}.get(status)

    def describe(self, found: CaseWork) -> list[str]:
        lines = super().describe(found)
        res = found.resolution
        status = res.letter_status if res is not None else "none"
        if status == "draft" and res is not None:
            status += ", submitted for approval" if res.submitted_at is not None else ", not submitted"
        draft = ("it waits for approval: saved ticked, edited words go again; unticked, it is taken back"
                 if res is not None and res.submitted_at is not None else "edit the words; tick to submit them")
        hint = {"draft": draft, "review": "read it; a note returns it, none approves",
                "approved": "write its PDF for signing, or attach the signed copy", "inform": "inform the coordinator"}
        step = self.step
        lines.append(f"Letter: {status.replace('_', ' ')}"
                     + (f"; drafted by {res.drafted_by}" if res and res.drafted_by else "")
                     + (f"; approved by {res.approved_by}" if res and res.approved_by else "")
                     + (f"; signed by {res.signed_by}" if res and res.signed_by else "")
                     + (f". Next: {hint[step]}." if step else ". No step to take."))
        return lines

    def loaded(self, found: CaseWork) -> None:
        super().loaded(found)
        step, res = self.step, found.resolution
        note = res.letter_note if res is not None and res.letter_note and step == "draft" else ""
        self.query_one("#note-line", Static).update(inert(f"Returned by {res.returned_by}: {note}") if note and res
                                                    else "")
        self.query_one("#note-line", Static).display = bool(note)
        text = self.query_one("#text", TextArea)
        text.display = step in ("draft", "review")
        text.read_only = step != "draft"
        text.text = self.start_text if step == "draft" else (res.letter_text if res is not None else "")
        # As many lines of the letter as the terminal leaves beside the dialog's other lines (80x24: 7 to draft,
        # 5 to read); the words scroll in the box.
        spare = self.app.size.height - (17 if step == "draft" else 19)
        text.styles.height = max(4, min(24, spare))
        submit = self.query_one("#submit", TickBox)
        submit.display = step == "draft"
        submit.value = step == "draft" and res is not None and res.submitted_at is not None  # as it stands
        self.query_one("#note", Input).display = step == "review"
        self.query_one("#pdf", Input).display = step == "approved"
        self.query_one("#attachment", Input).display = step == "approved"
        focus = {"draft": "#text", "review": "#note", "approved": "#pdf"}.get(step or "", "#save")
        self.focus_unless_moved(self.query_one(focus))

    def service(self) -> Callable[[UnitOfWork, Actor, int], str]:
        step, number = self.step, self.case_number
        if step is None:
            raise InvalidInput("The letter has no next step (it needs an alleged violation, or it is finished).")
        if step == "draft":
            return self._draft(self.query_one("#text", TextArea).text, self.query_one("#submit", TickBox).value)
        if step == "review":
            return self._review(self.typed("note"))
        if step == "approved":
            signed, pdf = self.typed("attachment").strip(), self.typed("pdf").strip()
            if signed:
                return self._advance("attach", Path(signed).expanduser())
            if pdf:
                return self._pdf(Path(pdf).expanduser())
            raise InvalidInput("Type where to write the PDF, or the signed letter's file to attach.", field="pdf")
        del number
        return self._advance("inform", None)

    def _draft(self, text: str, submit: bool) -> Callable[[UnitOfWork, Actor, int], str]:
        from calldesk.store.services.letters import draft_letter

        number, profile = self.case_number, self.desk.profile
        res = self.work.resolution if self.work is not None else None
        sent = res.submitted_at if res is not None else None

        def call(uow: UnitOfWork, actor: Actor, version: int) -> str:
            now = draft_letter(uow, actor=actor, profile=profile, case_number=number, text=text, submit=submit,
                               expected_version=version).submitted_at
            done = ("still waiting for approval" if now is not None and now == sent else
                    "submitted for approval" if now is not None else
                    "taken back from approval: a draft again" if sent is not None else "draft saved")
            return f"Case {number}: letter {done}."
        return call

    def _review(self, note: str) -> Callable[[UnitOfWork, Actor, int], str]:
        from calldesk.store.services.follow_ups_resolution import advance_letter
        from calldesk.store.services.letters import return_letter

        number = self.case_number

        def call(uow: UnitOfWork, actor: Actor, version: int) -> str:
            if note.strip():
                return_letter(uow, actor=actor, case_number=number, note=note, expected_version=version)
                return f"Case {number}: letter returned with the note."
            advance_letter(uow, actor=actor, case_number=number, step="approve", expected_version=version)
            return f"Case {number}: letter approved."
        return call

    def _advance(self, step: str, path: Path | None) -> Callable[[UnitOfWork, Actor, int], str]:
        from calldesk.store.services.follow_ups_resolution import advance_letter

        number = self.case_number

        def call(uow: UnitOfWork, actor: Actor, version: int) -> str:
            res = advance_letter(uow, actor=actor, case_number=number, step=step, attachment=path,
                                 expected_version=version)
            return f"Case {number}: letter {res.letter_status.replace('_', ' ')}."
        return call

    def _pdf(self, target: Path) -> Callable[[UnitOfWork, Actor, int], str]:
        from calldesk.letter_pdf import letter_pdf
        from calldesk.output_files import checked_target, write_file
        from calldesk.store.services.letters import approved_text

        number = self.case_number
        checked_target(target, "letter", new_only=True)

        def call(uow: UnitOfWork, actor: Actor, version: int) -> str:
            data = letter_pdf(approved_text(uow.session, number, viewer=actor), title=f"Response letter, case {number}")
            write_file(target, data, "letter", new_only=True)
            return f"Case {number}: the approved letter written to {target} for signing."
        return call
