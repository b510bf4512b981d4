"""`calldesk case find|assign|mine`: the case workspace from the command line (the same services as the desk)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

import typer

from calldesk.cli.cases import app
from calldesk.cli.context import opened, out, print_json, print_table, refusals_exit, shown
from calldesk.profiles import load_profile
from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import Profile
from calldesk.rules.triage import format_due

if TYPE_CHECKING:
    from sqlmodel import Session

    from calldesk.store.search import CaseView
    from calldesk.store.users import Actor

R = TypeVar("R")


def local_time(profile: Profile, moment: datetime | None) -> str:
    """A stored (UTC) moment as people read it, in the agency's time zone (rules.shown): "end of Wed 25 Nov" for a
    day deadline, "Wed 25 Nov 15:00" for an hour one."""
    return format_due(calendar_for(profile).local(moment), with_time=True) if moment else ""


def read_with_profile(ctx: typer.Context, query: Callable[[Session, Actor], R]) -> tuple[Profile, R]:
    """Sign in, then run `query` read-only as the signed-in user; with the store's protocol profile (for local
    times)."""
    with opened(ctx) as store:
        actor = store.actor()
        profile = load_profile(store.protocol)
        with store.uow(readonly=True) as uow:
            return profile, query(uow.session, actor)


def print_case_view(profile: Profile, view: CaseView) -> None:
    """`case show`: the case's fields, then its follow-ups, response, students, disclosures and links."""
    case = view.case
    rows = []
    for key, value in case.model_dump().items():
        if value in (None, "", False):
            continue
        rows.append((key, local_time(profile, value) if isinstance(value, datetime) else value))
    print_table(f"Case {case.case_number}", ["field", "value"], rows, whole=("field",))
    if view.follow_ups:
        print_table("Follow-ups", ["when", "by", "done", "pending"],
                    [(local_time(profile, f.entry_at), f.by_user, f.done, f.pending) for f in view.follow_ups])
    if view.resolution is not None:
        res = view.resolution
        print_table("Resolution", ["field", "value"],
                    [(k, v) for k, v in (("response", res.response), ("outcome", res.outcome),
                                         ("alleged violation", res.alleged_violation),
                                         ("letter", res.letter_status)) if v])
    if view.students:
        print_table("Students", ["name", "id", "school"],
                    [(s.name, s.student_ref, s.school) for s in view.students])
    if view.disclosures:
        print_table("Disclosures", ["when", "to", "records", "basis", "by"],
                    [(local_time(profile, d.disclosed_at), d.recipient, d.records, d.basis, d.disclosed_by)
                     for d in view.disclosures])
    if view.links:
        print_table("Links", ["kind", "case", "way"], [(link.kind, link.other, link.direction) for link in view.links],
                    whole=("case",))


@app.command()
@refusals_exit
def find(ctx: typer.Context, text: list[str] = typer.Argument(..., help="A case number, phone (any format), "
                                                                          "email, a name's start, or a school."),
         open_only: bool = typer.Option(False, "--open", help="Open cases only."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Find cases, open and closed: by number, phone typed any way, email, name prefix or school."""
    from calldesk.store.search import find_cases

    typed = " ".join(text)
    profile, cases = read_with_profile(ctx, lambda session, actor: find_cases(
        session, typed, viewer=actor, include_closed=not open_only))
    if as_json:
        print_json(cases)
        return
    if not cases:
        out.print(f"No case matches '{shown(typed)}'.")
        return
    print_table(f"Cases matching '{typed}'", ["case", "status", "opened", "caller", "type", "school"],
                [(c.case_number, c.status, local_time(profile, c.opened_at), c.caller_name, c.call_type, c.school)
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
           as_json: bool = typer.Option(False, "--json", help="Print the cases as JSON.")) -> None:
    """Assign cases to a named person, or reassign them (supervisors): every case, or none if one is refused."""
    from calldesk.errors import InvalidInput
    from calldesk.store.assignments import assign_cases

    if len(numbers_and_user) < 2:
        raise InvalidInput("Give at least one case number and then the user name: case assign 2026-000123 pat.")
    *numbers, user = numbers_and_user
    if expected_version is not None and len(numbers) > 1:
        raise InvalidInput("--expected-version is for one case; assign several without it.")
    versions = {numbers[0]: expected_version} if expected_version is not None else None
    with opened(ctx) as store, store.uow() as uow:
        cases = assign_cases(uow, actor=store.actor(), case_numbers=numbers, to_user=user,
                             expected_versions=versions)
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
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """My work: open cases by next deadline, follow-ups, acknowledgements, responses and callbacks due."""
    from calldesk.rules.vocabulary import utcnow
    from calldesk.store.my_work import my_work
    from calldesk.store.users import actor_for, check

    with opened(ctx) as store:
        profile = load_profile(store.protocol)
        signed_in = store.actor()
        with store.uow(readonly=True) as uow:
            viewer = signed_in
            if user and user != signed_in.username:  # someone else's work: the supervisor who assigns it
                check(uow.session, signed_in, "reassign")
                viewer = actor_for(uow.session, user)
            who = viewer.username
            now = utcnow()
            items = my_work(uow.session, profile=profile, viewer=viewer, now=now,
                            today=calendar_for(profile).local(now).date(), limit=limit)
    if as_json:
        print_json([vars(i) for i in items])
        return
    from calldesk.store.my_work import due_column, work_lines

    today = calendar_for(profile).local(now).date()
    print_table(f"Work of {who}", ["due", "next step", "case", "what"],  # each case once, its next step in words
                [(due_column(line, profile=profile, today=today),
                  line.next + (f" (+{line.more} more)" if line.more else ""), line.case_number, line.what)
                 for line in work_lines(items)], whole=("case",))
