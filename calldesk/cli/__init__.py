"""The calldesk command line: with no subcommand it opens the desk (TUI); admins script the rest."""

from __future__ import annotations

import typer

from calldesk import __version__
from calldesk.cli import (
    callbacks,
    case_find,  # noqa: F401  (registers case find, assign and mine on `case`)
    case_steps,  # noqa: F401  (registers case step and steps on `case`)
    cases,
    casework,
    casework_actions,
    db,
    demo,
    exports,
    lifecycle,
    mail,
    overdue,
    phone,
    practice,
    profile,
    quality,  # noqa: F401  (registers report reviews on `report`)
    queue,
    reports,
    resources,
    serve,
    users,
)
from calldesk.cli.output import out
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import Options, options

app = typer.Typer(
    name="calldesk",
    help="calldesk: the call desk that enforces your agency's protocol.",
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(cases.app, name="case")
assert casework.app is cases.app  # its commands (follow-up, ack, letter, close...) register on `case`
app.add_typer(casework_actions.student, name="student")
app.add_typer(callbacks.app, name="callback")
app.add_typer(reports.app, name="report")
app.add_typer(profile.app, name="profile")
app.add_typer(exports.app, name="export")
app.add_typer(queue.app, name="queue")
app.add_typer(resources.app, name="resource")
app.add_typer(lifecycle.holds, name="hold")
app.add_typer(lifecycle.caller, name="caller")
app.add_typer(serve.app, name="serve")
app.add_typer(phone.app, name="phone")
app.add_typer(mail.app, name="mail")
app.command("pop")(phone.pop)
app.command("overdue")(overdue.overdue)
app.command("purge")(lifecycle.purge)
app.command("demo")(demo.demo)
app.command("practice")(practice.practice)


def _version(value: bool) -> None:
    if value:
        out.print(f"calldesk {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
@refusals_exit
def root(
    ctx: typer.Context,
    db_url: str | None = typer.Option(None, "--db", help="Store URL (default: SQLite in your data folder).",
                                      envvar="CALLDESK_DATABASE_URL", show_envvar=True),
    protocol: str | None = typer.Option(None, "--protocol", help="Protocol profile (lausd, area_offices, ...).",
                                        envvar="CALLDESK_PROTOCOL", show_envvar=True),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Open the desk when no command is given."""
    ctx.obj = Options(db=db_url, protocol=protocol)
    if ctx.invoked_subcommand is None:
        from calldesk.app import run_desk

        run_desk(options(ctx).settings())


def main() -> None:
    """Console-script entry point."""
    app()
