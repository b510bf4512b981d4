"""The email out from a case: the acknowledgement, the written response and the approved response letter (with its
signed PDF), queued by one service call each and sent by `send_queued`; a send meets the clock the message answers
(rules.mail.clock_met_by), judged late when late, and the sent copy stays with the case. A failed send stays
queued (failed) and is tried again; `outbox` lists it.

What goes out is the profile's template in the caller's language when it has one (rules.mail.mail_words), every
detail of a third party taken out (calldesk.store.read.constituent_text); what is kept is what was sent.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlmodel import Session, col, select

from calldesk.errors import RuleRefused
from calldesk.models import (
    Attachment,
    Case,
    ClockEvent,
    MailMessage,
    MailMessagePublic,
    Resolution,
    utcnow,
)
from calldesk.profiles import load_profile
from calldesk.rules.clocks import CLOCK_WORDS, lateness_note, met_late
from calldesk.rules.mail import MAIL_KIND_WORDS, MAIL_KINDS, check_sendable, clock_met_by, mail_words
from calldesk.rules.profile import Profile
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise, check
from calldesk.store.read.constituent_text import for_constituent
from calldesk.store.read.one_case import get_case
from calldesk.store.services.attachments import content_of
from calldesk.store.services.cases import refresh_next_deadline

SENT_LETTER_STATES = ("approved", "signed", "coordinator_informed")


def queue_message(uow: UnitOfWork, *, actor: Actor, profile: Profile, case_number: str, kind: str,
                  domain: str = "calldesk.invalid") -> MailMessagePublic:
    """Queue the case's `kind` message (acknowledgement, written_response, letter) to the constituent's email, in
    their language when the profile has its template; refused in a sentence when it may not go (no address, no
    response written, a letter not approved, a case marked as suspected abuse). Sent by `send_queued`."""
    from email.utils import make_msgid

    if kind not in MAIL_KINDS:
        raise RuleRefused(f"'{kind}' is not a message calldesk sends: {', '.join(MAIL_KINDS)}.")
    actor = authorise(uow, actor, "send_mail")
    if kind == "letter":  # the letter goes from those who sign it (the specialist, a supervisor)
        check(uow.session, actor, "sign_letter")
    session = uow.session
    case = get_case(session, case_number, viewer=actor, for_update=True)
    res = session.exec(select(Resolution).where(Resolution.case_id == case.id)).first()
    check_sendable(kind, case_number=case.case_number, abuse_marked=case.abuse_marked, email=case.email,
                   response=res.response if res else "", letter_status=res.letter_status if res else "none",
                   letter_text=res.letter_text if res else "")
    words = mail_words(profile.mail_templates, kind, language=case.language, default_language=profile.mail_language,
                       values={"case_number": case.case_number, "caller_name": case.caller_name or "",
                               "agency": profile.title, "school": case.school or case.department or "",
                               "response": res.response if res else ""})
    text = words.text + ("\n" + res.letter_text.strip() + "\n" if kind == "letter" and res else "")
    subject, body = for_constituent(session, case, words.subject, text)
    row = MailMessage(message_id=make_msgid(domain=domain), direction="out", status="queued", case_id=case.id,
                      kind=kind, language=words.language, recipient=case.email or "",
                      subject=subject[:300], body=body, by_user=actor.username)
    session.add(row)
    case.updated_at = utcnow()
    uow.flush()
    audit.record(session, actor=actor.username, action="mail.queued", entity="mailmessage", entity_id=row.id,
                 case_id=case.id, field="kind", new=kind)
    uow.commit()
    return MailMessagePublic.model_validate(row)


def outbox(session: Session, *, viewer: Actor, case_number: str | None = None) -> list[MailMessagePublic]:
    """Messages waiting to go (queued, or failed and queued again), the oldest first; and what was kept aside.
    With `case_number`: that case's mail, in and out, whatever its state."""
    check(session, viewer, "send_mail")
    if case_number is not None:
        case = get_case(session, case_number, viewer=viewer)
        query = select(MailMessage).where(MailMessage.case_id == case.id).order_by(col(MailMessage.id))
    else:
        query = select(MailMessage).where(col(MailMessage.status).in_(("queued", "failed", "aside"))) \
            .order_by(col(MailMessage.id))
    rows = list(session.exec(query))
    ids = {m.case_id for m in rows if m.case_id is not None}
    found = session.exec(select(Case.id, Case.case_number).where(col(Case.id).in_(ids))).all() if ids else []
    numbers = {case_id: number for case_id, number in found}
    return [MailMessagePublic.model_validate(m).model_copy(update={"case_number": numbers.get(m.case_id)})
            for m in rows]


@dataclass(frozen=True)
class Sent:
    """One queued message's try: sent, or why not (it stays queued, as failed, and is tried again); the clock its
    sending met, in words ("written response"), and how late ("" on time)."""

    id: int
    recipient: str
    case_number: str | None
    error: str = ""
    clock_met: bool = False
    clock: str = ""
    late: str = ""


def as_email(row: MailMessage, sender: str, files: tuple[tuple[str, bytes], ...] = ()) -> EmailMessage:
    """The message as it goes out (and as its sent copy is kept: the row's subject and text), with `files`."""
    from email.utils import format_datetime

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, row.recipient, row.subject
    message["Message-ID"], message["Date"] = row.message_id, format_datetime(utcnow())
    message.set_content(row.body)
    for name, data in files:
        pdf = name.lower().endswith(".pdf")
        message.add_attachment(data, maintype="application", subtype="pdf" if pdf else "octet-stream",
                               filename=name)
    if row.language:  # (after the content: setting it clears the Content-* headers)
        message["Content-Language"] = row.language
    return message


def _files(session: Session, row: MailMessage) -> tuple[tuple[str, bytes], ...]:
    """The letter's signed copy (the latest attached), when there is one."""
    if row.kind != "letter" or row.case_id is None:
        return ()
    signed = session.exec(select(Attachment).where(Attachment.case_id == row.case_id,
                                                   Attachment.kind == "signed_letter")
                          .order_by(col(Attachment.at).desc())).first()
    return ((signed.filename, content_of(signed)),) if signed is not None else ()


def send_queued(open_uow: Callable[[], UnitOfWork], *, actor: Actor, sender: str,
                deliver: Callable[[EmailMessage], None], limit: int = 100) -> list[Sent]:
    """Send what is queued (the oldest first): each message handed to `deliver` (SMTP) outside any transaction,
    then marked sent (meeting the clock it answers) or failed, in its own."""
    with open_uow() as uow:
        check(uow.session, actor, "send_mail")
        waiting = [(row.id, as_email(row, sender, _files(uow.session, row))) for row in uow.session.exec(
            select(MailMessage).where(MailMessage.direction == "out", col(MailMessage.status).in_(
                ("queued", "failed"))).order_by(col(MailMessage.id)).limit(limit))]
    results = []
    for row_id, message in waiting:
        try:
            deliver(message)
            error = ""
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:500] or "the mail server refused it"
        with open_uow() as uow:
            results.append(_settle(uow, actor, row_id, error))  # type: ignore[arg-type]
    return results


def _letter_sent(uow: UnitOfWork, actor: Actor, case: Case, at: datetime) -> str:
    """LAUSD's letter (no written-response clock): recorded met against the case's resolution target, late when
    sent after it (the case then counts as breached, as a clock met late does); how late, in words."""
    profile = load_profile(case.protocol)
    due = case.resolve_by
    late = met_late(profile, due=due, met_at=at) if due is not None else None
    note = "Response letter sent by email." + (" " + lateness_note(profile, "letter", due=due, met_at=at)
                                               if due is not None and late else "")
    uow.session.add(ClockEvent(case_id=case.id, kind="letter", event="met", due_at=due, note=note,  # type: ignore[arg-type]
                               by_user=actor.username, at=at))
    if late is not None:
        case.late_clocks = (case.late_clocks or 0) + 1
        refresh_next_deadline(case)
    return late or ""


def _settle(uow: UnitOfWork, actor: Actor, row_id: int, error: str) -> Sent:
    from calldesk.store.services.clocks import meet_clock

    actor = authorise(uow, actor, "send_mail")
    session = uow.session
    clock, late = "", ""
    with uow.one_commit():
        row = session.get(MailMessage, row_id)
        assert row is not None
        case = session.get(Case, row.case_id) if row.case_id else None
        row.attempts += 1
        row.status, row.error = ("failed", error) if error else ("sent", "")
        if not error:
            row.sent_at = when = utcnow()
            kind = clock_met_by(row.kind, tier=case.tier, acknowledge_pending=case.acknowledge_by is not None,
                                respond_pending=case.respond_by is not None) \
                if case is not None and case.status == "open" else None
            if case is not None and kind == "letter":
                late = _letter_sent(uow, actor, case, when)
            elif case is not None and kind is not None:
                due = case.acknowledge_by if kind == "acknowledge" else case.respond_by
                meet_clock(uow, actor=actor, case_number=case.case_number, expected_version=None, kind=kind,
                           note=f"{MAIL_KIND_WORDS[row.kind].capitalize()} sent by email.", at=when)
                late = met_late(load_profile(case.protocol), due=due, met_at=when) or ""
            clock = CLOCK_WORDS.get(kind or "", "")
        if case is not None:
            case.updated_at = utcnow()
        uow.flush()
        audit.record(session, actor=actor.username, action="mail.failed" if error else "mail.sent",
                     entity="mailmessage", entity_id=row.id, case_id=row.case_id, field="kind",
                     new=row.kind or "acknowledgement")
    uow.commit()
    return Sent(row_id, row.recipient, case.case_number if case else None, error, bool(clock), clock, late)
