"""The response letter's words (LAUSD step 5): the specialist drafts it from the profile's template filled from the
case and edits it, submits it; a supervisor reads it and approves it
(calldesk.store.services.follow_ups_resolution.advance_letter) or
returns it with a note; the approved text is read for its PDF (calldesk.letter_pdf), with what the case
stores about third parties taken out, as in the email that carries it.

The text is narrative about the caller (calldesk.rules.free_text): an abuse mark empties it, the audit trail keeps
only its fingerprint, and no export carries it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from calldesk.errors import RuleRefused
from calldesk.models import Case, Resolution, ResolutionPublic, utcnow
from calldesk.rules.calendar import calendar_for
from calldesk.rules.letter import (
    check_draft,
    check_review,
    clean_letter_text,
    fill_template,
    letter_day,
    submission_step,
)
from calldesk.rules.profile import Profile
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.constituent_text import for_constituent
from calldesk.store.read.one_case import get_case
from calldesk.store.services.cases import load_for_change


@dataclass(frozen=True)
class LetterWords:
    """What a reader of the letter sees: its state, text, who drafted it, and the supervisor's last note."""

    case_number: str
    status: str
    text: str
    drafted_by: str | None
    submitted: bool
    note: str
    returned_by: str | None
    approved_by: str | None
    signed_by: str | None


def _open(uow: UnitOfWork, case_number: str, expected_version: int | None, actor: Actor) -> tuple[Case, Resolution]:
    case = load_for_change(uow.session, case_number, expected_version, viewer=actor)
    if case.status == "closed":
        raise RuleRefused(f"Case {case_number} is closed.")
    res = uow.session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    if res is None:
        raise RuleRefused(f"Case {case_number} has no response letter: an alleged violation on the Resolution tab "
                          "starts it.")
    return case, res


def template_values(case: Case, res: Resolution, profile: Profile, *, today_at: object = None) -> dict[str, str]:
    """The placeholders' values for `case` (calldesk.rules.letter.PLACEHOLDERS)."""
    calendar = calendar_for(profile)
    today = calendar.local(today_at or utcnow()).date()  # type: ignore[arg-type]
    opened = calendar.local(case.opened_at).date()
    return {"case_number": case.case_number, "caller_name": case.caller_name or "",
            "school": case.school or case.department or "", "opened_on": letter_day(opened),
            "today": letter_day(today), "alleged_violation": res.alleged_violation or "",
            "response": res.response, "remedy": res.response, "outcome": res.outcome, "agency": profile.title}


def draft_letter(uow: UnitOfWork, *, actor: Actor, profile: Profile, case_number: str, text: str | None = None,
                 submit: bool = False, expected_version: int | None = None) -> ResolutionPublic:
    """Write the letter's text (`text`, or the text so far, or the profile's template filled from the case when
    there is none yet); `submit` sends it to a supervisor for approval (again, when its words changed); saved
    without `submit`, a submitted letter is taken back (calldesk.rules.letter.submission_step), in the trail."""
    actor = authorise(uow, actor, "draft_letter")
    case, res = _open(uow, case_number, expected_version, actor)
    check_draft(letter_status=res.letter_status, abuse_marked=case.abuse_marked)
    if text is None:
        text = res.letter_text or fill_template(profile.letter_template, template_values(case, res, profile))
    words = clean_letter_text(text)
    before = {"letter_text": res.letter_text}
    step = submission_step(submitted=res.submitted_at is not None, submit=submit, changed=words != res.letter_text)
    if words != res.letter_text:  # who drafted it: who last changed its words
        res.letter_text, res.drafted_by = words, actor.username
    if step is not None:
        res.submitted_at = utcnow() if step == "submit" else None
    res.updated_by, res.updated_at = actor.username, utcnow()
    case.updated_at = utcnow()
    uow.flush()
    audit.record_changes(uow.session, actor=actor.username, action="letter.draft", entity="resolution",
                         entity_id=case_number, case_id=case.id, before=before, after={"letter_text": words})
    if step == "submit":
        audit.record(uow.session, actor=actor.username, action="letter.submit", entity="resolution",
                     entity_id=case_number, case_id=case.id, field="letter_status", old="draft", new="submitted")
    elif step == "withdraw":
        audit.record(uow.session, actor=actor.username, action="letter.withdraw", entity="resolution",
                     entity_id=case_number, case_id=case.id, field="letter_status", old="submitted", new="draft")
    uow.commit()
    return ResolutionPublic.model_validate(res)


def return_letter(uow: UnitOfWork, *, actor: Actor, case_number: str, note: str,
                  expected_version: int | None = None) -> ResolutionPublic:
    """A supervisor sends a submitted draft back to its drafter with a note saying what to change; the letter stays
    a draft, the note is kept (on the case, in the drafter's My work) until the next return replaces it."""
    actor = authorise(uow, actor, "approve_letter")
    case, res = _open(uow, case_number, expected_version, actor)
    kept = check_review("return", letter_status=res.letter_status, submitted=res.submitted_at is not None,
                        has_text=bool(res.letter_text), note=note)
    res.letter_note, res.returned_by, res.returned_at, res.submitted_at = kept, actor.username, utcnow(), None
    res.updated_by, res.updated_at = actor.username, utcnow()
    case.updated_at = utcnow()
    uow.flush()
    audit.record(uow.session, actor=actor.username, action="letter.return", entity="resolution",
                 entity_id=case_number, case_id=case.id, field="letter_note", new=kept)
    uow.commit()
    return ResolutionPublic.model_validate(res)


def letter_words(session: Session, case_number: str, *, viewer: Actor | None) -> LetterWords:
    """The letter as its readers see it (whoever sees the case)."""
    return _words(session, get_case(session, case_number, viewer=viewer))


def _words(session: Session, case: Case) -> LetterWords:
    case_number = case.case_number
    res = session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    if res is None or res.letter_status == "none":
        raise RuleRefused(f"Case {case_number} has no response letter: an alleged violation on the Resolution tab "
                          "starts it.")
    return LetterWords(case.case_number, res.letter_status, res.letter_text, res.drafted_by,
                       res.submitted_at is not None, res.letter_note, res.returned_by, res.approved_by, res.signed_by)


def approved_text(session: Session, case_number: str, *, viewer: Actor | None) -> str:
    """The approved letter's text as it goes to the constituent, for its PDF: every detail the case stores about
    anyone else taken out, as in the email that carries it (calldesk.store.read.constituent_text); refused before
    approval (what is signed is what was approved)."""
    case = get_case(session, case_number, viewer=viewer)
    words = _words(session, case)
    if words.status == "draft":
        raise RuleRefused(f"The letter on case {case_number} is not approved yet: only the approved text is signed.")
    if not words.text.strip():
        raise RuleRefused(f"The letter on case {case_number} has no text to print.")
    return for_constituent(session, case, words.text)[0]


def draft_start(session: Session, case_number: str, *, viewer: Actor | None, profile: Profile) -> str:
    """What the drafter starts from: the text so far, else the profile's template filled from the case (empty when
    the profile has none)."""
    case = get_case(session, case_number, viewer=viewer)
    res = session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    if res is None or res.letter_text or case.abuse_marked:
        return res.letter_text if res is not None else ""
    if not profile.letter_template.strip():
        return ""
    return fill_template(profile.letter_template, template_values(case, res, profile))
