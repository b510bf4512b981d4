"""`calldesk report ...`: the monthly and quarterly reports, their approval and the reporting chain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from calldesk.cli.output import JSON, out, print_json, print_table, report, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import run_read, run_service
from calldesk.cli.spreadsheets import markdown_table, text_target, write_csv
from calldesk.cli.times import moment_text
from calldesk.errors import InvalidInput
from calldesk.output_files import checked_target
from calldesk.rules.display import json_text
from calldesk.rules.profile import TIER_LABELS
from calldesk.rules.reporting import (
    CALL_TYPE_LABELS,
    DIMENSION_LABELS,
    DIMENSIONS,
    SLA_LABELS,
    SOURCE_LABELS,
    Period,
    month_period,
    previous_month,
    quarter_period,
)
from calldesk.rules.shown import day_words
from calldesk.rules.typed_dates import typed_day

if TYPE_CHECKING:
    from datetime import date

    from sqlmodel import Session

    from calldesk.rules.profile import Profile
    from calldesk.rules.reporting import StepStatus
    from calldesk.store.db.uow import UnitOfWork
    from calldesk.store.db.users import Actor
    from calldesk.store.services.reports import ReportRun

app = typer.Typer(help="Monthly and quarterly reports (counts only; no personal data).", no_args_is_help=True)
FORMATS = ("table", "csv", "json", "md")
FORMAT_HELP = "table, csv, json or md."
OUT_HELP = "Write the report to this file instead of the screen (a table is written as Markdown)."


def key_label(dimension: str, key: str) -> str:
    """A count's key in words ("ceo" -> "Executive office")."""
    labels = {"call_type": CALL_TYPE_LABELS, "sla": SLA_LABELS, "source": SOURCE_LABELS,
              "tier": TIER_LABELS}.get(dimension, {})
    return labels.get(key, key)


def callback_line(figure: dict[str, Any]) -> str:
    """The period's callbacks in words: how many came, the share returned on time, late and still open."""
    return (f"Callbacks received: {figure['received']}; {figure['share']}; {figure['late']} returned late; "
            f"{figure['still_open']} still open.")


def count_rows(numbers: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(dimension, key, count) rows of a report, in the report's order."""
    return [(DIMENSION_LABELS[d], key_label(d, k), n) for d in DIMENSIONS
            for k, n in numbers["counts"].get(d, {}).items()]


def step_json(step: StepStatus) -> dict[str, Any]:
    """A chain step as JSON: its dates as ISO days, with its state in words."""
    fields = {k: v for k, v in asdict(step).items() if k != "this_year"}  # (how its words are said)
    return {**fields, "due": step.due.isoformat(),
            "done_on": step.done_on.isoformat() if step.done_on else None, "words": step.words}


def step_rows(chain: Iterable[StepStatus]) -> list[tuple[str, str, str, str]]:
    """(due, step id, state in words, step) rows of a chain, as the screen and the CLI show them."""
    return [(day_words(s.due, this_year=s.this_year), s.step, s.words, s.label) for s in chain]


def _as_json(run: ReportRun) -> dict[str, Any]:
    return {
        "report_id": run.report_id, "status": run.status, "run_by": run.run_by,
        "approved_by": run.approved_by, "approved_at": run.approved_at.isoformat() if run.approved_at else None,
        "numbers": run.numbers,
        "differences_since_approval": [asdict(d) for d in run.differences],
        "chain": [step_json(s) for s in run.chain],
        "own_settings": run.footnote,
    }


def _markdown(run: ReportRun) -> str:
    n = run.numbers
    parts = [f"# {n['kind'].title()} report {n['period']} ({n['protocol']})", "",
             f"Report {run.report_id}: {run.status}" + (f", approved by {run.approved_by}" if run.approved_by
                                                         else ""), "",
             f"Reportable cases: {n['total']}", "", markdown_table(["Dimension", "Key", "Count"], count_rows(n))]
    trends = n["trends"]
    parts += ["", "## Trends by school or department", "",
              markdown_table(["School or department", *trends["months"]],
                             [(place, *counts) for place, counts in trends["places"].items()])]
    nr = n["not_reportable"]
    parts += ["", f"## Not reportable ({nr['total']}), routed elsewhere", "",
              markdown_table(["Routed to", "Category", "Count"],
                             [(r["route_to"], r["category"], r["count"]) for r in nr["routes"]])]
    cb = n.get("callbacks")
    if cb:
        parts += ["", "## Callbacks returned on time", "", callback_line(cb)]
    if run.chain:
        parts += ["", "## Reporting chain", "",
                  markdown_table(["Due", "Step id", "State", "Step"], step_rows(run.chain))]
    if run.footnote:
        parts += ["", f"Note: {run.footnote}"]
    if run.differences:
        parts += ["", "## Changed since approval", "",
                  markdown_table(["Dimension", "Key", "Approved", "Now"],
                                 [(d.dimension, d.key, d.approved, d.now) for d in run.differences])]
    return "\n".join(parts) + "\n"


def _csv_rows(run: ReportRun) -> list[dict[str, Any]]:
    rows = [{"section": "count", "dimension": d, "key": k, "count": c} for d, k, c in count_rows(run.numbers)]
    for place, counts in run.numbers["trends"]["places"].items():
        for month, count in zip(run.numbers["trends"]["months"], counts, strict=True):
            rows.append({"section": f"trend {month}", "dimension": "School or department", "key": place,
                         "count": count})
    for route in run.numbers["not_reportable"]["routes"]:
        rows.append({"section": "not reportable", "dimension": route["route_to"], "key": route["category"],
                     "count": route["count"]})
    for key in ("received", "returned", "on_time", "late", "still_open"):
        if run.numbers.get("callbacks"):
            rows.append({"section": "callbacks", "dimension": "Callbacks", "key": key.replace("_", " "),
                         "count": run.numbers["callbacks"][key]})
    rows += [{"section": "changed since approval", "dimension": d.dimension, "key": d.key,
              "count": f"{d.approved} -> {d.now}"} for d in run.differences]
    return rows


def _inert(rows: Iterable[Sequence[Any]]) -> list[list[str]]:
    """Cells as strings; print_table shows them as plain text (a school typed as "[red]" is shown as typed)."""
    return [[str(value) for value in row] for row in rows]


def _show_table(run: ReportRun, profile: Profile) -> None:
    n = run.numbers
    approved = f", approved by {run.approved_by} on {moment_text(profile, run.approved_at)}" if run.approved_at else ""
    out.print(f"[bold]{shown(n['kind'].title())} report {shown(n['period'])}[/] ({shown(n['protocol'])}): report "
              f"{run.report_id}, {shown(run.status + approved)}; {n['total']} reportable case(s).")
    print_table("Counts", ["dimension", "key", "count"], _inert(count_rows(n)))
    trends = n["trends"]
    if trends["places"]:
        print_table("Trends by school or department", ["school or department", *trends["months"]],
                    _inert((place, *counts) for place, counts in trends["places"].items()))
    nr = n["not_reportable"]
    print_table(f"Not reportable ({nr['total']}): tracked, routed elsewhere, left out of the counts",
                ["case", "category", "routed to", "opened"],
                _inert((c["case"], c["category"], c["route_to"], c["opened_on"]) for c in nr["cases"]))
    if n.get("callbacks"):
        out.print(shown(callback_line(n["callbacks"])))
    if run.differences:
        print_table("Changed since approval (the approved numbers are shown above)",
                    ["dimension", "key", "approved", "now"],
                    _inert((d.dimension, d.key, d.approved, d.now) for d in run.differences))
    if run.chain:
        print_table("Reporting chain (mark a step: calldesk report step STEP)", ["due", "step id", "state", "step"],
                    _inert(step_rows(run.chain)))
    if run.footnote:
        out.print(shown(f"Note: {run.footnote}"))


def emit(run: ReportRun, form: str, target: Path | None, profile: Profile) -> None:
    """Write a report run in `form` to `target` (or the screen, its times in `profile`'s zone)."""
    if form == "table" and target is None:
        _show_table(run, profile)
        return
    with text_target(target, "report") as handle:
        if form == "json":
            handle.write(json_text(_as_json(run), indent=2) + "\n")
        elif form == "csv":
            write_csv(handle, ["section", "dimension", "key", "count"], _csv_rows(run))
        else:  # md, and a table written to a file
            handle.write(_markdown(run))
    if target is not None:
        out.print(f"Wrote report {run.report_id} ({run.status}) to {shown(target)}.")


def _run(ctx: typer.Context, period: Period, form: str, target: Path | None) -> None:
    from calldesk.store.services.reports import run_report

    # Every argument is checked before the run is stored and audited.
    if form not in FORMATS:
        raise InvalidInput(f"'{form}' is not a report format; use {FORMAT_HELP}", field="format")
    if target is not None:
        checked_target(target, "report")
    run, profile = run_service(ctx, lambda uow, actor, profile: (
        run_report(uow, actor=actor, profile=profile, period=period), profile))
    emit(run, form, target, profile)


def _period(today: date, month: str | None, quarter: str | None) -> Period:
    """The reporting period a command names: --quarter, else --month, else last month."""
    return (quarter_period(quarter) if quarter is not None else month_period(month) if month is not None
            else previous_month(today))


@app.command()
@refusals_exit
def monthly(ctx: typer.Context, month: str = typer.Option(..., "--month", help="The month, e.g. 2026-10."),
            form: str = typer.Option("table", "--format", help=FORMAT_HELP),
            target: Path | None = typer.Option(None, "--out", help=OUT_HELP),
            as_json: bool = JSON) -> None:
    """The month's counts by type, category, channel, school or department, tier, source and SLA outcome."""
    _run(ctx, month_period(month), "json" if as_json else form, target)


@app.command()
@refusals_exit
def quarterly(ctx: typer.Context, quarter: str = typer.Option(..., "--quarter", help="The quarter, e.g. 2026Q3."),
              form: str = typer.Option("table", "--format", help=FORMAT_HELP),
              target: Path | None = typer.Option(None, "--out", help=OUT_HELP),
              as_json: bool = JSON) -> None:
    """The quarter's roll-up, with its three months as the trend."""
    _run(ctx, quarter_period(quarter), "json" if as_json else form, target)


@app.command()
@refusals_exit
def approve(ctx: typer.Context, report_id: int = typer.Argument(..., help="The report's number (shown by a run)."),
            as_json: bool = JSON) -> None:
    """Approve a report (supervisors): its numbers are frozen; later runs show what changed."""
    from calldesk.store.services.reports import approve_report

    run = run_service(ctx, lambda uow, actor, profile: approve_report(uow, actor=actor, profile=profile,
                                                                      report_id=report_id))
    report(_as_json(run), as_json,
           f"Report {run.report_id} ({shown(run.numbers['kind'])} {shown(run.numbers['period'])}) approved by "
           f"{shown(run.approved_by)}; its numbers are frozen.")


@app.command()
@refusals_exit
def status(ctx: typer.Context, month: str | None = typer.Option(None, "--month",
                                                                help="The reported month (default: last month)."),
           quarter: str | None = typer.Option(None, "--quarter", help="A quarter instead, e.g. 2026Q3."),
           received: str | None = typer.Option(None, "--received",
                                               help="With --quarter: the day the CEO's quarterly report arrived."),
           as_json: bool = JSON) -> None:
    """Which step of the monthly (or quarterly) reporting chain is done, due or late."""
    from calldesk.models import utcnow
    from calldesk.store.services.reports import report_status

    if month is not None and quarter is not None:
        raise InvalidInput("Give --month or --quarter, not both.", field="quarter")
    if quarter is not None and received is None:
        raise InvalidInput("A quarter's chain starts when the CEO's quarterly report arrives: add --received "
                           "YYYY-MM-DD.", field="received")
    if received is not None and quarter is None:
        raise InvalidInput("--received goes with --quarter.", field="received")
    arrived = typed_day(received, "--received", "received") if received is not None else None

    def read(session: Session, actor: Actor, profile: Profile) -> tuple[Period, Any]:
        today = utcnow().astimezone(profile.tz).date()
        period = _period(today, month, quarter)
        return period, report_status(session, actor=actor, profile=profile, period=period, today=today,
                                     received=arrived)

    period, found = run_read(ctx, read)
    if as_json:
        print_json({"period": found.period, "report_id": found.report_id, "status": found.status,
                    "chain": [step_json(s) for s in found.chain]})
        return
    out.print(f"[bold]{period.kind.title()} report {shown(found.period)}[/]: {shown(found.status)}"
              + (f" (report {found.report_id})" if found.report_id else ""))
    if not found.chain:  # (an empty table reads as a chain whose steps are all missing)
        out.print(f"The protocol has no {period.kind} reporting chain: no step to mark.")
        return
    print_table("Reporting chain (mark a step: calldesk report step STEP)", ["due", "step id", "state", "step"],
                _inert(step_rows(found.chain)))


@app.command("step")
@refusals_exit
def step(ctx: typer.Context, name: str = typer.Argument(..., help="The step's id (shown by `report status`)."),
         month: str | None = typer.Option(None, "--month", help="The reported month (default: last month)."),
         quarter: str | None = typer.Option(None, "--quarter", help="A quarter's step instead, e.g. 2026Q3."),
         received: str | None = typer.Option(None, "--received",
                                             help="With --quarter: the day the CEO's quarterly report arrived."),
         as_json: bool = JSON) -> None:
    """Mark one step of the reporting chain done, as yourself, now (the profile says whose step it is)."""
    from calldesk.models import utcnow
    from calldesk.store.services.report_steps import mark_step

    if month is not None and quarter is not None:
        raise InvalidInput("Give --month or --quarter, not both.", field="quarter")
    if received is not None and quarter is None:
        raise InvalidInput("--received goes with --quarter.", field="received")
    arrived = typed_day(received, "--received", "received") if received is not None else None

    def mark(uow: UnitOfWork, actor: Actor, profile: Profile) -> tuple[Period, Any]:
        period = _period(utcnow().astimezone(profile.tz).date(), month, quarter)
        return period, mark_step(uow, actor=actor, profile=profile, period=period, step=name, received=arrived)

    period, marked = run_service(ctx, mark)
    if as_json:
        print_json({"period": period.label, "step": step_json(marked.step),
                    "chain": [step_json(s) for s in marked.chain]})
        return
    out.print(shown(f"{period.label}: \"{marked.step.label}\" {marked.step.words}."))
