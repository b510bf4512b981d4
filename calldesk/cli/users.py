"""`calldesk user ...`: add, list, set-role, deactivate, activate, lang, supervisor, places, absent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from calldesk.cli.output import JSON, print_json, print_table, report, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import read_signed_in, run_service
from calldesk.rules.profile import role_label

if TYPE_CHECKING:
    from calldesk.models import UserPublic

app = typer.Typer(help="Manage who may use calldesk (admins only).", no_args_is_help=True)


def _show(user: UserPublic, as_json: bool, verb: str) -> None:
    report(user, as_json, f"{verb} {shown(user.username)} ({role_label(user.role)}"
                          f"{'' if user.active else ', deactivated'}).")


@app.command()
@refusals_exit
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Login name (OS user on SQLite, database role on PostgreSQL)."),
    role: str = typer.Option(..., "--role", help="respondent, agent, program_specialist, specialist, supervisor or "
                                                 "admin."),
    full_name: str = typer.Option("", "--full-name", help="The person's full name."),
    supervisor: str | None = typer.Option(None, "--supervisor", help="Login of their supervisor."),
    languages: str = typer.Option("", "--lang", help="Languages they take calls in, e.g. 'English, Spanish'."),
    places: str = typer.Option("", "--places", help="A respondent's schools or departments, e.g. "
                                                    "'Roosevelt High, Transportation'."),
    as_json: bool = JSON,
) -> None:
    """Add a user with a role."""
    from calldesk.models import UserCreate
    from calldesk.store.db import users as user_service
    from calldesk.store.services.typed_fields import build

    data = build(UserCreate, username=name, role=role, full_name=full_name, supervisor=supervisor,
                 languages=languages, places=places)
    user = run_service(ctx, lambda uow, actor, _: user_service.add_user(uow, actor=actor, data=data))
    _show(user, as_json, "Added")


@app.command("list")
@refusals_exit
def list_(ctx: typer.Context, as_json: bool = JSON) -> None:
    """List users and their roles."""
    from calldesk.store.db import users as user_service

    users = read_signed_in(ctx, lambda session, _: user_service.list_users(session))
    if as_json:
        print_json(users)
        return
    print_table("Users", ["user", "full name", "role", "active", "supervisor", "languages", "places"],
                [(u.username, u.full_name, role_label(u.role), "yes" if u.active else "no", u.supervisor, u.languages,
                  u.places)
                 for u in users])


@app.command("set-role")
@refusals_exit
def set_role(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    role: str = typer.Argument(..., help="agent, program_specialist, specialist, supervisor or admin."),
    as_json: bool = JSON,
) -> None:
    """Change a user's role."""
    from calldesk.store.db import users as user_service

    user = run_service(ctx, lambda uow, actor, _: user_service.set_role(uow, actor=actor, username=name, role=role))
    _show(user, as_json, "Updated")


def _set_active(ctx: typer.Context, name: str, active: bool, as_json: bool) -> None:
    from calldesk.store.db import users as user_service

    user = run_service(ctx, lambda uow, actor, _: user_service.set_active(uow, actor=actor, username=name,
                                                                          active=active))
    _show(user, as_json, "Activated" if active else "Deactivated")


@app.command()
@refusals_exit
def deactivate(ctx: typer.Context, name: str = typer.Argument(...),
               as_json: bool = JSON) -> None:
    """Deactivate a user: they can no longer sign in; their history stays."""
    _set_active(ctx, name, False, as_json)


@app.command()
@refusals_exit
def activate(ctx: typer.Context, name: str = typer.Argument(...),
             as_json: bool = JSON) -> None:
    """Reactivate a deactivated user."""
    _set_active(ctx, name, True, as_json)


@app.command("lang")
@refusals_exit
def lang(ctx: typer.Context, name: str = typer.Argument(...),
         languages: str = typer.Argument(..., help="Languages they take calls in, e.g. 'English, Spanish'."),
         as_json: bool = JSON) -> None:
    """Set the languages a user takes calls in: a call in one of them (the Bilingual line) is routed to them."""
    _set_list(ctx, name, languages, "languages", as_json)


@app.command("supervisor")
@refusals_exit
def supervisor(ctx: typer.Context, name: str = typer.Argument(...),
               who: str = typer.Argument(..., metavar="SUPERVISOR",
                                         help="Who covers their callbacks while they are away; - for nobody."),
               as_json: bool = JSON) -> None:
    """Set a user's supervisor, who covers their callbacks once they are away over a day (admins)."""
    from calldesk.store.db.users import set_supervisor

    user = run_service(ctx, lambda uow, actor, _: set_supervisor(uow, actor=actor, username=name,
                                                                 supervisor=None if who == "-" else who))
    report(user, as_json, f"{shown(user.username)}'s supervisor: {shown(user.supervisor or 'nobody')}.")


@app.command("places")
@refusals_exit
def places(ctx: typer.Context, name: str = typer.Argument(...),
           listed: str = typer.Argument(..., metavar="PLACES",
                                        help="Their schools or departments, e.g. 'Roosevelt High, Transportation'."),
           as_json: bool = JSON) -> None:
    """Set a respondent's schools and departments: they see and document those places' cases (admins)."""
    _set_list(ctx, name, listed, "places", as_json)


LISTS = {"languages": ("takes calls in", "no language listed"), "places": ("sees the cases of", "no place listed")}


def _set_list(ctx: typer.Context, name: str, listed: str, which: str, as_json: bool) -> None:
    """A user's list of languages or places, set by its service; said back as stored."""
    from calldesk.store.db.users import set_languages, set_places

    words, none = LISTS[which]
    user = run_service(ctx, lambda uow, actor, _: set_languages(uow, actor=actor, username=name, languages=listed)
                       if which == "languages" else set_places(uow, actor=actor, username=name, places=listed))
    report(user, as_json, f"{shown(user.username)} {words}: {shown(getattr(user, which) or none)}.")


@app.command()
@refusals_exit
def absent(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="USER"),
    since: str | None = typer.Option(None, "--since", help="First day away, YYYY-MM-DD (default: today)."),
    back: bool = typer.Option(False, "--back", help="They are back: clear the absence."),
    as_json: bool = JSON,
) -> None:
    """Record that a user is away (supervisors and admins; anyone for themselves): their supervisor covers their
    callbacks."""
    from calldesk.cli.callbacks import absent as record_absence

    record_absence(ctx, name, since, back, as_json)
