"""`calldesk resource list|add|edit|retire`: the resource directory (LAUSD: the Department Tiers of Responses and
Resources), kept by the coordinator in the store; the same services as the desk's directory (F-key on the intake,
F6 / F7 / F8 there for supervisors)."""

from __future__ import annotations

from typing import Any

import typer

from calldesk.cli.output import JSON, print_json, print_table, report, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import run_read, run_service
from calldesk.rules.resources import ResourceEntry, keywords_of

app = typer.Typer(help="The resource directory agents consult (kept by supervisors).", no_args_is_help=True)


def _said(row: Any, verb: str, as_json: bool) -> None:
    report(row, as_json, f"{verb} entry {row.id}: {shown(row.department)}.")


@app.command("list")
@refusals_exit
def list_entries(ctx: typer.Context, query: str = typer.Argument("", help="Words every entry shown contains."),
                 retired: bool = typer.Option(False, "--retired", help="Show retired entries too."),
                 as_json: bool = JSON) -> None:
    """The directory's entries (their numbers are what edit and retire take)."""
    from calldesk.store.services.reference import resources

    rows = run_read(ctx, lambda s, a, profile: resources(s, profile.name, query, retired=retired))
    if as_json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    print_table(f"Resource directory ({len(rows)})", ["#", "Department", "Response", "Contact", "Keywords", "State"],
                [[r.id, r.department, r.response, r.contact, r.keywords, "active" if r.active else "retired"]
                 for r in rows], whole=("#",))


@app.command("add")
@refusals_exit
def add(ctx: typer.Context, department: str = typer.Option(..., "--department", help="The department or office."),
        response: str = typer.Option(..., "--response", help="What the caller is told."),
        contact: str = typer.Option("", "--contact", help="Whom they reach: phone, page, office."),
        keywords: str = typer.Option("", "--keywords", help="Words that find it, separated by commas."),
        as_json: bool = JSON) -> None:
    """Add an entry to the directory (supervisors)."""
    from calldesk.store.services.reference import add_resource

    entry = ResourceEntry(department, response, contact, keywords_of(keywords))
    _said(run_service(ctx, lambda u, a, p: add_resource(u, actor=a, profile=p, entry=entry)), "Added", as_json)


@app.command("edit")
@refusals_exit
def edit(ctx: typer.Context, number: int = typer.Argument(..., help="The entry's number (resource list)."),
         department: str | None = typer.Option(None, "--department", help="The department or office."),
         response: str | None = typer.Option(None, "--response", help="What the caller is told."),
         contact: str | None = typer.Option(None, "--contact", help="Whom they reach."),
         keywords: str | None = typer.Option(None, "--keywords", help="Words that find it, separated by commas."),
         as_json: bool = JSON) -> None:
    """Change an entry (what is not given stays as it is; supervisors)."""
    from calldesk.models import Resource
    from calldesk.store.services.reference import edit_resource

    def act(u: Any, a: Any, p: Any) -> Any:
        now = u.session.get(Resource, number)
        entry = ResourceEntry(
            department if department is not None else (now.department if now else ""),
            response if response is not None else (now.response if now else ""),
            contact if contact is not None else (now.contact if now else ""),
            keywords_of(keywords if keywords is not None else (now.keywords if now else "")))
        return edit_resource(u, actor=a, profile=p, resource_id=number, entry=entry)

    _said(run_service(ctx, act), "Changed", as_json)


@app.command("retire")
@refusals_exit
def retire(ctx: typer.Context, number: int = typer.Argument(..., help="The entry's number (resource list)."),
           as_json: bool = JSON) -> None:
    """Retire an entry: agents no longer see it; it stays in the store and the trail (supervisors)."""
    from calldesk.store.services.reference import retire_resource

    _said(run_service(ctx, lambda u, a, p: retire_resource(u, actor=a, profile=p, resource_id=number)), "Retired",
          as_json)
