"""The mailbox through each person's own PostgreSQL login (made by `db grant`): the supervisor's fetch opens the
case and adds a reply; an agent cannot fetch; the agent the case reached acknowledges it by email (sent through a
real SMTP server), which meets its clock; her login cannot send another person's case's mail."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlmodel import col, select

from calldesk.errors import NotFound, PermissionDenied
from calldesk.mail.transport import Server, smtp_deliver
from calldesk.models import AuditEvent, Case, MailMessage
from calldesk.profiles import load_profile
from calldesk.store.services.mail import receive_message
from calldesk.store.services.mail_out import queue_message, send_queued
from tests.conftest import Team
from tests.mail.servers import free_port
from tests.team.helpers import acting, owner_rows

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


class Collect:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.received.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


def _raw(subject: str, text: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"], message["Subject"], message["Message-ID"] = "Rosa Diaz <rosa@example.org>", subject, message_id
    message.set_content(text)
    return bytes(message)


def test_the_supervisor_fetches_and_the_agent_acknowledges_through_their_logins(team: Team) -> None:
    from aiosmtpd.controller import Controller

    area = load_profile("lausd")
    with acting(team, "ana") as (uow, ana), pytest.raises(PermissionDenied, match="fetch the mailbox"):
        receive_message(uow, actor=ana, profile=area, raw=_raw("Hello", "A question.", "<t0@example.org>"))
    with acting(team, "sue") as (uow, sue):
        opened = receive_message(uow, actor=sue, profile=area,
                                 raw=_raw("Lunch menu", "Is there a vegetarian lunch?", "<t1@example.org>"))
    assert opened.kind == "case"
    with acting(team, "sue") as (uow, sue):
        reply = receive_message(uow, actor=sue, profile=area,
                                raw=_raw(f"Re: [Case {opened.case_number}]", "Any news?", "<t2@example.org>"))
    assert (reply.kind, reply.case_number) == ("reply", opened.case_number)
    [case] = owner_rows(team, select(Case))
    assert (case.channel, case.opened_by) == ("email", team.name("sue"))
    rows = owner_rows(team, select(MailMessage).order_by(col(MailMessage.id)))
    assert [(m.status, m.by_user) for m in rows] == [("case", team.name("sue")), ("reply", team.name("sue"))]
    # An email is an inquiry answered at once (lausd: inquiry_immediate, owned by agents); of the agents ana and
    # bo, both with no open case and none assigned yet, the rule picks by name: ana. Through her own login she
    # acknowledges it; the respondent (no desk role) may not.
    assert (case.tier, case.assigned_to) == ("inquiry_immediate", team.name("ana"))
    who = "ana"
    with acting(team, "rex") as (uow, rex), pytest.raises((PermissionDenied, NotFound)):
        queue_message(uow, kind="acknowledgement", actor=rex, profile=area, case_number=case.case_number)
    handler, port = Collect(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with acting(team, who) as (uow, person):
            queued = queue_message(uow, kind="acknowledgement", actor=person, profile=area,
                                   case_number=case.case_number)
        store = team.store(who)
        [sent] = send_queued(store.uow, actor=team.actor(who), sender="desk@agency.example",
                             deliver=smtp_deliver(Server("127.0.0.1", port, tls=False)))
    finally:
        controller.stop()
    assert sent.error == "" and len(handler.received) == 1 and queued.message_id.encode() in handler.received[0]
    [out] = owner_rows(team, select(MailMessage).where(MailMessage.direction == "out"))
    assert (out.status, out.by_user, out.attempts) == ("sent", team.name(who), 1)
    trail = owner_rows(team, select(AuditEvent.action, AuditEvent.actor).where(
        col(AuditEvent.action).in_(("mail.queued", "mail.sent"))))
    assert sorted(trail) == [("mail.queued", team.name(who)), ("mail.sent", team.name(who))]
