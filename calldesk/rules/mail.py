"""The mailbox's rules: which case a reply belongs to, what an attachment may be, what the acknowledgement says.

Plain data and text, no I/O (calldesk.mail reads and sends; calldesk.store.mail keeps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CASE_IN_SUBJECT = re.compile(r"(?<![\d-])(\d{4}-\d{6})(?![\d-])")
MAX_MESSAGE_BYTES = 25 * 1024 * 1024  # larger than any mail server passes on: kept aside unread
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
MAX_TEXT_CHARS = 20_000  # the claim a message's text becomes


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


def acknowledgement(*, case_number: str, caller_name: str, agency: str) -> tuple[str, str]:
    """The acknowledgement's subject and text: the case number (replies find their case by it) and nothing
    about anyone but the constituent (no third party's details, no student's)."""
    greeting = f"Dear {caller_name}," if caller_name.strip() else "Hello,"
    subject = f"[Case {case_number}] We received your message"
    text = (f"{greeting}\n\nThank you for writing to us. Your message is recorded as case {case_number}; we will "
            f"respond within the time our protocol gives. To add to it, reply to this email and keep the case "
            f"number in the subject.\n\n{agency}\n")
    return subject, text
