"""The mail servers: IMAP to fetch the mailbox (imaplib), SMTP to send (smtplib); both from the standard library.

Fetching reads the unseen messages without marking them (BODY.PEEK), hands each to `keep`, and marks it seen only
once kept: a message is never lost between the server and the store, and one fetched twice is kept once (its
Message-ID).
"""

from __future__ import annotations

import imaplib
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.message import EmailMessage

from calldesk.errors import InvalidInput


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str = ""
    password: str = ""
    tls: bool = True  # IMAP over TLS (993) / SMTP with STARTTLS; False only for a server on this machine


@contextmanager
def _imap(server: Server, mailbox: str) -> Iterator[imaplib.IMAP4]:
    try:
        client = imaplib.IMAP4_SSL(server.host, server.port) if server.tls else imaplib.IMAP4(server.host,
                                                                                               server.port)
    except OSError as exc:
        raise InvalidInput(f"Cannot reach the mailbox at {server.host}:{server.port}: {exc.strerror or exc}.",
                           field="imap") from None
    try:
        try:
            client.login(server.user, server.password)
            status, _ = client.select(mailbox)
        except imaplib.IMAP4.error as exc:
            raise InvalidInput(f"The mailbox refused the sign-in or the folder: {exc}.", field="imap") from None
        if status != "OK":
            raise InvalidInput(f"No folder '{mailbox}' in the mailbox.", field="imap")
        yield client
    finally:
        with suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def fetch_unseen(server: Server, keep: Callable[[bytes], bool], *, mailbox: str = "INBOX",
                 limit: int = 10_000) -> int:
    """Hand each unseen message's bytes to `keep`; those it kept (True) are marked seen. How many were read."""
    with _imap(server, mailbox) as client:
        status, found = client.uid("SEARCH", "UNSEEN")
        uids = found[0].split()[:limit] if status == "OK" and found and found[0] else []
        for uid in uids:
            status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), None) if status == "OK" else None
            if raw is None:
                continue
            if keep(raw):
                client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        return len(uids)


def smtp_deliver(server: Server) -> Callable[[EmailMessage], None]:
    """A function that sends one message through `server` (OSError / SMTPException when it cannot)."""

    def deliver(message: EmailMessage) -> None:
        with smtplib.SMTP(server.host, server.port, timeout=30) as client:
            if server.tls:
                client.starttls()
            if server.user:
                client.login(server.user, server.password)
            client.send_message(message)

    return deliver
