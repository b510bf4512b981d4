"""`calldesk caller erase` reaches the mailbox's and the phone's records: a caller's messages keep no address,
subject or text of theirs, the phone's events no number (both backends)."""

from __future__ import annotations

from email.message import EmailMessage

from sqlmodel import select

from calldesk.models import MailMessage, PhoneEvent
from calldesk.profiles import load_profile
from calldesk.rules.phone import parse_event
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.mail import receive_message
from calldesk.store.services.phone import record_event
from calldesk.store.services.retention import caller_erase


def test_erasing_a_caller_empties_their_mail_and_their_calls(store: Store, admin: Actor) -> None:
    profile = load_profile(store.protocol)
    message = EmailMessage()
    message["From"], message["Subject"] = "Rosa Diaz <rosa@example.org>", "Rosa Diaz: bus stop"
    message["Message-ID"] = "<erase-1@example.org>"
    message.set_content("I am Rosa Diaz, call me at 310-555-1234.")
    with store.uow() as uow:
        assert receive_message(uow, actor=admin, profile=profile, raw=bytes(message)).kind == "case"
    for fields in ({"event": "newCall", "from": "+13105551234", "callId": "e1"},
                   {"event": "newCall", "from": "+12135550142", "callId": "e2"}):
        with store.uow() as uow:
            record_event(uow, actor=admin, profile=profile, event=parse_event(fields))
    with store.uow() as uow:
        caller_erase(uow, actor=admin, profile=profile, who="rosa@example.org")
    with store.uow() as uow:
        caller_erase(uow, actor=admin, profile=profile, who="310-555-1234")
    with store.uow(readonly=True) as uow:
        [mail] = uow.session.exec(select(MailMessage)).all()
        calls = {e.call_id: (e.from_number, e.phone_digits) for e in uow.session.exec(select(PhoneEvent))}
    assert mail.sender == "" and "Rosa" not in mail.subject + mail.body and "310-555-1234" not in mail.body
    assert mail.raw is None
    assert calls == {"e1": ("", ""), "e2": ("+12135550142", "12135550142")}  # another caller's call untouched
