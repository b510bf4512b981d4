"""The mailbox kept: a new message opens a case through the call's own save (channel email, every rule of the
protocol), a reply is added to its case's history, what cannot be read is kept aside (the email out, queued from
a case and sent: calldesk.store.services.mail_out).

Each message fetched is one service call and one transaction (`receive_message`); its Message-ID makes a second
fetch of it change nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from calldesk.errors import CalldeskError
from calldesk.mail.message import Incoming, key_of, parse_message
from calldesk.models import Attachment, Case, MailMessage, utcnow
from calldesk.rules.abuse import abuse_words_in
from calldesk.rules.mail import MAX_TEXT_CHARS, attachment_verdict, case_number_in
from calldesk.rules.profile import Profile
from calldesk.store.db import audit
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.read.one_case import get_case
from calldesk.store.services.calls import CallSave, save_call

KINDS = ("case", "reply", "duplicate", "aside", "abuse")


@dataclass(frozen=True)
class Received:
    """What one fetched message became: a new case, a reply on a case, a duplicate of one kept, kept aside (with
    why), or left in the mailbox untouched because its words suggest abuse (nothing of it stored)."""

    kind: str
    message_id: str
    case_number: str | None = None
    reason: str = ""


def _known(session: Session, message_id: str) -> MailMessage | None:
    return session.exec(select(MailMessage).where(MailMessage.message_id == message_id)).first()


def receive_message(uow: UnitOfWork, *, actor: Actor, profile: Profile, raw: bytes,
                    received_at: datetime | None = None) -> Received:
    """Keep one fetched message (once): a case, a reply, or aside."""
    actor = authorise(uow, actor, "fetch_mail")
    session = uow.session
    try:
        incoming = parse_message(raw)
    except ValueError as exc:
        return _aside(uow, actor, key_of(raw), raw, f"Cannot be read: {exc}.")
    known = _known(session, incoming.message_id)
    if known is not None:
        number = session.get(Case, known.case_id).case_number if known.case_id else None  # type: ignore[union-attr]
        return Received("duplicate", incoming.message_id, number)
    found = abuse_words_in(f"{incoming.subject}\n{incoming.text}", profile.abuse_keywords)
    if found:  # the protocol: never documented here; a person reads it in the mailbox and reports it
        return Received("abuse", incoming.message_id, reason="Its words suggest suspected child abuse: read it in "
                        "the mailbox and report it as the protocol says; nothing of it was stored.")
    number = case_number_in(incoming.subject)
    if number is not None:
        try:
            case = get_case(session, number, viewer=actor, for_update=True)
        except CalldeskError:
            case = None
        if case is not None:
            return _reply(uow, actor, incoming, case, received_at or utcnow())
    if not profile.mail_category:
        return _aside(uow, actor, incoming.message_id, raw, "The protocol names no category for email "
                      "(mail_category): a person opens its case.", incoming)
    try:
        with uow.one_commit():
            saved = save_call(uow, actor=actor, profile=profile, data=CallSave(
                client_id="mail:" + hashlib.sha256(incoming.message_id.encode()).hexdigest()[:40],
                opened_at=received_at or utcnow(),
                fields={"caller_name": incoming.sender_name, "email": incoming.sender, "channel": "email",
                        "preferred_contact": "email", "call_type": "inquiry", "category": profile.mail_category,
                        "claim": incoming.text[:MAX_TEXT_CHARS]}))
            case = get_case(session, saved.case.case_number, viewer=actor)
            row = _row(actor, incoming, status="case", case_id=case.id)
            row.error = _files(session, actor, incoming, case)
            session.add(row)
        uow.commit()
    except CalldeskError as exc:
        session.rollback()
        return _aside(uow, actor, incoming.message_id, raw, f"No case could be opened from it: {exc}", incoming)
    return Received("case", incoming.message_id, saved.case.case_number)


def _row(actor: Actor, incoming: Incoming, *, status: str, case_id: int | None) -> MailMessage:
    return MailMessage(message_id=incoming.message_id, direction="in", status=status, case_id=case_id,
                       sender=incoming.sender, subject=incoming.subject, body=incoming.text[:MAX_TEXT_CHARS],
                       by_user=actor.username)


def _files(session: Session, actor: Actor, incoming: Incoming, case: Case) -> str:
    """Keep the message's files with the case (within the limits); what was not kept, in words."""
    notes, kept = [], 0
    for file in incoming.files:
        verdict = attachment_verdict(file.name, len(file.data), kept)
        if not verdict.keep:
            notes.append(verdict.reason)
            continue
        kept += 1
        row = Attachment(case_id=case.id, kind="email", filename=file.name[:200], size=len(file.data),  # type: ignore[arg-type]
                         sha256=hashlib.sha256(file.data).hexdigest(), by_user=actor.username)
        row.content = file.data
        session.add(row)
    return "; ".join(notes)[:500]


def _reply(uow: UnitOfWork, actor: Actor, incoming: Incoming, case: Case, at: datetime) -> Received:
    session = uow.session
    row = _row(actor, incoming, status="reply", case_id=case.id)
    if case.abuse_marked:
        row.subject, row.body = "", ""  # a marked case keeps no narrative: only that a reply came
    row.at = at
    row.error = "" if case.abuse_marked else _files(session, actor, incoming, case)
    session.add(row)
    case.updated_at = utcnow()  # a reply changes the case (its version): an open screen of it is stale
    uow.flush()
    audit.record(session, actor=actor.username, action="mail.reply", entity="mailmessage", entity_id=row.id,
                 case_id=case.id, field="sender", new=incoming.sender)
    uow.commit()
    return Received("reply", incoming.message_id, case.case_number)


def _aside(uow: UnitOfWork, actor: Actor, message_id: str, raw: bytes, reason: str,
           incoming: Incoming | None = None) -> Received:
    """Keep a message nobody could file, its bytes whole, for a person to read (never lost)."""
    session = uow.session
    if _known(session, message_id) is None:
        session.add(MailMessage(message_id=message_id, direction="in", status="aside", raw=raw, error=reason[:500],
                                sender=incoming.sender if incoming else "",
                                subject=incoming.subject if incoming else "", by_user=actor.username))
        uow.commit()
    return Received("aside", message_id, reason=reason)
