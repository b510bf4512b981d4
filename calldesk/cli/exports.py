"""`calldesk export ...`: the tracking logs in the seeds' shapes, and cases as JSONL, CSV or Open311."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from calldesk.cli.context import opened, out, print_json, progress_bar, refusals_exit
from calldesk.cli.spreadsheets import text_target, write_csv, write_jsonl, write_xlsx
from calldesk.errors import InvalidInput
from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.rules.reporting import month_period
from calldesk.rules.tracking_logs import LOG_COLUMNS, LOG_TITLES

app = typer.Typer(help="Tracking logs and case exports (redacted unless an admin asks otherwise).",
                  no_args_is_help=True)


def _day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"'{text}' is not a date for {what}; write it as YYYY-MM-DD.", field=what) from None


def _local_start(profile: Profile, day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=profile.tz)


@contextmanager
def _progress(total: int, shown: bool) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr for a long export to a file (stdout stays clean)."""
    if not shown:
        yield lambda: None
        return
    with progress_bar("Exporting") as bar:
        task = bar.add_task("Exporting", total=total)
        yield lambda: bar.advance(task)


@app.command("log")
@refusals_exit
def log_(ctx: typer.Context, month: str = typer.Option(..., "--month", help="The month, e.g. 2026-10."),
         form: str = typer.Option("csv", "--format", help="csv or xlsx."),
         target: Path | None = typer.Option(None, "--out", help="The file to write (needed for xlsx)."),
         log: str | None = typer.Option(None, "--log", help="ccts, ope_matrix or area_request_log "
                                                            "(default: the profile's log)."),
         as_json: bool = typer.Option(False, "--json", help="Print a JSON summary when writing to a file.")) -> None:
    """The month's tracking log, redacted, with the fields in the seed's order."""
    from calldesk.store.exports import export_log

    if form not in ("csv", "xlsx"):
        raise InvalidInput(f"'{form}' is not a log format; use csv or xlsx.", field="format")
    if form == "xlsx" and target is None:
        raise InvalidInput("An xlsx log needs --out FILE.", field="out")
    if log is not None and log not in LOG_COLUMNS:
        raise InvalidInput(f"'{log}' is not a log; use {', '.join(LOG_COLUMNS)}.", field="log")
    period = month_period(month)
    with opened(ctx) as store:
        actor = store.actor()
        profile = load_profile(store.protocol)
        start, end = period.bounds(profile)
        with store.uow() as uow:
            headers, export = export_log(uow, actor=actor, profile=profile, since=start, until=end, log=log)
        name = log or profile.report_log
        with store.uow(readonly=True) as reader, _progress(export.total, target is not None) as step:
            rows = export.rows(reader.session)
            if form == "xlsx":
                assert target is not None
                written = write_xlsx(target, name, headers, rows, step)
            else:
                with text_target(target) as handle:
                    written = write_csv(handle, headers, rows, step)
    _summary(as_json and target is not None, target,
             {"log": name, "title": LOG_TITLES[name], "month": period.label, "rows": written})


def _summary(as_json: bool, target: Path | None, summary: dict[str, Any]) -> None:
    if as_json:
        print_json({**summary, "out": str(target) if target else None})
    elif target is not None:
        out.print(f"Wrote {summary['rows']} row(s) to {escape(str(target))}.")


@app.command("cases")
@refusals_exit
def cases(ctx: typer.Context,
          since: str | None = typer.Option(None, "--since", help="First day opened, YYYY-MM-DD (local)."),
          until: str | None = typer.Option(None, "--until", help="Last day opened, YYYY-MM-DD (included)."),
          form: str = typer.Option("jsonl", "--format", help="jsonl, csv or open311 (GeoReport v2 JSON)."),
          redact: bool = typer.Option(True, "--redact/--no-redact",
                                      help="Redact personal data (default); --no-redact is for admins only."),
          target: Path | None = typer.Option(None, "--out", help="The file to write (default: the screen)."),
          as_json: bool = typer.Option(False, "--json", help="Print a JSON summary when writing to a file.")) -> None:
    """Cases opened between --since and --until: JSONL or CSV (redacted by default), or Open311 service requests."""
    from calldesk.store.exports import EXPORT_FIELDS, PERSONAL_FIELDS, export_cases

    if form not in ("jsonl", "csv", "open311"):
        raise InvalidInput(f"'{form}' is not an export format; use jsonl, csv or open311.", field="format")
    first, last = _day(since, "since"), _day(until, "until")
    if first and last and last < first:
        raise InvalidInput(f"--until {last} is before --since {first}.", field="until")
    with opened(ctx) as store:
        actor = store.actor()
        profile = load_profile(store.protocol)
        start = _local_start(profile, first) if first else None
        end = _local_start(profile, last + timedelta(days=1)) if last else None
        with store.uow() as uow:
            export = export_cases(uow, actor=actor, profile=profile, since=start, until=end,
                                  form="open311" if form == "open311" else "cases",
                                  redacted=redact or form == "open311")
        with (store.uow(readonly=True) as reader, _progress(export.total, target is not None) as step,
              text_target(target) as handle):
            rows = export.rows(reader.session)
            if form == "csv":
                fields = EXPORT_FIELDS if redact else (*PERSONAL_FIELDS, *EXPORT_FIELDS)
                written = write_csv(handle, fields, rows, step)
            elif form == "jsonl":
                written = write_jsonl(handle, rows, step)
            else:
                written = _write_open311(handle, rows, step)
    _summary(as_json and target is not None, target, {"format": form, "redacted": redact or form == "open311",
                                                      "rows": written})


def _write_open311(handle: Any, rows: Iterator[dict[str, Any]], step: Callable[[], None]) -> int:
    """A GeoReport v2 requests.json array, written as it is read."""
    handle.write("[")
    count = 0
    for row in rows:
        handle.write(("," if count else "") + "\n  " + json.dumps(row, default=str, ensure_ascii=False))
        count += 1
        step()
    handle.write("\n]\n" if count else "]\n")
    return count
