"""`calldesk mail ...`: fetch the mailbox (IMAP) into cases, acknowledge a case by email (SMTP), the outbox."""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import typer

from calldesk.cli.output import JSON, out, print_json, print_table, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import run_read, run_service, signed_in, store_profile
from calldesk.errors import InvalidInput
from calldesk.rules.case_numbers import full_case_number

if TYPE_CHECKING:
    from calldesk.mail.transport import Server
    from calldesk.rules.profile import Profile
    from calldesk.store.db.store import Store
    from calldesk.store.db.users import Actor
    from calldesk.store.services.mail import Received

app = typer.Typer(help="The mailbox: fetch messages into cases, send a case's acknowledgement, written response "
                       "or approved letter, see the outbox.",
                  no_args_is_help=True)

_IMAP_HOST = typer.Option(..., "--host", envvar="CALLDESK_IMAP_HOST", help="The IMAP server.")
_IMAP_PORT = typer.Option(993, "--port", min=1, max=65535, envvar="CALLDESK_IMAP_PORT", help="Its port.")
_IMAP_USER = typer.Option(..., "--user", envvar="CALLDESK_IMAP_USER", help="The mailbox's login.")
_SMTP_HOST = typer.Option(..., "--smtp-host", envvar="CALLDESK_SMTP_HOST", help="The SMTP server.")
_SMTP_PORT = typer.Option(587, "--smtp-port", min=1, max=65535, envvar="CALLDESK_SMTP_PORT", help="Its port.")
_SMTP_USER = typer.Option("", "--smtp-user", envvar="CALLDESK_SMTP_USER", help="Its login (none: no sign-in).")
_FROM = typer.Option(..., "--from", envvar="CALLDESK_MAIL_FROM", help="The address mail is sent from.")
_PLAIN = typer.Option(False, "--no-tls", help="No TLS (only for a mail server on this machine).")


class _Smtp(NamedTuple):
    """The SMTP server mail is sent through, and the address it is sent from."""

    host: str
    port: int
    user: str
    sender: str
    plain: bool


class _Imap(NamedTuple):
    """The mailbox fetched: its IMAP server, login and folder."""

    host: str
    port: int
    user: str
    mailbox: str
    plain: bool

    def server(self) -> Server:
        from calldesk.mail.transport import Server

        return Server(self.host, self.port, self.user, _password("CALLDESK_IMAP_PASSWORD"), tls=not self.plain)


Options = tuple[tuple[str, type, Any], ...]  # (parameter, type, option), in the group's order
# The SMTP options of every command that sends; the IMAP options of every command that fetches.
_SMTP_OPTIONS: Options = (
    ("smtp_host", str, _SMTP_HOST), ("smtp_port", int, _SMTP_PORT), ("smtp_user", str, _SMTP_USER),
    ("sender", str, _FROM), ("plain", bool, _PLAIN))
_IMAP_OPTIONS: Options = (
    ("host", str, _IMAP_HOST), ("port", int, _IMAP_PORT), ("user", str, _IMAP_USER),
    ("mailbox", str, typer.Option("INBOX", "--mailbox", envvar="CALLDESK_IMAP_MAILBOX", help="The folder.")),
    ("plain", bool, _PLAIN))


def _grouped(group: str, options: Options, make: Callable[..., Any]) -> Callable[[Callable[..., None]],
                                                                                 Callable[..., None]]:
    """A decorator: `command(..., <group>)` as a command whose last options are `options`; it gets them as one
    `make(...)` (the SMTP options as one `_Smtp`, the IMAP ones as one `_Imap`)."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        own = [p for name, p in inspect.signature(command).parameters.items() if name != group]
        added = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=option, annotation=kind)
                 for name, kind, option in options]

        @functools.wraps(command)
        def with_group(*args: Any, **kwargs: Any) -> None:
            command(*args, **{group: make(*(kwargs.pop(name) for name, _, _ in options))}, **kwargs)

        with_group.__signature__ = inspect.Signature([*own, *added])  # type: ignore[attr-defined]  # Typer reads it
        return with_group

    return decorate


_smtp_options = _grouped("smtp", _SMTP_OPTIONS, _Smtp)
_imap_options = _grouped("imap", _IMAP_OPTIONS, _Imap)


def _password(variable: str) -> str:
    """The password from the environment (never an argument: other users of the machine read arguments)."""
    value = os.environ.get(variable, "")
    if not value:
        raise InvalidInput(f"Set the mailbox's password in the environment variable {variable}.", field="password")
    return value


@app.command()
@refusals_exit
@_imap_options
def fetch(ctx: typer.Context, as_json: bool = JSON, *, imap: _Imap) -> None:
    """Read the unseen messages: a new one opens a case (channel email), a reply with a case number in its subject
    joins that case, one that cannot be read is kept aside (`calldesk mail outbox` lists it). Password:
    CALLDESK_IMAP_PASSWORD."""
    server, profile = imap.server(), store_profile(ctx)
    with signed_in(ctx, may="fetch_mail") as (store, actor):
        results = _fetch_once(store, actor, profile, server, imap.mailbox)
    if as_json:
        print_json([r.__dict__ for r in results])
        return
    for r in results:
        where = f" {r.case_number}" if r.case_number else ""
        out.print(f"{r.kind}{shown(where)}: {shown(r.message_id)}" + (f" - {shown(r.reason)}" if r.reason else ""))
    out.print(_fetched(results))


def _fetch_once(store: Store, actor: Actor, profile: Profile, server: Server, mailbox: str) -> list[Received]:
    """One fetch of the unseen messages, each kept by its own service call (one transaction each)."""
    from calldesk.mail.transport import fetch_unseen
    from calldesk.store.services.mail import receive_message

    results: list[Received] = []

    def keep(raw: bytes) -> bool:
        with store.uow() as uow:
            received = receive_message(uow, actor=actor, profile=profile, raw=raw)
        results.append(received)
        return received.kind != "abuse"  # left unread in the mailbox for a person

    fetch_unseen(server, keep, mailbox=mailbox)
    return results


def _fetched(results: list[Received]) -> str:
    counts = {kind: sum(r.kind == kind for r in results) for kind in ("case", "reply", "duplicate", "aside", "abuse")}
    return f"Fetched {len(results)}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items())


@app.command()
@refusals_exit
@_imap_options
def watch(
    ctx: typer.Context,
    every: float = typer.Option(60.0, "--every", min=1.0, max=86400.0, help="Seconds between two fetches."),
    *,
    imap: _Imap,
) -> None:
    """Fetch the mailbox now and then every --every seconds (as `mail fetch` does), one line per fetch, until
    Ctrl+C or SIGTERM (a fetch under way ends first). Password: CALLDESK_IMAP_PASSWORD."""
    import signal
    import threading
    from datetime import datetime

    from calldesk.mail.polling import fetch_every
    from calldesk.rules.shown import moment_words

    server, profile = imap.server(), store_profile(ctx)
    stop = threading.Event()
    with signed_in(ctx, may="fetch_mail") as (store, actor):

        def fetch() -> str:
            found = _fetch_once(store, actor, profile, server, imap.mailbox)
            now = datetime.now(profile.tz)
            return f"{moment_words(now, tz=profile.tz, today=now.date())} {_fetched(found)}"

        out.print(f"Fetching {shown(imap.user)} at {shown(imap.host)}:{imap.port} every {every:g} s (Ctrl+C stops).")
        handlers = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            fetches = fetch_every(every, fetch, stop=stop, say=lambda line: out.print(shown(line)))
        finally:
            for sig, previous in handlers.items():
                signal.signal(sig, previous)
    out.print(f"Stopped after {fetches} fetch{'es' if fetches != 1 else ''}.")


@app.command()
@refusals_exit
@_smtp_options
def ack(
    ctx: typer.Context,
    case_number: str = typer.Argument(..., callback=full_case_number, metavar="CASE"),
    *,
    smtp: _Smtp,
) -> None:
    """Acknowledge case CASE to the constituent by email: queued, then sent with the rest of the outbox (sent:
    the case's acknowledgement clock is met). Password: CALLDESK_SMTP_PASSWORD when --smtp-user is given."""
    _queue_and_send(ctx, case_number, "acknowledgement", smtp)


@app.command("send-response")
@refusals_exit
@_smtp_options
def send_response(
    ctx: typer.Context,
    case_number: str = typer.Argument(..., callback=full_case_number, metavar="CASE"),
    *,
    smtp: _Smtp,
) -> None:
    """Send case CASE's written response (its Resolution tab's response, in the profile's template, in the
    caller's language when the profile has it) to the constituent by email: queued, then sent with the rest of
    the outbox (sent: the written response clock, or an inquiry's reply clock, is met). Password:
    CALLDESK_SMTP_PASSWORD when --smtp-user is given."""
    _queue_and_send(ctx, case_number, "written_response", smtp)


@app.command("send-letter")
@refusals_exit
@_smtp_options
def send_letter(
    ctx: typer.Context,
    case_number: str = typer.Argument(..., callback=full_case_number, metavar="CASE"),
    *,
    smtp: _Smtp,
) -> None:
    """Send case CASE's approved response letter (LAUSD step 5) to the constituent by email, the signed PDF
    attached when there is one; refused before approval. Sent: the written response clock is met, or (LAUSD) the
    letter is recorded against the case's resolution target. Password: CALLDESK_SMTP_PASSWORD."""
    _queue_and_send(ctx, case_number, "letter", smtp)


def _queue_and_send(ctx: typer.Context, case_number: str, kind: str, smtp: _Smtp) -> None:
    from calldesk.rules.mail import MAIL_KIND_WORDS
    from calldesk.store.services.mail_out import queue_message

    queued = run_service(ctx, lambda uow, actor, profile: queue_message(
        uow, actor=actor, profile=profile, case_number=case_number, kind=kind,
        domain=smtp.sender.rpartition("@")[2] or "calldesk"))
    out.print(f"Queued the {MAIL_KIND_WORDS[kind]} of {shown(case_number)} to {shown(queued.recipient)} "
              f"({shown(queued.language)}).")
    _send(ctx, smtp)


@app.command()
@refusals_exit
@_smtp_options
def send(ctx: typer.Context, *, smtp: _Smtp) -> None:
    """Send what is queued (a failed send is tried again)."""
    _send(ctx, smtp)


def _send(ctx: typer.Context, smtp: _Smtp) -> None:
    from calldesk.mail.transport import Server, smtp_deliver
    from calldesk.store.services.mail_out import send_queued

    server = Server(smtp.host, smtp.port, smtp.user, _password("CALLDESK_SMTP_PASSWORD") if smtp.user else "",
                    tls=not smtp.plain)
    with signed_in(ctx) as (store, actor):
        results = send_queued(store.uow, actor=actor, sender=smtp.sender, deliver=smtp_deliver(server))
    failed = [r for r in results if r.error]
    if not results:  # (silence would read as a command that did nothing, or that hung up)
        out.print("Nothing to send: the outbox is empty.")
    for r in results:
        state = f"not sent ({r.error}); it stays in the outbox" if r.error else "sent" + (
            f", {r.clock} recorded" + (f" ({r.late})" if r.late else "") if r.clock_met else "")
        out.print(f"{r.id} to {shown(r.recipient)}{' (' + shown(r.case_number) + ')' if r.case_number else ''}: "
                  f"{shown(state)}")
    if failed:
        raise typer.Exit(1)


@app.command("outbox")
@refusals_exit
def outbox_(ctx: typer.Context,
            case_number: str | None = typer.Option(None, "--case", metavar="CASE",
                                                   help="That case's mail, in and out, whatever its state."),
            as_json: bool = JSON) -> None:
    """Messages still to send (queued, failed) and messages kept aside because they could not be read; each
    outgoing one's kind and the language it is written in."""
    from calldesk.store.services.mail_out import outbox

    rows = run_read(ctx, lambda session, actor, _profile: outbox(session, viewer=actor, case_number=case_number))
    if as_json:
        print_json(rows)
        return
    print_table("Outbox and kept aside" if case_number is None else f"Mail of case {case_number}",
                ["id", "status", "kind", "lang", "to / from", "subject", "tries", "why"],
                [(m.id, m.status, m.kind.replace("_", " "), m.language, m.recipient or m.sender, m.subject,
                  m.attempts, m.error) for m in rows])
