"""`calldesk practice`: the desk on a separate practice store (never the real one) with a demo team and demo cases,
where you may act as any team member. Every screen says PRACTICE."""

from __future__ import annotations

import dataclasses
import sys

import typer

from calldesk.cli.output import err, progress_reporter, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import options


@refusals_exit
def practice(ctx: typer.Context,
             as_: str = typer.Option("", "--as", metavar="NAME",
                                     help="Act as this member of the practice team: ana, bo (agents), pat (program "
                                          "specialist), sam (specialist), sue, vic (supervisors), rex (respondent). "
                                          "Default: yourself (its admin)."),
             reset: bool = typer.Option(False, "--reset", help="Make the practice store anew (its work is lost)."),
             cases: int = typer.Option(300, "--cases", min=10, max=100_000,
                                       help="Demo cases in a new practice store.")) -> None:
    """Practise on a separate store (never the real one): a demo team, demo cases, and the day's first calls
    routed to the team. Act as any member with --as NAME or, on the desk, ctrl+u."""
    from calldesk.app import run_desk
    from calldesk.demo.practice import TEAM, make_practice, practice_path
    from calldesk.errors import InvalidInput
    from calldesk.profiles import load_profile
    from calldesk.settings import data_home
    from calldesk.store.db.users import os_login

    names = [name for name, *_ in TEAM]
    if as_ and as_ not in names:  # refused before anything is made or opened
        raise InvalidInput(f"{as_!r} is not on the practice team: choose one of {', '.join(names)}.")
    if not sys.stdout.isatty():
        raise InvalidInput("calldesk practice opens the desk: run it in a terminal.")
    settings = options(ctx).settings()
    path = practice_path(data_home())
    if reset:
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    if not path.exists():
        with progress_reporter("Making the practice store") as progress:
            made = make_practice(path, profile=load_profile(settings.protocol), login=os_login(), cases=cases,
                                 progress=progress)
        err.print(f"Made the practice store at {shown(made.path)}: {made.cases} cases; the team: "
                  f"{shown(', '.join(made.team))}.")
    run_desk(dataclasses.replace(settings, database_url=f"sqlite:///{path}"), practice_as=as_)
