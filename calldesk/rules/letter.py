"""The response letter (LAUSD step 5) and what a case still needs before it may close."""

from __future__ import annotations

from collections.abc import Mapping

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
