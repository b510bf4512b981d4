"""The response letter (LAUSD step 5) and what a case still needs before it may close."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from calldesk.errors import InvalidInput, RuleRefused

LETTER_ORDER = ("none", "draft", "approved", "signed", "coordinator_informed")
# step -> (state it needs, state it reaches)
LETTER_STEPS: dict[str, tuple[str, str]] = {"approve": ("draft", "approved"), "attach": ("approved", "signed"),
                                            "inform": ("signed", "coordinator_informed")}
_STILL_NEEDED = {"approved": "the supervisor's approval of the letter",
                 "signed": "the signed copy of the letter attached",
                 "coordinator_informed": "the coordinator informed"}


def letter_required(*, alleged_violation: str | None, letter_status: str) -> bool:
    """A complaint with an alleged violation needs the lawful response letter (started once drafted)."""
    return bool(alleged_violation) or letter_status not in ("none",)


def letter_missing(*, alleged_violation: str | None, letter_status: str) -> list[str]:
    """The letter's steps not yet done, in words (empty when no letter is required or it is finished)."""
    if not letter_required(alleged_violation=alleged_violation, letter_status=letter_status):
        return []
    reached = LETTER_ORDER.index(letter_status) if letter_status in LETTER_ORDER else 0
    return [words for state, words in _STILL_NEEDED.items() if LETTER_ORDER.index(state) > reached]


def check_letter_step(step: str, *, letter_status: str, actor: str, approved_by: str | None,
                      alone: bool = False, one_person_office: bool = False) -> str:
    """The state `step` reaches; refused in words when the letter is not at the step's state, or the one who
    approved it would also sign it (the approver is never the signer), unless `alone` (the store's only user)
    in a profile that allows a `one_person_office`."""
    if step not in LETTER_STEPS:
        raise InvalidInput(f"'{step}' is not a letter step: approve, attach or inform.", field="step")
    needed, reached = LETTER_STEPS[step]
    if letter_status != needed:
        raise RuleRefused(f"The letter is '{letter_status.replace('_', ' ')}'; it must be '{needed}' to {step} it.")
    if step == "attach" and approved_by == actor and not (alone and one_person_office):
        why = (" (one person may do both only in a one-person office whose protocol profile says"
               " one_person_office = true)" if alone else "")
        raise RuleRefused(f"{actor} approved this letter; someone else signs and attaches it{why}.")
    return reached


def check_retype(*, case_number: str, before: str, after: str, alleged_violation: str | None,
                 letter_status: str) -> None:
    """A complaint whose letter is required or under way stays a complaint until it is closed (re-typing it as an
    inquiry would close it past its letter)."""
    if before == "complaint" and after != "complaint" and letter_required(
            alleged_violation=alleged_violation, letter_status=letter_status):
        raise RuleRefused(f"Case {case_number} has a response letter to finish ({letter_status.replace('_', ' ')});"
                          " it stays a complaint until it is closed.")


def closing_sentence(case_number: str, missing_fields: Mapping[str, str], letter_steps: list[str]) -> str:
    """One line naming every step missing before a close."""
    items = [_short(sentence) for sentence in missing_fields.values()] + letter_steps
    return f"Case {case_number} cannot close yet; missing: {'; '.join(items)}."


def _short(sentence: str) -> str:
    return sentence.rstrip(".")


# ---- the letter's words ------------------------------------------------------------------------------------------
# What a profile's letter template may name: each is filled from the case when the specialist starts the draft.
PLACEHOLDERS = {
    "case_number": "the case number", "caller_name": "the caller's name", "school": "the school or department",
    "opened_on": "the day the case was opened", "today": "the day the draft is made",
    "alleged_violation": "the alleged violation", "response": "the response/resolution/remedy (Resolution tab)",
    "remedy": "the same words as response (the seed's 'Response/Resolution/Remedy')", "outcome": "the outcome",
    "agency": "the profile's title",
}
MAX_LETTER_CHARS = 20_000  # a few pages; more is not a letter
MAX_NOTE_CHARS = 2_000


def template_fields(template: str) -> list[str]:
    """The placeholders `template` names, refused (ValueError) when one is unknown or malformed."""
    import string

    found: list[str] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"the letter template is malformed ({exc}); write {{{{ and }}}} for a brace") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise ValueError(f"the letter template names {{{name}}}; it may name only "
                             + ", ".join("{" + p + "}" for p in PLACEHOLDERS))
        found.append(name)
    return found


def fill_template(template: str, values: Mapping[str, str]) -> str:
    """The template with every placeholder filled, line ends normalised. A missing value reads '-', but one that
    only followed a separator goes with it ("Re: Case 2026-000149 - {school}" with no school: "Re: Case
    2026-000149")."""
    if not template.strip():
        raise RuleRefused("This profile has no letter template: type the letter's text.")
    template_fields(template)
    filled = template.format_map({name: (values.get(name) or "").strip() or _MISSING for name in PLACEHOLDERS})
    filled = re.sub(rf"[ \t]+[-\u2013\u2014:,][ \t]*{_MISSING}(?=[ \t]*$)", "", filled, flags=re.MULTILINE)
    return clean_letter_text(filled.replace(_MISSING, "-"))


_MISSING = "\x00missing\x00"  # (a placeholder with no value, while the template is filled)


def clean_letter_text(text: str) -> str:
    """The letter as stored: line ends normalised, trailing spaces and blank edges gone; refused when empty or
    longer than a letter."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    cleaned = "\n".join(lines).strip("\n")
    if not cleaned.strip():
        raise InvalidInput("The letter has no text.", field="letter_text")
    if len(cleaned) > MAX_LETTER_CHARS:
        raise InvalidInput(f"The letter is {len(cleaned)} characters; at most {MAX_LETTER_CHARS}.",
                           field="letter_text")
    return cleaned


def check_draft(*, letter_status: str, abuse_marked: bool) -> None:
    """The letter's text is written only while it is a draft, and never on a call marked as suspected abuse."""
    if abuse_marked:
        raise RuleRefused("This call was marked as suspected child abuse: do not document it here.")
    if letter_status != "draft":
        raise RuleRefused(f"The letter is '{letter_status.replace('_', ' ')}'; its text is written only while it "
                          "is a draft (an alleged violation on the Resolution tab starts it).")


def submission_step(*, submitted: bool, submit: bool, changed: bool) -> str | None:
    """What saving the letter's words does to its submission for approval: "submit" (sent now, or its new words
    sent again), "withdraw" (taken back on purpose: a submitted letter saved without submitting), or None (it
    stays as it was: saved again unchanged and still submitted, or a draft kept)."""
    if submit:
        return None if submitted and not changed else "submit"
    return "withdraw" if submitted else None


def check_review(step: str, *, letter_status: str, submitted: bool, has_text: bool, note: str = "") -> str:
    """A supervisor reads a submitted draft: `approve` needs its text; `return` needs a note saying what to
    change. The note as kept (stripped)."""
    if letter_status != "draft":
        raise RuleRefused(f"The letter is '{letter_status.replace('_', ' ')}'; only a draft is approved or returned.")
    if not has_text or not submitted:
        raise RuleRefused("The letter has not been submitted for approval: the specialist drafts its text and "
                          "submits it first.")
    kept = note.strip()
    if step == "return":
        if not kept:
            raise InvalidInput("Say what to change: a returned letter needs a note.", field="note")
        if len(kept) > MAX_NOTE_CHARS:
            raise InvalidInput(f"The note is {len(kept)} characters; at most {MAX_NOTE_CHARS}.", field="note")
    return kept


def letter_day(day: date) -> str:
    """A day as a letter writes it: December 7, 2026."""
    return f"{day:%B} {day.day}, {day:%Y}"


def pdf_unprintable(text: str) -> list[str]:
    """The characters of `text` the PDF's standard font cannot print (it holds Latin-1: English, Spanish...)."""
    return sorted({ch for ch in text if ch not in "\n\t" and (ord(ch) > 0xFF or ord(ch) < 0x20)})
