"""Email from a case (the work menu): the acknowledgement, the written response or the approved letter queued to
the constituent in one key, the case's mail listed above it (sent, queued, failed and still queued: each with its
kind and language). `calldesk mail send` (or `calldesk mail ack|send-response|send-letter`) sends the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from calldesk.rules.mail import MAIL_KIND_WORDS
from calldesk.rules.shown import moment_words
from calldesk.screens.case.progress_dialogs import CaseWorkDialog

if TYPE_CHECKING:
    from calldesk.models import MailMessagePublic
    from calldesk.screens.desk_state import Desk
    from calldesk.store.db.uow import UnitOfWork
    from calldesk.store.db.users import Actor
    from calldesk.store.services.clocks import CaseWork


class MailDialog(CaseWorkDialog):
    """Queue the case's `kind` message (acknowledgement, written_response, letter); Save ("Queue") queues it and
    the dialog closes with one line saying so; a refusal (no address, a letter not approved) stays in it."""

    SAVE_LABEL = "Queue"

    def __init__(self, desk: Desk, case_number: str, kind: str) -> None:
        super().__init__(desk, case_number)
        self.kind = kind
        self.HEADING = f"Email the {MAIL_KIND_WORDS[kind]}"
        self.mail: list[MailMessagePublic] = []

    def read(self) -> CaseWork:
        from calldesk.store.services.mail_out import outbox

        found = super().read()
        with self.desk.store.uow(readonly=True) as uow:
            self.mail = outbox(uow.session, viewer=self.desk.actor, case_number=self.case_number)
        return found

    def describe(self, found: CaseWork) -> list[str]:
        lines = super().describe(found)
        lines.append(f"To: {found.case.email or '(no email address on the case)'}")
        out = [m for m in self.mail if m.direction == "out"]
        lines.append("Email from this case (sent, queued, failed):" if out else "No email from this case yet.")
        tz = self.desk.profile.tz
        today = self.desk.now().astimezone(tz).date()
        for m in out[-5:]:
            when = moment_words(m.sent_at or m.at, tz=tz, today=today)
            tries = f"{m.attempts} {'try' if m.attempts == 1 else 'tries'}"
            state = m.status + (f" ({tries}: {m.error}; it stays queued)" if m.status == "failed" else "")
            lines.append(f"  {when} {MAIL_KIND_WORDS.get(m.kind, m.kind)} [{m.language or '-'}]: {state}")
        return lines

    def service(self) -> Callable[[UnitOfWork, Actor, int], Any]:
        from calldesk.store.services.mail_out import queue_message

        number, profile, kind = self.case_number, self.desk.profile, self.kind

        def call(uow: UnitOfWork, actor: Actor, version: int) -> str:
            queued = queue_message(uow, actor=actor, profile=profile, case_number=number, kind=kind)
            return (f"Case {number}: {MAIL_KIND_WORDS[kind]} queued to {queued.recipient} ({queued.language}); "
                    "it goes with the outbox's next send.")
        return call

