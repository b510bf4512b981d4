"""`calldesk phone ...` and `calldesk pop`: the phone system's events, the caller log, the caller pop."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import typer

from calldesk.cli.output import JSON, out, print_json, print_table, report, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import run_read, run_service, signed_in, store_profile
from calldesk.cli.times import agency_today
from calldesk.errors import InvalidInput
from calldesk.rules.calendar import calendar_for
from calldesk.rules.shown import day_words

if TYPE_CHECKING:
    from calldesk.rules.profile import Profile
    from calldesk.store.read.queries import EarlierCall
    from calldesk.store.services.phone import Pop

app = typer.Typer(help="The phone system's events: the listener, its token, the caller log.", no_args_is_help=True)


@app.command()
@refusals_exit
def token(ctx: typer.Context) -> None:
    """Print the store's CTI token and the path a phone system posts its events to."""
    from calldesk.store.services.phone import cti_token

    value = run_read(ctx, lambda session, _actor, _profile: cti_token(session))  # signed in, known and active
    out.print(shown(value))
    out.print(f"Events go to: POST http://HOST:PORT/api/v1/cti/{shown(value)}")


@app.command()
@refusals_exit
def listen(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on."),
    port: int = typer.Option(8787, "--port", min=0, max=65535, help="The port (0: any free one)."),
) -> None:
    """Receive the phone system's events (Zammad's generic CTI) until stopped with Ctrl+C."""
    from calldesk.listening import bound_socket
    from calldesk.phone.cti import Listener, server
    from calldesk.store.services.phone import cti_token

    with signed_in(ctx, may="record_phone") as (store, actor):
        with store.uow(readonly=True) as uow:
            secret = cti_token(uow.session)
        sock = bound_socket(host, port)
        bound = sock.getsockname()[1]
        out.print(f"Listening for the phone system's events on http://{shown(host)}:{bound}/api/v1/cti/<token> "
                  f"as {shown(actor.username)} (Ctrl+C stops).")
        listener = Listener(store=store, actor=actor, profile=store_profile(ctx), token=secret)
        try:
            server(listener).run(sockets=[sock])
        finally:
            sock.close()


@app.command()
@refusals_exit
def log(
    ctx: typer.Context,
    days: int = typer.Option(7, "--days", min=1, max=3660, help="How many days back."),
    queue: str | None = typer.Option(None, "--queue", help="Only this queue's calls."),
    agent: str | None = typer.Option(None, "--agent", help="Only this agent's calls."),
    as_json: bool = JSON,
) -> None:
    """The caller log (supervisors and admins): each call's direction, ring, answer, hang-up, cause, and what it
    became."""
    from calldesk.models import utcnow
    from calldesk.rules.phone import LOG_COLUMNS, log_fields
    from calldesk.store.services.phone import phone_log

    profile = store_profile(ctx)
    lines = run_read(ctx, lambda session, actor, _profile: phone_log(
        session, viewer=actor, since=utcnow() - timedelta(days=days), queue=queue, agent=agent))
    if as_json:
        print_json([{**line.__dict__, "missed": line.missed} for line in lines])
        return
    rows = [log_fields(line, profile, today=agency_today(profile)) for line in lines]
    columns = LOG_COLUMNS
    print_table(f"Calls of the last {days} day{'s' if days != 1 else ''}", columns,
                [[row[c] for c in columns] for row in rows])


@app.command()
@refusals_exit
def block(
    ctx: typer.Context,
    number: str = typer.Argument(..., help="The caller's number, written any way."),
    reason: str = typer.Option(..., "--reason", help="Why its calls are rejected (e.g. repeated nuisance calls)."),
    as_json: bool = JSON,
) -> None:
    """Block a number (supervisors and admins): the listener answers its rings with a reject; they are kept, marked
    blocked."""
    from calldesk.rules.shown import phone_words
    from calldesk.store.services.phone_blocks import block_number

    done = run_service(ctx, lambda uow, actor, _profile: block_number(uow, actor=actor, number=number,
                                                                       reason=reason))
    report({"phone": done.phone, "reason": done.reason, "blocked": True}, as_json,
           f"Blocked {shown(phone_words(done.phone))}: its calls are rejected (busy) and kept in the log.")


@app.command()
@refusals_exit
def unblock(
    ctx: typer.Context,
    number: str = typer.Argument(..., help="The blocked number, written any way."),
    as_json: bool = JSON,
) -> None:
    """Unblock a number (supervisors and admins): its rings reach the desks again."""
    from calldesk.rules.contact import normalise_phone
    from calldesk.rules.shown import phone_words
    from calldesk.store.services.phone_blocks import unblock_number

    run_service(ctx, lambda uow, actor, _profile: unblock_number(uow, actor=actor, number=number))
    phone = normalise_phone(number)
    report({"phone": phone, "blocked": False}, as_json, f"Unblocked {shown(phone_words(phone))}.")


@app.command()
@refusals_exit
def blocked(ctx: typer.Context, as_json: bool = JSON) -> None:
    """The blocked numbers (supervisors and admins): each with why, by whom and since when."""
    from datetime import datetime

    from calldesk.rules.shown import moment_words, phone_words
    from calldesk.store.services.phone_blocks import blocked_numbers

    profile = store_profile(ctx)
    found = run_read(ctx, lambda session, actor, _profile: blocked_numbers(session, viewer=actor))
    if as_json:
        print_json([{**b.__dict__, "blocked_at": b.blocked_at.isoformat()} for b in found])
        return
    today = datetime.now(profile.tz).date()
    print_table("Blocked numbers", ["number", "reason", "blocked by", "since"],
                [(phone_words(b.phone), b.reason, b.blocked_by, moment_words(b.blocked_at, tz=profile.tz, today=today))
                 for b in found])


def pop_words(pop: Pop, profile: Profile) -> list[str]:
    """The pop as lines: the ringing number, then each earlier case (numbers, days in the agency's zone, types: no
    student details)."""
    today = agency_today(profile)

    def case_words(c: EarlierCall) -> str:
        """An earlier case on one line: number, day, status, type, category (the caller's name on one's own)."""
        opened = day_words(calendar_for(profile).local(c.opened_at).date(), this_year=today.year)
        return (f"{c.case_number} {opened} {c.status} {c.call_type} {c.category or ''}"
                f"{' - ' + c.caller_name if c.caller_name else ''}").rstrip()

    head = f"Ringing: {pop.number}" + (f" (call {pop.call_id})" if pop.call_id else "")
    if pop.earlier_calls:
        head += f"; {pop.earlier_calls} earlier call{'s' if pop.earlier_calls != 1 else ''} from this number"
    # The number written another way (rules.phone_match): after the exact matches, each labelled maybe.
    maybe = [f"maybe {case_words(m.case)} (by {m.why})" for m in pop.maybe]
    if not pop.earlier:
        return [head, "No earlier cases from this number.", *maybe]
    # A number is not a person (a household, an office line): its cases are the caller's only maybe.
    return [head, "Maybe the same caller: earlier cases from this number", *map(case_words, pop.earlier), *maybe]


@refusals_exit
def pop(
    ctx: typer.Context,
    number: str = typer.Option(..., "--number", help="The ringing caller's number."),
    call_id: str | None = typer.Option(None, "--call-id", help="The phone system's id of the call."),
    as_json: bool = JSON,
) -> None:
    """The ringing caller's earlier calls, for softphones that run a command on ring."""
    from calldesk.store.services.phone import pop_for

    found, profile = run_read(ctx, lambda session, actor, profile: (
        pop_for(session, viewer=actor, number=number, call_id=call_id), profile))
    if as_json:
        print_json({"number": found.number, "digits": found.digits, "call_id": found.call_id,
                    "ring_at": found.ring_at.isoformat(), "earlier_calls": found.earlier_calls,
                    "earlier": [{**c.__dict__, "opened_at": c.opened_at.isoformat()} for c in found.earlier],
                    "maybe": [{**m.case.__dict__, "opened_at": m.case.opened_at.isoformat(), "why": m.why}
                              for m in found.maybe]})
        return
    for line in pop_words(found, profile):
        out.print(shown(line))


@app.command()
@refusals_exit
def ami(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", envvar="CALLDESK_AMI_HOST", help="Asterisk's manager address."),
    port: int = typer.Option(5038, "--port", min=1, max=65535, envvar="CALLDESK_AMI_PORT", help="Its port."),
    user: str = typer.Option(..., "--user", envvar="CALLDESK_AMI_USER", help="The manager user (manager.conf)."),
) -> None:
    """Follow Asterisk's manager interface (AMI): its queue's calls kept as the CTI endpoint keeps them (the secret
    in CALLDESK_AMI_SECRET)."""
    import os

    from calldesk.phone.ami import follow
    from calldesk.store.services.phone import record_event

    secret = os.environ.get("CALLDESK_AMI_SECRET", "")
    if not secret:
        raise InvalidInput("Set the manager user's secret in the environment variable CALLDESK_AMI_SECRET.",
                           field="secret")
    profile = store_profile(ctx)
    with signed_in(ctx, may="record_phone") as (store, actor):

        def keep(event: object) -> None:
            from calldesk.rules.phone import CallEvent

            assert isinstance(event, CallEvent)
            with store.uow() as uow:
                record_event(uow, actor=actor, profile=profile, event=event)

        out.print(f"Following Asterisk's manager interface at {shown(host)}:{port} (Ctrl+C stops).")
        try:
            follow(host, port, user, secret, keep)
        except OSError as exc:
            raise InvalidInput(f"Cannot reach Asterisk at {host}:{port}: {exc.strerror or exc}.", field="host") \
                from None
