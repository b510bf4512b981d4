"""`calldesk queue ...`: the supervisor queue, its trends and coverage, and the dashboard's figures."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import typer

from calldesk.cli.case_display import stored_words
from calldesk.cli.output import JSON, out, print_json, print_table
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import run_read
from calldesk.cli.times import day_text, due_text
from calldesk.models import utcnow
from calldesk.rules.profile import role_label

app = typer.Typer(help="The supervisor queue, trends and coverage, and the dashboard.", no_args_is_help=True)


@app.command("list")
@refusals_exit
def list_(ctx: typer.Context,
          status: str = typer.Option("open", help="open or closed."),
          assignee: str | None = typer.Option(None, help="A user name, or - for nobody."),
          tier: str | None = typer.Option(None, help="inquiry_immediate, inquiry_followup, concern, complaint."),
          category: str | None = typer.Option(None, help="A category, exactly."),
          place: str | None = typer.Option(None, help="A school or department, exactly."),
          sla: str | None = typer.Option(None, help="breached, at_risk or on_track."),
          language: str | None = typer.Option(None, help="The caller's language."),
          source: str | None = typer.Option(None, help="none, superintendent, board or ceo."),
          search: str = typer.Option("", help="The start of a case number or of the caller's name; "
                                              "\"claim: words\" searches the claims (a slower scan)."),
          sort: str = typer.Option("deadline", help="deadline, number, opened, category, tier, assignee, "
                                                    "language or source."),
          descending: bool = typer.Option(False, "--descending", help="Reverse the order."),
          limit: int = typer.Option(50, min=1, max=1000, help="How many rows (one page)."),
          as_json: bool = JSON) -> None:
    """One page of the queue (an agent sees only their own work and the cases they opened)."""
    from calldesk.store.read.queue import QueueFilter, queue_count, queue_page

    filters = QueueFilter(status=status, assignee=assignee, tier=tier, category=category, place=place, sla=sla,
                          language=language, source=source, search=search)
    now = utcnow()
    page, total, profile = run_read(ctx, lambda session, actor, profile: (
        queue_page(session, actor=actor, now=now, filters=filters, sort=sort, descending=descending, limit=limit),
        queue_count(session, actor=actor, now=now, filters=filters), profile))
    if as_json:
        print_json({"total": total, "rows": [_jsonable({**asdict(r), "sla": r.sla.name}) for r in page.rows]})
        return
    print_table(f"Queue: {len(page.rows)} of {total} {status} cases",
                ["SLA", "case", "next deadline", "category", "tier", "assignee", "language", "source", "caller"],
                [(f"{r.sla.symbol} {r.sla.label}", r.case_number,
                  due_text(profile, r.next_deadline),
                  r.category, stored_words("tier", r.tier) or r.call_type.capitalize(),
                  r.assigned_to or f"({role_label(r.owner_role)})", r.language, stored_words("source", r.source),
                  r.caller_name)
                 for r in page.rows])


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


@app.command()
@refusals_exit
def trends(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Repeated issues by school and department, and absent staff's callbacks and follow-ups (supervisors and
    admins)."""
    from calldesk.store.read.dashboard import coverage
    from calldesk.store.read.dashboard import trends as find_trends

    found, cover, profile = run_read(ctx, lambda session, actor, profile: (
        find_trends(session, actor=actor, profile=profile, now=utcnow()),
        coverage(session, actor=actor, profile=profile, now=utcnow()), profile))
    if as_json:
        print_json({"trends": [asdict(t) for t in found], "coverage": [_jsonable(asdict(c)) for c in cover]})
        return
    print_table("Repeated issues", ["cases", "where", "kind", "window"],
                [(t.cases, t.place, t.kind, f"{t.window_days} days") for t in found])
    print_table("Absent staff's work", ["due", "what", "case", "absent", "supervisor"],
                [(due_text(profile, c.due), c.what, c.case_number or f"callback {c.callback_id}",
                  c.absent, c.supervisor or "") for c in cover])


@app.command()
@refusals_exit
def dashboard(ctx: typer.Context, weeks: int = typer.Option(26, min=1, max=520, help="How many weeks back."),
              as_json: bool = JSON) -> None:
    """Volumes by week, category and type, SLA compliance and the backlog's age (supervisors and admins)."""
    from calldesk.store.read.dashboard import dashboard as figures

    found, profile = run_read(ctx, lambda session, actor, profile: (
        figures(session, actor=actor, profile=profile, now=utcnow(), weeks=weeks), profile))
    if as_json:
        print_json({**asdict(found), "weeks": [(d.isoformat(), n) for d, n in found.weeks],
                    "compliance": found.compliance})
        return
    compliance = "-" if found.compliance is None else f"{found.compliance:.0%}"
    out.print(f"SLA compliance {compliance} ({found.closed_on_time} of {found.closed} closed on time); "
              f"open {found.open_total}, breached {found.open_breached}.", markup=False)
    print_table("Opened per week", ["week of", "cases"], [(day_text(profile, d), n) for d, n in found.weeks])
    print_table("By category", ["category", "cases"], found.by_category)
    print_table("By type", ["type", "cases"], found.by_type)
    print_table("Open backlog by age", ["age", "cases"], found.backlog)
