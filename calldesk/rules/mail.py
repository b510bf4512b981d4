"""The mailbox's rules: which case a reply belongs to, what an attachment may be, what the acknowledgement, the
written response and the response letter's email say (a profile's template in the caller's language, when it has
one), and what of their text may leave (calldesk.rules.redaction: never a third party's details).

Plain data and text, no I/O (calldesk.mail reads and sends; calldesk.store.services.mail keeps).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from calldesk.errors import RuleRefused
from calldesk.rules.free_text import narrative_limit
from calldesk.rules.profile_fields import Text, Valid, _Frozen

CASE_IN_SUBJECT = re.compile(r"(?<![\d-])(\d{4}-\d{6})(?![\d-])")
MAX_MESSAGE_BYTES = 25 * 1024 * 1024  # larger than any mail server passes on: kept aside unread
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
MAX_TEXT_CHARS = narrative_limit("cases", "claim")  # the claim a message's text becomes (and the body kept)


def case_number_in(subject: str) -> str | None:
    """The case number a reply's subject carries ("Re: [Case 2026-000123] ..."), or None."""
    found = CASE_IN_SUBJECT.search(subject or "")
    return found.group(1) if found else None


@dataclass(frozen=True)
class FileVerdict:
    keep: bool
    reason: str = ""


def attachment_verdict(name: str, size: int, kept_so_far: int) -> FileVerdict:
    """Whether an attachment is kept with the case: within the size limit and the count (the reason in words)."""
    if size == 0:
        return FileVerdict(False, f"{name} is empty: not kept")
    if size > MAX_ATTACHMENT_BYTES:
        return FileVerdict(False, f"{name} ({size // (1024 * 1024)} MB) is over the "
                                  f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB limit: not kept")
    if kept_so_far >= MAX_ATTACHMENTS:
        return FileVerdict(False, f"{name}: only {MAX_ATTACHMENTS} attachments are kept per message")
    return FileVerdict(True)


# ---- the email out: its kinds, the profile's templates per language ----------------------------------------------
MailKind = Literal["acknowledgement", "written_response", "letter"]
MAIL_KINDS: tuple[str, ...] = ("acknowledgement", "written_response", "letter")
MAIL_KIND_WORDS = {"acknowledgement": "acknowledgement", "written_response": "written response",
                   "letter": "response letter"}
# A language as a template names it (ISO 639-1) -> as a case stores it (the intake's and the web form's words).
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
# What a mail template may name, each filled from the case when the message is queued.
MAIL_PLACEHOLDERS = {"case_number": "the case number", "caller_name": "the caller's name",
                     "agency": "the profile's title", "school": "the school or department",
                     "response": "the response/resolution/remedy (Resolution tab)"}


def _check_template_text(value: str) -> str:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError as exc:
        raise ValueError(f"the mail template is malformed ({exc}); write {{{{ and }}}} for a brace") from None
    unknown = [name for name in names if name not in MAIL_PLACEHOLDERS]
    if unknown:
        raise ValueError(f"the mail template names {{{unknown[0]}}}; it may name only "
                         + ", ".join("{" + p + "}" for p in MAIL_PLACEHOLDERS))
    return value


def _check_subject(value: str) -> str:
    _check_template_text(value)
    if "{case_number}" not in value:
        raise ValueError("a mail subject must carry {case_number}: replies find their case by it")
    return value


@dataclass(frozen=True, kw_only=True)
class MailTemplate(_Frozen):
    """One message's words in one language: its subject (which carries the case number) and its text (for the
    letter, the words before the letter itself; may be empty)."""

    subject: Annotated[str, Valid(_check_subject)]
    text: Annotated[str, Valid(_check_template_text)] = ""


def _check_language_code(value: str) -> str:
    if not re.fullmatch(r"[a-z]{2}", value):
        raise ValueError(f"'{value}' is not a language code (two letters, e.g. en, es)")
    return value


def _check_languages(value: dict[str, MailTemplate]) -> dict[str, MailTemplate]:
    for code in value:
        _check_language_code(code)
    return value


MailTemplates = dict[MailKind, Annotated[dict[str, MailTemplate], Valid(_check_languages)]]
LanguageCode = Annotated[Text, Valid(_check_language_code)]

# What is said when the profile gives no template of a kind (English).
DEFAULT_TEMPLATES: dict[str, MailTemplate] = {
    "acknowledgement": MailTemplate(
        subject="[Case {case_number}] We received your message",
        text="Dear {caller_name},\n\nThank you for writing to us. Your message is recorded as case {case_number}; "
             "we will respond within the time our protocol gives. To add to it, reply to this email and keep the "
             "case number in the subject.\n\n{agency}\n"),
    "written_response": MailTemplate(
        subject="[Case {case_number}] Our response",
        text="Dear {caller_name},\n\nThis is our written response to case {case_number}.\n\n{response}\n\n"
             "To reply, answer this email and keep the case number in the subject.\n\n{agency}\n"),
    "letter": MailTemplate(subject="[Case {case_number}] Response letter",
                           text="Dear {caller_name},\n\nPlease find our response letter below.\n"),
}


def language_code(language: str) -> str:
    """The two-letter code of a case's language ("Spanish", "spanish", "es" -> "es"); "" when unknown."""
    folded = (language or "").strip().casefold()
    for code, name in LANGUAGE_NAMES.items():
        if folded in (code, name.casefold()):
            return code
    return folded if re.fullmatch(r"[a-z]{2}", folded) else ""


@dataclass(frozen=True)
class OutgoingWords:
    """A message's subject and text, and the language they are in (the caller's when the profile has it)."""

    subject: str
    text: str
    language: str


def mail_words(templates: Mapping[Any, Mapping[str, MailTemplate]], kind: str, *, language: str,
               default_language: str, values: Mapping[str, str]) -> OutgoingWords:
    """The `kind` message in the caller's `language` when the profile has that template, else in the profile's
    `default_language`, else the built-in English words; placeholders filled from `values` (a missing one: "")."""
    if kind not in MAIL_KINDS:
        raise RuleRefused(f"'{kind}' is not a message calldesk sends: {', '.join(MAIL_KINDS)}.")
    own = templates.get(kind, {})
    wanted = language_code(language)
    code = wanted if wanted in own else default_language if default_language in own else "en"
    template = own.get(code) or DEFAULT_TEMPLATES[kind]
    filled = {name: (values.get(name) or "").strip() for name in MAIL_PLACEHOLDERS}
    text = template.text.format_map(filled)
    if not filled["caller_name"]:  # "Dear ," reads wrong in any language: the greeting's line goes
        text = re.sub(r"\A[^\n]*\s[,:]\n+", "", text)
    return OutgoingWords(" ".join(template.subject.format_map(filled).split()), text.strip() + "\n", code)


def check_sendable(kind: str, *, case_number: str, abuse_marked: bool, email: str | None, response: str = "",
                   letter_status: str = "none", letter_text: str = "") -> None:
    """Refuse, in one sentence, a message that may not go: a case marked as suspected abuse, no address, a
    written response with no response written, a letter not approved."""
    words = MAIL_KIND_WORDS.get(kind, kind)
    if abuse_marked:
        raise RuleRefused(f"Case {case_number} is marked as suspected abuse: no email is sent from it.")
    if not (email or "").strip():
        raise RuleRefused(f"Case {case_number} has no email address to send the {words} to.")
    if kind == "written_response" and not response.strip():
        raise RuleRefused(f"Case {case_number} has no response written on its Resolution tab: write it before "
                          "sending the written response.")
    if kind == "letter":
        if letter_status in ("none", "draft"):
            state = "no response letter" if letter_status == "none" else "a letter not approved yet"
            raise RuleRefused(f"Case {case_number} has {state}: only the approved letter is sent to the "
                              "constituent.")
        if not letter_text.strip():
            raise RuleRefused(f"The letter on case {case_number} has no text to send.")


def clock_met_by(kind: str, *, tier: str | None, acknowledge_pending: bool, respond_pending: bool) -> str | None:
    """The clock a message sent meets: the acknowledgement's; the written response (a concern or complaint) or
    the reply (an inquiry) for the written response; for the letter, the written response when the profile runs
    one for the case (Area Offices), else "letter": LAUSD's letter is step 5's resolution, judged against the
    case's resolution target ("close case ... 5-15 days"). None when the case runs no such clock (or it was met)."""
    if kind == "acknowledgement":
        return "acknowledge" if acknowledge_pending else None
    answer = "reply" if tier in ("inquiry_followup", "inquiry_immediate") else "written_response"
    if kind == "written_response":
        return answer if respond_pending and tier is not None else None
    if kind == "letter":
        return "written_response" if respond_pending and answer == "written_response" else "letter"
    return None
