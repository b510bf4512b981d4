"""`calldesk case find|assign|mine`: the case workspace from the command line (the same services as the desk)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from calldesk.cli.cases import app
from calldesk.cli.output import JSON, out, print_json, print_table, shown
from calldesk.cli.refusals import one_line, refusals_exit
from calldesk.cli.running import run_read, run_service
from calldesk.cli.times import agency_today, moment_text
from calldesk.rules.calendar import calendar_for
from calldesk.rules.case_numbers import full_case_number
from calldesk.rules.profile import Profile

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.store.db.users import Actor



@app.command()
@refusals_exit
def find(ctx: typer.Context, text: list[str] = typer.Argument(..., help="A case number, phone (any format), "
                                                                          "email, a name's start, or a school."),
         open_only: bool = typer.Option(False, "--open", help="Open cases only."),
         as_json: bool = JSON) -> None:
    """Find cases, open and closed: by number, phone typed any way, email, name prefix or school."""
    from calldesk.store.read.search import find_cases

    typed = " ".join(text)
    profile, cases = run_read(ctx, lambda session, actor, profile: (profile, find_cases(
        session, typed, viewer=actor, include_closed=not open_only)))
    if as_json:
        print_json(cases)
        return
    if not cases:
        out.print(one_line(f"No case matches '{typed}'."))  # (a 100,000-character search is cut, said so)
        return
    print_table(f"Cases matching '{typed}'", ["case", "status", "opened", "caller", "type", "school"],
                [(c.case_number, c.status, moment_text(profile, c.opened_at), c.caller_name, c.call_type, c.school)
                 for c in cases], whole=("case",))


@app.command()
@refusals_exit
def assign(ctx: typer.Context,
           numbers_and_user: list[str] = typer.Argument(..., metavar="NUMBER... USER",
                                                        help="One or more case numbers, then the user name of the "
                                                             "person who will work them."),
           expected_version: int | None = typer.Option(None, "--expected-version",
                                                       help="Refuse if the case changed since this version (one "
                                                            "case only)."),
           as_json: bool = JSON) -> None:
    """Assign cases to a named person, or reassign them (supervisors): every case, or none if one is refused."""
    from calldesk.errors import InvalidInput
    from calldesk.store.services.assignments import assign_cases

    if len(numbers_and_user) < 2:
        raise InvalidInput("Give at least one case number and then the user name: case assign 2026-000123 pat.")
    *typed, user = numbers_and_user
    numbers = [full_case_number(n) for n in typed]  # (as every case-number argument reads it: 2026-1 is 2026-000001)
    if expected_version is not None and len(numbers) > 1:
        raise InvalidInput("--expected-version is for one case; assign several without it.")
    versions = {numbers[0]: expected_version} if expected_version is not None else None
    cases = run_service(ctx, lambda uow, actor, _: assign_cases(uow, actor=actor, case_numbers=numbers, to_user=user,
                                                                expected_versions=versions))
    if as_json:
        print_json(cases[0] if len(cases) == 1 else cases)
    else:
        which = ", ".join(shown(c.case_number) for c in cases)
        out.print(f"Case{'s' if len(cases) > 1 else ''} {which} assigned to {shown(user)}.")


@app.command()
@refusals_exit
def mine(ctx: typer.Context, user: str | None = typer.Option(None, "--user", help="Someone else's work "
                                                                                     "(default: yours)."),
         limit: int = typer.Option(200, "--limit", min=1, max=100_000,
                                   help="How many of the soonest open cases to list."),
         as_json: bool = JSON) -> None:
    """My work: open cases by next deadline, follow-ups, acknowledgements, responses and callbacks due."""
    from calldesk.rules.vocabulary import utcnow
    from calldesk.store.read.my_work import my_work, whose_work

    def read(session: Session, signed_in: Actor, profile: Profile) -> tuple[str, Profile, Any]:
        viewer = whose_work(session, signed_in, user)
        now = utcnow()
        return viewer.username, profile, my_work(session, profile=profile, viewer=viewer, now=now,
                                                 today=calendar_for(profile).local(now).date(), limit=limit)

    who, profile, items = run_read(ctx, read)
    if as_json:
        print_json([vars(i) for i in items])
        return
    from calldesk.store.read.my_work import due_column, work_lines

    today = agency_today(profile)
    print_table(f"Work of {who}", ["due", "next step", "case", "what"],  # each case once, its next step in words
                [(due_column(line, profile=profile, today=today),
                  line.next + (f" (+{line.more} more)" if line.more else ""), line.case_number, line.what)
                 for line in work_lines(items)], whole=("case",))
