"""`calldesk overdue`: breached and soon-due deadlines, a summary by default, every one with --all (streamed)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import typer

from calldesk.cli.output import JSON, out, print_json, print_table, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import run_read
from calldesk.cli.times import agency_today, due_text
from calldesk.rules.display import inert, json_text
from calldesk.rules.triage import format_due

if TYPE_CHECKING:  # the store is imported when the command runs (the desk starts without it)
    from sqlmodel import Session

    from calldesk.rules.profile import Profile
    from calldesk.store.db.users import Actor
    from calldesk.store.read.overdue import Due, OverdueSummary

BREACHED_EXIT = 2  # `calldesk overdue` exits 2 when a deadline is breached (1 stays for refusals)


def _item(d: Due) -> dict[str, Any]:
    return {**asdict(d), "due": d.due.isoformat()}


def _summary_json(summary: OverdueSummary) -> dict[str, Any]:
    return {"breached": summary.breached, "soon": summary.soon,
            "by_kind": {t.name: {"breached": t.breached, "soon": t.soon} for t in summary.by_kind},
            "by_owner": {t.name: {"breached": t.breached, "soon": t.soon} for t in summary.by_owner},
            "most_late": _item(summary.most_late) if summary.most_late else None,
            "soonest": _item(summary.soonest) if summary.soonest else None}


def _said(d: Due, profile: Profile) -> str:
    where = f"case {d.case_number}" if d.case_number else ""
    if d.callback_id is not None:
        where = f"callback {d.callback_id}" + (f" ({where})" if where else "")
    return (f"{d.what} of {where}, due {due_text(profile, d.due)}, "
            f"with {d.owner or 'nobody'}")


def _print_summary(summary: OverdueSummary, within: int, profile: Profile) -> None:
    out.print(f"{summary.breached} breached, {summary.soon} due within {within} hour(s).")
    if not summary.breached + summary.soon:
        return
    print_table("By kind", ["what", "breached", "soon"],
                [(t.name, t.breached, t.soon) for t in summary.by_kind if t.breached or t.soon])
    print_table("By owner", ["owner", "breached", "soon"], [(t.name or "nobody", t.breached, t.soon)
                                                           for t in summary.by_owner])
    if summary.most_late:
        out.print(f"Most late: {shown(_said(summary.most_late, profile))}.")
    if summary.soonest:
        out.print(f"Soonest: {shown(_said(summary.soonest, profile))}.")
    out.print("Every one: calldesk overdue --all")


def _stream_lines(items: Any, profile: Profile) -> None:
    # Plain lines, written as they are read (a rich table of 100,000 rows took 40 s to lay out).
    write, tz, year = sys.stdout.write, profile.tz, agency_today(profile).year
    write(f"{'state':<9}{'what':<16}{'case':<14}{'callback':<10}{'due':<22}owner\n")
    for d in items:
        state = "BREACHED" if d.breached else "soon"
        due = format_due(d.due.astimezone(tz), with_time=True, this_year=year)
        write(f"{state:<9}{d.what:<16}{inert(d.case_number or '', lines=False):<14}{d.callback_id or '':<10}"
              f"{due:<22}{inert(d.owner, lines=False)}\n")


def _stream_json(summary: OverdueSummary, items: Any) -> None:
    head = json_text(_summary_json(summary), indent=2)
    write = sys.stdout.write
    write(head[:-1].rstrip() + ',\n  "items": [')  # the summary's object, left open for the items
    first = True
    for d in items:
        write(("\n    " if first else ",\n    ") + json_text(_item(d)))
        first = False
    write("\n  ]\n}\n" if not first else "]\n}\n")


@refusals_exit
def overdue(ctx: typer.Context,
            within: int = typer.Option(24, "--within", min=0, max=24 * 90,
                                       help="Also count what falls due within this many hours."),
            every: bool = typer.Option(False, "--all", help="List every deadline too (streamed), breached first."),
            as_json: bool = JSON) -> None:
    """Breached and soon-due deadlines (responses, acknowledgements, follow-ups, resolutions, callbacks): counts by
    kind and owner, the most late and the soonest; --all lists every one.

    Exits 0 when nothing is breached and 2 when something is (for cron and alerting).
    """
    from calldesk.store.read.overdue import overdue_items, overdue_summary

    def read(session: Session, actor: Actor, profile: Profile) -> OverdueSummary:
        summary = overdue_summary(session, actor=actor, within_hours=within)
        items = overdue_items(session, actor=actor, within_hours=within) if every else None
        if as_json and items is not None:
            _stream_json(summary, items)
        elif as_json:
            print_json(_summary_json(summary))
        else:
            _print_summary(summary, within, profile)
            if items is not None and summary.breached + summary.soon:
                out.file.flush()
                _stream_lines(items, profile)
        return summary

    summary = run_read(ctx, read)
    if summary.breached:
        raise typer.Exit(BREACHED_EXIT)
