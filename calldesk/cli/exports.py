"""`calldesk export ...`: the tracking logs in the seeds' shapes, and cases as JSONL, CSV or Open311."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from calldesk.cli.output import JSON, out, print_json, progress_bar, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import signed_in
from calldesk.cli.spreadsheets import (
    InertScreen,
    Writer,
    text_file,
    write_csv,
    write_json_array,
    write_jsonl,
    write_xlsx,
)
from calldesk.errors import InvalidInput
from calldesk.output_files import checked_target, replacing
from calldesk.profiles import load_profile
from calldesk.rules.reporting import month_period
from calldesk.rules.tracking_logs import LOG_COLUMNS, LOG_TITLES
from calldesk.rules.typed_dates import day_start, typed_day

if TYPE_CHECKING:
    from calldesk.store.db.store import Store
    from calldesk.store.db.users import Actor
    from calldesk.store.services.exports import Export

# (--json: without --out the rows are printed, as one JSON array of the format's columns; with --out, the summary.)

app = typer.Typer(help="Tracking logs and case exports (redacted unless an admin asks otherwise).",
                  no_args_is_help=True)


@contextmanager
def _progress(total: int, shown: bool) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr for a long export to a file (stdout stays clean)."""
    if not shown:
        yield lambda: None
        return
    with progress_bar("Exporting") as bar:
        task = bar.add_task("Exporting", total=total)
        yield lambda: bar.advance(task)


def _deliver(store: Store, actor: Actor, export: Export, target: Path | None, what: str,
             write: Callable[[Writer, Iterator[dict[str, Any]], Callable[[], None]], int],
             write_file: Callable[[Path, Iterator[dict[str, Any]], Callable[[], None]], int] | None = None) -> int:
    """The export's rows written by `write` to the screen (inert), or to `target` (by `write_file` when the
    format is not text), and its audit event: before the first row reaches the screen (an interrupted export is
    on record), or once the file is whole and before it takes `target`'s name (a failed one leaves no event)."""
    with store.uow(readonly=True) as reader, _progress(export.total, target is not None) as step:
        rows = export.rows(reader.session)
        if target is None:
            with store.uow() as uow:
                export.record(uow, actor=actor, written=export.total)
            return write(InertScreen(), rows, step)
        with replacing(target, what) as temporary:
            if write_file is not None:
                written = write_file(temporary, rows, step)
            else:
                with text_file(temporary) as handle:
                    written = write(handle, rows, step)
            with store.uow() as uow:
                export.record(uow, actor=actor, written=written)
    return written


@app.command("log")
@refusals_exit
def log_(ctx: typer.Context, month: str = typer.Option(..., "--month", help="The month, e.g. 2026-10."),
         form: str = typer.Option("csv", "--format", help="csv or xlsx."),
         target: Path | None = typer.Option(None, "--out", help="The file to write (needed for xlsx)."),
         log: str | None = typer.Option(None, "--log", help="ccts, ope_matrix or area_request_log "
                                                            "(default: the profile's log)."),
         as_json: bool = JSON) -> None:
    """The month's tracking log, redacted, with the fields in the seed's order: CSV (or, with --json and no --out,
    one JSON array of the same columns) or an xlsx file."""
    from calldesk.store.services.exports import export_log

    if form not in ("csv", "xlsx"):
        raise InvalidInput(f"'{form}' is not a log format; use csv or xlsx.", field="format")
    if form == "xlsx" and target is None:
        raise InvalidInput("An xlsx log needs --out FILE.", field="out")
    if log is not None and log not in LOG_COLUMNS:
        raise InvalidInput(f"'{log}' is not a log; use {', '.join(LOG_COLUMNS)}.", field="log")
    period = month_period(month)
    if target is not None:
        checked_target(target, "log")  # before the store is touched
    with signed_in(ctx) as (store, actor):
        profile = load_profile(store.protocol)
        start, end = period.bounds(profile)
        with store.uow() as uow:
            headers, export = export_log(uow, actor=actor, profile=profile, since=start, until=end, log=log)
        name = log or profile.report_log
        written = _deliver(store, actor, export, target, "log",
                           partial(write_json_array, columns=headers) if as_json and target is None
                           else partial(_csv, headers),
                           (lambda temporary, rows, step: write_xlsx(temporary, name, headers, rows, step))
                           if form == "xlsx" else None)
    _summary(as_json and target is not None, target,
             {"log": name, "title": LOG_TITLES[name], "month": period.label, "rows": written})


def _csv(headers: Sequence[str], handle: Writer, rows: Iterator[dict[str, Any]], step: Callable[[], None]) -> int:
    return write_csv(handle, headers, rows, step)


def _summary(as_json: bool, target: Path | None, summary: dict[str, Any]) -> None:
    if as_json:
        print_json({**summary, "out": str(target) if target else None})
    elif target is not None:
        out.print(f"Wrote {summary['rows']} row(s) to {shown(target)}.")


@app.command("cases")
@refusals_exit
def cases(ctx: typer.Context,
          since: str | None = typer.Option(None, "--since", help="First day opened, YYYY-MM-DD (local)."),
          until: str | None = typer.Option(None, "--until", help="Last day opened, YYYY-MM-DD (included)."),
          form: str = typer.Option("jsonl", "--format", help="jsonl, csv or open311 (GeoReport v2 JSON)."),
          redact: bool = typer.Option(True, "--redact/--no-redact",
                                      help="Redact personal data (default); --no-redact is for admins only."),
          target: Path | None = typer.Option(None, "--out", help="The file to write (default: the screen)."),
          as_json: bool = JSON) -> None:
    """Cases opened between --since and --until: JSONL or CSV (redacted by default), or Open311 service requests;
    with --json and no --out, one JSON array of the rows (a CSV's columns with --format csv)."""
    from calldesk.store.services.exports import EXPORT_FIELDS, PERSONAL_FIELDS, export_cases

    if form not in ("jsonl", "csv", "open311"):
        raise InvalidInput(f"'{form}' is not an export format; use jsonl, csv or open311.", field="format")
    first = typed_day(since, "--since", "since") if since is not None else None
    last = typed_day(until, "--until", "until") if until is not None else None
    if first and last and last < first:
        raise InvalidInput(f"--until {last} is before --since {first}.", field="until")
    if target is not None:
        checked_target(target, "export")  # before the store is touched
    with signed_in(ctx) as (store, actor):
        profile = load_profile(store.protocol)
        start = day_start(profile, first) if first else None
        end = day_start(profile, last + timedelta(days=1)) if last else None
        with store.uow() as uow:
            export = export_cases(uow, actor=actor, profile=profile, since=start, until=end,
                                  form="open311" if form == "open311" else "cases",
                                  redacted=redact or form == "open311")
        fields = EXPORT_FIELDS if redact else (*PERSONAL_FIELDS, *EXPORT_FIELDS)
        write: Callable[[Writer, Iterator[dict[str, Any]], Callable[[], None]], int] = write_jsonl
        if (as_json and target is None) or form == "open311":  # one JSON document (Open311's requests.json too)
            write = partial(write_json_array, columns=fields if form == "csv" else None)
        elif form == "csv":
            write = partial(_csv, fields)
        written = _deliver(store, actor, export, target, "export", write)
    _summary(as_json and target is not None, target, {"format": form, "redacted": redact or form == "open311",
                                                      "rows": written})

