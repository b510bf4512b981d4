"""The approved response letter sent by email through the team's own PostgreSQL logins (issue 26 item 6, LAUSD seed
step 5): refused before sue approves it, refused to an agent (the letter goes from those who sign it); sam sends it
with the signed PDF attached, received by a real SMTP server; the send is recorded against the complaint's
resolution target (LAUSD ties no written-response clock to a complaint: "close case ... 5-15 days"), late when the
target has passed."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from sqlmodel import col, select

from calldesk.errors import PermissionDenied, RuleRefused
from calldesk.letter_pdf import letter_pdf
from calldesk.mail.transport import Server, smtp_deliver
from calldesk.models import AuditEvent, Case, ClockEvent, MailMessage, ResolutionUpdate
from calldesk.output_files import write_file
from calldesk.store.services import follow_ups_resolution as casework
from calldesk.store.services.letters import approved_text
from calldesk.store.services.mail_out import queue_message, send_queued
from tests.conftest import TEAM_PLACES, Team
from tests.integration.helpers import LA, call, lausd, submit_letter
from tests.mail.servers import free_port
from tests.team.helpers import acting, owner_rows

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

LETTER = "Dear Maria Gomez,\nThe route was restored on Tuesday, December 1, 2026.\nIDEA 300.101."


class Collect:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.received.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


def _approved_letter(team: Team, tmp_path: Path, opened_at: datetime) -> str:
    """A complaint sam works: resolution with a violation, the letter drafted and submitted by sam."""
    profile = lausd()
    number = call(team.store("ana"), team.actor("ana"), profile, call_type="complaint", category="Transportation",
                  school=TEAM_PLACES, caller_name="Maria Gomez", email="maria@example.org",
                  claim="The bus left my son behind", opened_at=opened_at).case.case_number
    with acting(team, "sam") as (uow, sam):
        casework.set_resolution(uow, actor=sam, case_number=number, data=ResolutionUpdate(
            response="The route was restored", outcome="Resolved", alleged_violation="IDEA 300.101"))
    submit_letter(team.store("sam"), team.actor("sam"), number, text=LETTER)
    return number


def _send(team: Team, who: str) -> tuple[list[bytes], list]:  # type: ignore[type-arg]
    from aiosmtpd.controller import Controller

    handler, port = Collect(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        results = send_queued(team.store(who).uow, actor=team.actor(who), sender="desk@agency.example",
                              deliver=smtp_deliver(Server("127.0.0.1", port, tls=False)))
    finally:
        controller.stop()
    return handler.received, results


def test_the_approved_letter_goes_with_its_signed_pdf_through_the_logins(team: Team, tmp_path: Path) -> None:
    profile = lausd()
    number = _approved_letter(team, tmp_path, datetime.now(LA))
    # Submitted, not approved: refused with a sentence, nothing queued.
    with acting(team, "sam") as (uow, sam), pytest.raises(RuleRefused, match="a letter not approved yet"):
        queue_message(uow, actor=sam, profile=profile, case_number=number, kind="letter")
    with acting(team, "sue") as (uow, sue):
        casework.advance_letter(uow, actor=sue, case_number=number, step="approve")
    with acting(team, "sam") as (uow, sam):
        text = approved_text(uow.session, number, viewer=sam)
    pdf = tmp_path / "signed.pdf"
    write_file(pdf, letter_pdf(text, title=f"Response letter, case {number}"), "letter", new_only=True)
    with acting(team, "sam") as (uow, sam):
        casework.advance_letter(uow, actor=sam, case_number=number, step="attach", attachment=pdf)
    # An agent does not send the letter (its signers do: specialists and supervisors).
    with acting(team, "ana") as (uow, ana), pytest.raises(PermissionDenied):
        queue_message(uow, actor=ana, profile=profile, case_number=number, kind="letter")
    with acting(team, "sam") as (uow, sam):
        queued = queue_message(uow, actor=sam, profile=profile, case_number=number, kind="letter")
    assert (queued.kind, queued.language) == ("letter", "en")  # Maria's language: English (the default)
    received, [sent] = _send(team, "sam")
    assert sent.error == "" and len(received) == 1
    message: Message = message_from_bytes(received[0])
    assert message["Subject"] == f"[Case {number}] Response letter" and message["To"] == "maria@example.org"
    parts = [p for p in message.walk() if not p.is_multipart()]
    body, attached = parts
    # The cover words of lausd.toml's letter template, then the approved text as sue approved it.
    words = body.get_payload(decode=True).decode().replace("\r\n", "\n")  # type: ignore[union-attr]
    assert words.startswith("Dear Maria Gomez,\n\nPlease find below our response letter") and LETTER in words
    assert (attached.get_filename(), attached.get_content_type()) == ("signed.pdf", "application/pdf")
    assert attached.get_payload(decode=True) == pdf.read_bytes()
    # Opened today: its 15 business days are ahead, so the letter is recorded on time against resolve_by.
    [case] = owner_rows(team, select(Case))
    [event] = owner_rows(team, select(ClockEvent).where(ClockEvent.kind == "letter"))
    assert (sent.clock, sent.late) == ("response letter", "")
    assert (event.event, event.due_at, event.by_user, case.late_clocks) == ("met", case.resolve_by,
                                                                             team.name("sam"), 0)
    [row] = owner_rows(team, select(MailMessage))
    assert (row.status, row.kind, row.by_user, row.sent_at == event.at) == ("sent", "letter", team.name("sam"),
                                                                             True)
    trail = owner_rows(team, select(AuditEvent.action, AuditEvent.actor).where(
        col(AuditEvent.action).in_(("mail.queued", "mail.sent"))))
    assert sorted(trail) == [("mail.queued", team.name("sam")), ("mail.sent", team.name("sam"))]


def test_a_letter_sent_after_the_resolution_target_is_recorded_late(team: Team, tmp_path: Path) -> None:
    profile = lausd()
    # Opened Tue 1 Sep 2026: 15 business days later is in September, long before this test sends the letter.
    number = _approved_letter(team, tmp_path, datetime(2026, 9, 1, 10, tzinfo=LA))
    with acting(team, "sue") as (uow, sue):
        casework.advance_letter(uow, actor=sue, case_number=number, step="approve")
        queue_message(uow, actor=sue, profile=profile, case_number=number, kind="letter")
    received, [sent] = _send(team, "sue")
    # Approved, no signed copy yet: sent without an attachment.
    assert len(received) == 1 and not message_from_bytes(received[0]).is_multipart()
    assert sent.clock == "response letter" and sent.late.endswith("business days late")
    [case] = owner_rows(team, select(Case))
    [event] = owner_rows(team, select(ClockEvent).where(ClockEvent.kind == "letter"))
    assert event.due_at == case.resolve_by and "Response letter met late" in event.note
    assert case.late_clocks == 1 and case.resolve_by is not None  # the case still has to close
