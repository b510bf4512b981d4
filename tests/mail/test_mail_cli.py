"""`calldesk mail send-response|send-letter|outbox` (both backends): the written response sent through a real SMTP
server (aiosmtpd) and reported in one line with the clock it met; a letter not approved refused in one line,
non-zero, nothing queued; the outbox lists each message's kind and language."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run
from tests.mail.servers import free_port
from tests.mail.test_mail_letter_team import Collect


def test_send_response_and_an_unapproved_letter_from_the_cli(db_url: str, tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    source = tmp_path / "call.json"
    source.write_text(json.dumps([{"caller_name": "Rosa Diaz", "email": "rosa@example.org", "language": "Spanish",
                                   "call_type": "complaint", "category": "Transportation",
                                   "claim": "The bus never came."}]))
    code, _, err = run(db_url, "case", "import", str(source))
    assert code == 0, err
    number = "2026-000001"
    code, _, err = run(db_url, "case", "resolve", number, "--outcome", "Resolved", "--response", "Ruta restablecida",
                       "--violation", "IDEA 300.101")
    assert code == 0, err
    handler, port = Collect(), free_port()
    smtp = ("--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--from", "desk@agency.example", "--no-tls")
    # The letter is a draft: refused in one line, exit 1, nothing queued.
    code, _, err = run(db_url, "mail", "send-letter", number, *smtp)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "a letter not approved yet" in err
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        code, out, err = run(db_url, "mail", "send-response", number, *smtp)
    finally:
        controller.stop()
    assert code == 0, err
    # lausd: a complaint runs no written-response clock (its target is the resolution's): sent, no clock met.
    assert f"Queued the written response of {number} to rosa@example.org (es)." in out
    assert f"to rosa@example.org ({number}): sent" in out and len(handler.received) == 1
    assert b"Subject: [Caso " + number.encode() + b"] Nuestra respuesta" in handler.received[0]
    code, out, _ = run(db_url, "mail", "outbox", "--case", number, "--json")
    assert code == 0
    assert [(m["kind"], m["language"], m["status"]) for m in json.loads(out)] == [("written_response", "es", "sent")]


def test_mail_send_with_nothing_queued_says_so(db_url: str) -> None:
    # It printed nothing at all (exit 0): a cron line's log could not tell an empty outbox from a silent failure.
    smtp = ("--smtp-host", "127.0.0.1", "--smtp-port", str(free_port()), "--from", "desk@agency.example", "--no-tls")
    code, out, err = run(db_url, "mail", "send", *smtp)
    assert code == 0 and out == "Nothing to send: the outbox is empty.\n" and err == "", err
