"""The email out from a case against real servers started by the test (aiosmtpd delivering into a dovecot mailbox
read back by IMAP), on both backends: the written response goes in the caller's language (Spanish for a Spanish
speaker, from the Area Offices profile's template) with no third party's details, meets the written response
clock (late when sent late); a refused send stays queued and listed with its kind and language."""

from __future__ import annotations

import imaplib
from datetime import date, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from calldesk.errors import RuleRefused
from calldesk.mail.transport import Server, smtp_deliver
from calldesk.models import Case, ClockEvent, MailMessage, ResolutionUpdate, StudentCreate
from calldesk.profiles import load_profile
from calldesk.rules.history import event_sentence
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.history import case_history
from calldesk.store.services.confidentiality import add_student
from calldesk.store.services.follow_ups_resolution import set_resolution
from calldesk.store.services.mail_out import outbox, queue_message, send_queued
from tests.integration.helpers import call
from tests.mail.servers import PASSWORD, USER, Mailbox, dovecot, smtp_into

NY = ZoneInfo("America/New_York")
RESPONSE = "La ruta del autobús fue restablecida y Juan Perez tiene su asiento desde el lunes."


def _received(mailbox: Mailbox) -> list[EmailMessage]:
    """Every message in the mailbox, read by IMAP."""
    client = imaplib.IMAP4("127.0.0.1", mailbox.port)
    client.login(USER, PASSWORD)
    client.select("INBOX")
    _, found = client.search(None, "ALL")
    messages = []
    for uid in found[0].split():
        _, data = client.fetch(uid, "(RFC822)")
        parsed = BytesParser(policy=default).parsebytes(next(p[1] for p in data if isinstance(p, tuple)))
        assert isinstance(parsed, EmailMessage)
        messages.append(parsed)
    client.logout()
    return messages


def _rows(store: Store, query: object) -> list:  # type: ignore[type-arg]
    with store.uow(readonly=True) as uow:
        return list(uow.session.exec(query))  # type: ignore[call-overload]


def _complaint(store: Store, admin: Actor, **fields: object) -> str:
    """An Area Offices complaint from a Spanish-speaking caller with a student on it and a response written."""
    area = load_profile("area_offices")
    number = call(store, admin, area, call_type="complaint", category="Transportation", caller_name="Rosa Diaz",
                  email="rosa@example.org", language="Spanish", **fields).case.case_number
    with store.uow() as uow:
        add_student(uow, actor=admin, case_number=number, data=StudentCreate(name="Juan Perez",
                                                                             student_ref="S7654321"))
    with store.uow() as uow:
        set_resolution(uow, actor=admin, case_number=number, data=ResolutionUpdate(response=RESPONSE,
                                                                                   outcome="Resolved"))
    return number


def test_the_written_response_goes_in_spanish_and_meets_its_clock(store: Store, admin: Actor,
                                                                   tmp_path: Path) -> None:
    area = load_profile("area_offices")
    number = _complaint(store, admin)
    [due] = _rows(store, select(Case.respond_by))
    assert due is not None  # Area Offices: a complaint's written response within 10 school days
    with dovecot(tmp_path) as mailbox, smtp_into(mailbox) as (port, _):
        with store.uow() as uow:
            queued = queue_message(uow, actor=admin, profile=area, case_number=number, kind="written_response")
        assert (queued.kind, queued.language, queued.status) == ("written_response", "es", "queued")
        [sent] = send_queued(store.uow, actor=admin, sender="desk@agency.example",
                             deliver=smtp_deliver(Server("127.0.0.1", port, tls=False)))
        [message] = _received(mailbox)
    # Opened now, sent now: on time, within its 10 school days.
    assert (sent.error, sent.clock_met, sent.clock, sent.late) == ("", True, "written response", "")
    # The profile's Spanish template (area_offices.toml mail_templates.written_response.es), filled by hand.
    assert message["Subject"] == f"[Caso {number}] Nuestra respuesta"
    assert message["To"] == "rosa@example.org" and message["Content-Language"] == "es"
    text = message.get_body().get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    assert text.startswith("Estimado/a Rosa Diaz:\n\nLe enviamos nuestra respuesta por escrito al caso")
    # The student (a third party) named in the response is taken out; the constituent's own name stays.
    assert "La ruta del autobús fue restablecida y [NAME] tiene su asiento desde el lunes." in text
    assert "Juan" not in text and "Perez" not in text and text.endswith("Atentamente,\nArea Offices Resolution\n")
    [copy] = _rows(store, select(MailMessage))
    assert copy.body == text  # the sent copy is what was sent
    assert (copy.status, copy.kind, copy.language, copy.sent_at is not None) == ("sent", "written_response", "es",
                                                                               True)
    [event] = _rows(store, select(ClockEvent))
    assert (event.kind, event.event, event.due_at, event.at) == ("written_response", "met", due, copy.sent_at)
    assert _rows(store, select(Case.respond_by, Case.late_clocks)) == [(None, 0)]
    # The case's history says it in words (the message, never its text or the address).
    with store.uow(readonly=True) as uow:
        said = [event_sentence(e, tz=area.tz, today=date.today())
                for e in case_history(uow.session, number, viewer=admin)]
    assert f"{admin.username} queued the written response to the constituent by email." in said
    assert f"{admin.username} sent the written response to the constituent by email." in said


def test_a_response_sent_late_is_met_late(store: Store, admin: Actor, tmp_path: Path) -> None:
    area = load_profile("area_offices")
    # Opened Tue 1 Sep 2026: its 10 school days ended in September, months before this test sends it.
    number = _complaint(store, admin, opened_at=datetime(2026, 9, 1, 10, tzinfo=NY))
    [due] = _rows(store, select(Case.respond_by))
    with dovecot(tmp_path) as mailbox, smtp_into(mailbox) as (port, _):
        with store.uow() as uow:
            queue_message(uow, actor=admin, profile=area, case_number=number, kind="written_response")
        [sent] = send_queued(store.uow, actor=admin, sender="desk@agency.example",
                             deliver=smtp_deliver(Server("127.0.0.1", port, tls=False)))
        assert len(_received(mailbox)) == 1
    assert sent.clock == "written response" and sent.late.endswith("school days late")
    # (an intake logged late is a clock event too: only the written response's is looked at)
    [event] = _rows(store, select(ClockEvent).where(ClockEvent.kind == "written_response"))
    assert (event.kind, event.due_at) == ("written_response", due) and event.at > due
    assert _rows(store, select(Case.respond_by, Case.late_clocks)) == [(None, 1)]  # met late: breached


def test_a_refused_send_stays_queued_and_listed(store: Store, admin: Actor, tmp_path: Path) -> None:
    area = load_profile("area_offices")
    number = _complaint(store, admin)
    with dovecot(tmp_path) as mailbox, smtp_into(mailbox) as (port, handler):
        with store.uow() as uow:
            queue_message(uow, actor=admin, profile=area, case_number=number, kind="written_response")
        handler.refuse = True
        deliver = smtp_deliver(Server("127.0.0.1", port, tls=False))
        [failed] = send_queued(store.uow, actor=admin, sender="desk@agency.example", deliver=deliver)
        assert failed.error.startswith("SMTPDataError") and not failed.clock_met
        with store.uow(readonly=True) as uow:
            [waiting] = outbox(uow.session, viewer=admin)
            [of_case] = outbox(uow.session, viewer=admin, case_number=number)
        assert (waiting.status, waiting.kind, waiting.language, waiting.attempts) == ("failed", "written_response",
                                                                                      "es", 1)
        assert of_case == waiting
        assert _rows(store, select(Case.respond_by))[0] is not None  # not met: nothing went
        assert _received(mailbox) == []
        handler.refuse = False
        [sent] = send_queued(store.uow, actor=admin, sender="desk@agency.example", deliver=deliver)
        assert sent.error == "" and sent.clock_met and len(_received(mailbox)) == 1
    with store.uow(readonly=True) as uow:
        assert outbox(uow.session, viewer=admin) == []


def test_what_may_not_go_is_refused_in_a_sentence(store: Store, admin: Actor) -> None:
    area = load_profile("area_offices")
    no_mail = call(store, admin, area, call_type="complaint", category="Transportation").case.case_number
    with store.uow() as uow, pytest.raises(RuleRefused, match="has no email address to send the written"):
        queue_message(uow, actor=admin, profile=area, case_number=no_mail, kind="written_response")
    unanswered = call(store, admin, area, call_type="complaint", category="Transportation",
                      email="rosa@example.org").case.case_number
    with store.uow() as uow, pytest.raises(RuleRefused, match="no response written on its Resolution tab"):
        queue_message(uow, actor=admin, profile=area, case_number=unanswered, kind="written_response")
    with store.uow() as uow, pytest.raises(RuleRefused, match="only the approved letter is sent"):
        queue_message(uow, actor=admin, profile=area, case_number=unanswered, kind="letter")
    assert _rows(store, select(MailMessage)) == []
