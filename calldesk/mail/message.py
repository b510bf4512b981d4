"""An email as calldesk reads it: who sent it, its subject and text, its files; ValueError when it cannot be read
(it is then kept aside, never lost)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

from calldesk.rules.mail import MAX_MESSAGE_BYTES

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")


@dataclass(frozen=True)
class MailFile:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Incoming:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    text: str
    files: tuple[MailFile, ...]
    sent_at: datetime | None


def key_of(raw: bytes) -> str:
    """The key of a message that has no readable Message-ID: its bytes' hash (the same bytes fetched again: the
    same key)."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError) as exc:
        raise ValueError(f"its text cannot be decoded ({exc})") from None
    if part.get_content_subtype() == "html":
        content = re.sub(r"<[^>]+>", " ", content)
    return str(content).replace("\r\n", "\n").strip()


def parse_message(raw: bytes) -> Incoming:
    """The message in `raw` (RFC 5322 bytes); ValueError, in words, when it cannot be read."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ValueError(f"it is larger than {MAX_MESSAGE_BYTES // (1024 * 1024)} MB")
    if not _HEADER_LINE.match(raw.lstrip(b"\r\n")[:1000]):
        raise ValueError("it has no mail headers")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        addresses: tuple[Address, ...] = message["from"].addresses if message["from"] is not None else ()
        subject = " ".join(str(message["subject"] or "").split())
        message_id = str(message["message-id"] or "").strip()
    except (IndexError, ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"its headers cannot be read ({exc.__class__.__name__})") from None
    sender = next((a.addr_spec for a in addresses if "@" in a.addr_spec), "")
    if not sender:
        raise ValueError("it names no sender address (From)")
    name = next((a.display_name for a in addresses if a.addr_spec == sender), "")
    files = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            files.append(MailFile(part.get_filename() or "attachment", part.get_content_type(), data))
    try:
        sent = parsedate_to_datetime(str(message["date"])) if message["date"] else None
    except (TypeError, ValueError):
        sent = None
    if sent is not None and sent.tzinfo is None:
        sent = None
    return Incoming(message_id=message_id[:300] or key_of(raw), sender=sender[:254], sender_name=name[:200],
                    subject=subject[:300], text=_text(message), files=tuple(files), sent_at=sent)
