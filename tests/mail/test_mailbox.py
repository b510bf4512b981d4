"""The mailbox against real servers started by the test (dovecot for IMAP, aiosmtpd for SMTP delivering into the
same mailbox), on both backends: a new message opens a case through the call's own save, a threaded reply joins its
case, a second fetch changes nothing, a malformed message is kept aside and listed, a message suggesting abuse is
left unread with nothing stored; the acknowledgement is sent, received, and meets the case's clock; a failed send
stays queued."""

from __future__ import annotations

import imaplib
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

from sqlmodel import col, select

from calldesk.mail.transport import Server, fetch_unseen, smtp_deliver
from calldesk.models import Attachment, Case, ClockEvent, MailMessage
from calldesk.profiles import load_profile
from calldesk.rules.mail import MAX_ATTACHMENT_BYTES
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.mail import Received, receive_message
from calldesk.store.services.mail_out import outbox, queue_message, send_queued
from tests.integration.helpers import call
from tests.mail.servers import PASSWORD, USER, Mailbox, dovecot, smtp_into


def _message(subject: str, text: str, *, message_id: str, sender: str = "Rosa Diaz <rosa@example.org>",
             files: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "desk@agency.example", subject
    message["Message-ID"], message["Date"] = message_id, "Mon, 23 Nov 2026 09:15:00 -0800"
    message.set_content(text)
    for name, data in files:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return bytes(message)


def _fetch(store: Store, actor: Actor, mailbox: Mailbox, profile: str = "lausd") -> list[Received]:
    results: list[Received] = []

    def keep(raw: bytes) -> bool:
        with store.uow() as uow:
            results.append(receive_message(uow, actor=actor, profile=load_profile(profile), raw=raw))
        return results[-1].kind != "abuse"

    fetch_unseen(Server("127.0.0.1", mailbox.port, USER, PASSWORD, tls=False), keep)
    return results


def _rows(store: Store, query: object) -> list:  # type: ignore[type-arg]
    with store.uow(readonly=True) as uow:
        return list(uow.session.exec(query))  # type: ignore[call-overload]


def test_new_case_threaded_reply_duplicate_malformed_and_abuse(store: Store, admin: Actor, tmp_path: Path) -> None:
    big = b"%PDF" + b"0" * MAX_ATTACHMENT_BYTES  # one byte over the limit: not kept, and said so
    with dovecot(tmp_path) as mailbox:
        first = _message("Bus stop moved", "The bus stop on 5th Street moved and nobody told us.",
                         message_id="<m1@example.org>", files=(("route.pdf", b"%PDF-1.4 route"), ("big.pdf", big)))
        mailbox.deliver(first)
        mailbox.deliver(b"Hello, this is not a mail message\r\n")
        [opened, aside] = _fetch(store, admin, mailbox)
        assert opened.kind == "case" and aside.kind == "aside" and "no mail headers" in aside.reason
        number = opened.case_number
        # The same message delivered again (a server's retry): fetched, recognised, nothing new.
        mailbox.deliver(first)
        mailbox.deliver(_message(f"Re: [Case {number}] We received your message", "Thank you, any news?",
                                 message_id="<m2@example.org>"))
        mailbox.deliver(_message("My son", "His coach hit him after practice.", message_id="<m3@example.org>"))
        results = _fetch(store, admin, mailbox)
        assert [(r.kind, r.case_number) for r in results] == [("duplicate", number), ("reply", number),
                                                              ("abuse", None)]
        # The message suggesting abuse stays unread in the mailbox, for a person; a second fetch reports it again.
        assert [r.kind for r in _fetch(store, admin, mailbox)] == ["abuse"]
    [case] = _rows(store, select(Case))
    # Through the call's save: channel email, the profile's mail category, the text as the claim, the sender.
    assert (case.case_number, case.channel, case.category, case.email, case.caller_name) == (
        number, "email", "General information", "rosa@example.org", "Rosa Diaz")
    assert case.claim == "The bus stop on 5th Street moved and nobody told us."
    files = _rows(store, select(Attachment))
    assert [(a.filename, a.kind, a.size) for a in files] == [("route.pdf", "email", 14)]
    messages = _rows(store, select(MailMessage).order_by(col(MailMessage.id)))
    assert [(m.status, m.case_id) for m in messages] == [("case", case.id), ("aside", None), ("reply", case.id)]
    assert "big.pdf (10 MB) is over the 10 MB limit: not kept" in messages[0].error
    assert messages[1].raw == b"Hello, this is not a mail message\r\n"  # kept whole, never lost
    assert messages[2].body == "Thank you, any news?"
    assert not any("coach" in (m.body + m.subject) for m in messages)  # nothing of the abuse message stored
    with store.uow(readonly=True) as uow:
        assert [m.status for m in outbox(uow.session, viewer=admin)] == ["aside"]


def test_the_acknowledgement_is_sent_received_and_meets_the_clock(store: Store, admin: Actor,
                                                                 tmp_path: Path) -> None:
    # An Area Offices complaint: acknowledged within 2 school days (its acknowledge_by is set when it opens).
    area = load_profile("area_offices")
    number = call(store, admin, area, call_type="complaint", category="Transportation", caller_name="Rosa Diaz",
                  email="rosa@example.org").case.case_number
    assert _rows(store, select(Case.acknowledge_by))[0] is not None
    with dovecot(tmp_path) as mailbox, smtp_into(mailbox) as (smtp_port, handler):
        with store.uow() as uow:
            queued = queue_message(uow, kind="acknowledgement", actor=admin, profile=area, case_number=number)
        assert queued.status == "queued" and queued.recipient == "rosa@example.org"
        deliver = smtp_deliver(Server("127.0.0.1", smtp_port, tls=False))
        handler.refuse = True  # the server is down for a while: the message stays queued, visible, failed
        [failed] = send_queued(store.uow, actor=admin, sender="desk@agency.example", deliver=deliver)
        assert failed.error.startswith("SMTPDataError") and not failed.clock_met
        with store.uow(readonly=True) as uow:
            [waiting] = outbox(uow.session, viewer=admin)
        assert (waiting.status, waiting.attempts) == ("failed", 1)
        assert _rows(store, select(Case.acknowledge_by))[0] is not None
        handler.refuse = False
        [sent] = send_queued(store.uow, actor=admin, sender="desk@agency.example", deliver=deliver)
        assert sent.error == "" and sent.clock_met and sent.case_number == number
        # Received: read back from the mailbox by IMAP.
        client = imaplib.IMAP4("127.0.0.1", mailbox.port)
        client.login(USER, PASSWORD)
        client.select("INBOX")
        _, found = client.search(None, "ALL")
        [uid] = found[0].split()
        _, data = client.fetch(uid, "(RFC822)")
        client.logout()
    received = BytesParser(policy=default).parsebytes(next(p[1] for p in data if isinstance(p, tuple)))
    assert received["To"] == "rosa@example.org" and received["Subject"] == f"[Case {number}] We received your message"
    assert received["Message-ID"] == queued.message_id
    assert f"recorded as case {number}" in received.get_body().get_content()  # type: ignore[union-attr]
    # The sent copy is the case's; the acknowledgement clock is met (its due time no longer drives the case).
    [copy] = _rows(store, select(MailMessage))
    assert (copy.status, copy.attempts, copy.case_id is not None, copy.sent_at is not None) == ("sent", 2, True, True)
    assert _rows(store, select(Case.acknowledge_by)) == [None]
    assert [(e.kind, e.event) for e in _rows(store, select(ClockEvent))] == [("acknowledge", "met")]
    with store.uow(readonly=True) as uow:
        assert outbox(uow.session, viewer=admin) == []
