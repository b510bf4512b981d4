"""`calldesk callback ...`: messages and voicemails to return (LA DCFS returning telephone calls)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer

from calldesk.cli.output import JSON, print_json, print_table, report, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import run_read, run_service
from calldesk.cli.times import agency_today, day_text
from calldesk.errors import InvalidInput
from calldesk.rules.shown import phone_words
from calldesk.rules.typed_dates import local_moment, typed_day

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.models import CallbackPublic, UserPublic
    from calldesk.rules.profile import Profile
    from calldesk.store.db.uow import UnitOfWork
    from calldesk.store.db.users import Actor
    from calldesk.store.services.callbacks import CallbackTimeliness

app = typer.Typer(help="Take, list, return and hand on callbacks.", no_args_is_help=True)


def due_words(callback: CallbackPublic, profile: Profile) -> str:
    """The due time in the agency's time zone, overdue in words."""
    from calldesk.models import utcnow
    from calldesk.rules.calendar import calendar_for
    from calldesk.rules.callbacks import describe_due

    calendar, now = calendar_for(profile), utcnow()
    return describe_due(callback.due_at, now=now, tz=calendar.tz, today=calendar.local(now).date())


def _said(callback: CallbackPublic, verb: str, profile: Profile) -> str:
    return (f"{verb} callback {callback.id} for {shown(callback.caller_name or phone_words(callback.phone))} "
            f"({shown(callback.assigned_to)}, {due_words(callback, profile)}).")


@app.command()
@refusals_exit
def add(
    ctx: typer.Context,
    name: str = typer.Option("", "--name", help="Who called."),
    phone: str = typer.Option("", "--phone", help="The number to call back."),
    summary: str = typer.Option("", "--summary", help="What the message was about."),
    urgent: bool = typer.Option(False, "--urgent", help="Urgent: due at once."),
    superior: bool = typer.Option(False, "--superior", help="From a superior: due at once."),
    case: str | None = typer.Option(None, "--case", help="The case it is about, e.g. 2026-000123."),
    assign: str | None = typer.Option(None, "--for", help="Whose callback it is (default: yours)."),
    received: str | None = typer.Option(None, "--received",
                                        help="When the message came in, e.g. '2026-12-04 16:30' (default: now)."),
    as_json: bool = JSON,
) -> None:
    """A message or voicemail becomes a callback: urgent or a superior's due now, else within one business day
    of when it was received (a voicemail typed in late is due from when it came)."""
    from calldesk.models import CallbackCreate
    from calldesk.store.services.callbacks import add_callback
    from calldesk.store.services.typed_fields import build

    for option, value, what in (("--case", case, "the case's number"), ("--for", assign, "whose callback it is")):
        if value is not None and not value.strip():  # (else a callback about no case, or the caller's own)
            raise InvalidInput(f"{option} is empty: give {what}, or leave the option out.", field=option[2:])

    def add_one(uow: UnitOfWork, actor: Actor, profile: Profile) -> tuple[CallbackPublic, Profile]:
        when = local_moment(profile, received, "--received", "received_at") if received is not None else None
        data = build(CallbackCreate, caller_name=name, phone=phone or None, message=summary, urgent=urgent,
                     from_superior=superior, case_number=case, assigned_to=assign, received_at=when)
        return add_callback(uow, actor=actor, profile=profile, data=data), profile

    callback, profile = run_service(ctx, add_one)
    report(callback, as_json, lambda c: _said(c, "Added", profile))


@app.command("list")
@refusals_exit
def list_(
    ctx: typer.Context,
    user: str | None = typer.Option(None, "--user", help="Whose callbacks (default: yours, and those you cover)."),
    as_json: bool = JSON,
) -> None:
    """Open callbacks, the earliest due first; a supervisor's include absent staff's ("covering for")."""
    from calldesk.store.read.callbacks_due import callbacks_for

    me, profile, rows = run_read(ctx, lambda session, me, profile: (me, profile, callbacks_for(
        session, profile=profile, username=user or me.username, today=agency_today(profile))))
    if as_json:
        print_json(rows)
        return
    print_table(f"Callbacks of {user or me.username}", ["id", "due", "caller", "phone", "summary", "flags", "owner"],
                [(c.id, due_words(c, profile), c.caller_name, phone_words(c.phone), c.message,
                  ", ".join(f for f, on in (("urgent", c.urgent), ("superior", c.from_superior)) if on),
                  f"covering for {c.covering_for}" if c.covering_for else c.assigned_to) for c in rows])


@app.command()
@refusals_exit
def attempt(
    ctx: typer.Context,
    callback_id: int = typer.Argument(..., metavar="ID"),
    result: str = typer.Argument(..., help="reached, voicemail or no-answer."),
    as_json: bool = JSON,
) -> None:
    """Record one try at returning the call (reached returns it)."""
    from calldesk.store.services.callbacks import record_attempt

    callback = run_service(ctx, lambda uow, actor, _: record_attempt(uow, actor=actor, callback_id=callback_id,
                                                                       result=result))
    report(callback, as_json, lambda c: f"Reached: callback {c.id} is returned." if c.done_at is not None
           else f"Recorded {shown(result)} for callback {c.id}; it stays open.")


@app.command()
@refusals_exit
def done(ctx: typer.Context, callback_id: int = typer.Argument(..., metavar="ID"),
         as_json: bool = JSON) -> None:
    """Mark a callback returned."""
    from calldesk.store.services.callbacks import complete_callback

    callback = run_service(ctx, lambda uow, actor, _: complete_callback(uow, actor=actor, callback_id=callback_id))
    report(callback, as_json, lambda c: f"Callback {c.id} is returned.")


@app.command()
@refusals_exit
def assign(ctx: typer.Context, callback_id: int = typer.Argument(..., metavar="ID"),
           user: str = typer.Argument(..., metavar="USER"),
           as_json: bool = JSON) -> None:
    """Hand a callback on to someone present (supervisors)."""
    from calldesk.store.services.callbacks import reassign_callback

    callback = run_service(ctx, lambda uow, actor, profile: reassign_callback(
        uow, actor=actor, profile=profile, callback_id=callback_id, to_user=user))
    report(callback, as_json, lambda c: f"Callback {c.id} is now {shown(c.assigned_to)}'s.")


@app.command()
@refusals_exit
def assess(ctx: typer.Context, callback_id: int = typer.Argument(..., metavar="ID"),
           urgent: bool = typer.Option(..., "--urgent/--not-urgent", help="The supervisor's assessment."),
           as_json: bool = JSON) -> None:
    """Re-assess a message's urgency (supervisors): urgent is due at once, otherwise within one business day of
    when it was received."""
    from calldesk.store.services.callbacks import reassess_urgency

    callback, profile = run_service(ctx, lambda uow, actor, profile: (reassess_urgency(
        uow, actor=actor, profile=profile, callback_id=callback_id, urgent=urgent), profile))
    report(callback, as_json, lambda c: _said(c, "Re-assessed", profile))


@app.command("on-time")
@refusals_exit
def on_time(ctx: typer.Context, month: str = typer.Option(..., "--month", help="The month, e.g. 2026-12."),
            as_json: bool = JSON) -> None:
    """The share of the month's callbacks returned on time (by their due time; later is late)."""
    from calldesk.rules.reporting import month_period
    from calldesk.store.services.callbacks import callback_timeliness

    def figure_of(session: Session, _: Actor, profile: Profile) -> CallbackTimeliness:
        since, until = month_period(month).bounds(profile)
        return callback_timeliness(session, since=since, until=until)

    figure = run_read(ctx, figure_of)
    report(figure.as_dict(), as_json, f"Callbacks received in {month}: {figure.received}; {figure.words()}; "
                                      f"{figure.late} returned late; {figure.still_open} still open.")


def absent(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="USER"),
    since: str | None = typer.Option(None, "--since", help="First day away, YYYY-MM-DD (default: today)."),
    back: bool = typer.Option(False, "--back", help="They are back: clear the absence."),
    as_json: bool = JSON,
) -> None:
    """Record that a user is away: after a day their supervisor covers their callbacks."""
    from calldesk.store.db.users import set_absence

    if back and since:
        raise InvalidInput("Give --since or --back, not both.")
    def record(uow: UnitOfWork, actor: Actor, profile: Profile) -> tuple[UserPublic, date | None, Profile]:
        day = None if back else typed_day(since, "--since") if since is not None else agency_today(profile)
        return set_absence(uow, actor=actor, username=name, absent_since=day), day, profile

    user, day, profile = run_service(ctx, record)
    report(user, as_json, f"{shown(user.username)} is back." if day is None
           else f"{shown(user.username)} is away since {day_text(profile, day)}.")
