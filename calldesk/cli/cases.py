"""`calldesk case ...`: list, show and import cases, all through the service layer."""

from __future__ import annotations

import csv
import difflib
import json
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import typer

from calldesk.cli.case_display import print_case_view, stored_words
from calldesk.cli.output import JSON, err, out, print_json, print_table, progress_reporter, shown
from calldesk.cli.refusals import refusals_exit
from calldesk.cli.running import read_signed_in, run_read, signed_in, store_profile
from calldesk.cli.times import agency_today, due_text, moment_text
from calldesk.errors import InvalidInput
from calldesk.profiles import load_profile
from calldesk.rules.calendar import calendar_for
from calldesk.rules.case_numbers import full_case_number

app = typer.Typer(help="Find, list, show, assign and import cases.", no_args_is_help=True)

@app.command("list")
@refusals_exit
def list_(ctx: typer.Context, as_json: bool = JSON,
          closed: bool = typer.Option(False, "--closed", help="Closed cases instead (newest first)."),
          all_: bool = typer.Option(False, "--all", help="Open and closed cases.")) -> None:
    """Open cases, the most urgent deadline first; times in the agency's time zone."""
    from calldesk.store.read.search import list_cases

    status = "all" if all_ else "closed" if closed else "open"
    profile, cases = run_read(ctx, lambda session, actor, profile: (
        profile, list_cases(session, viewer=actor, status=status)))
    if as_json:
        print_json(cases)
        return
    title = {"open": "Open cases", "closed": "Closed cases", "all": "Cases"}[status]
    columns = ["case", "type", "tier", "owner", "category", "next deadline"]
    if status != "open":
        columns = ["case", "status", "type", "category", "opened", "closed"]
        print_table(title, columns, [(c.case_number, c.status, c.call_type, c.category,
                                      moment_text(profile, c.opened_at), moment_text(profile, c.closed_at))
                                     for c in cases], whole=("case", "opened", "closed"))
        return
    print_table(title, columns,
                [(c.case_number, c.call_type, stored_words("tier", c.tier), stored_words("owner_role", c.owner_role),
                  c.category, due_text(profile, c.next_deadline))
                 for c in cases], whole=("case", "next deadline"))


@app.command()
@refusals_exit
def show(ctx: typer.Context,
         number: str = typer.Argument(..., callback=full_case_number, help="Case number, e.g. 2026-000123."),
         as_json: bool = JSON) -> None:
    """One case with its deadlines, routing, follow-ups, response, students, disclosures and links."""
    from calldesk.store.read.search import case_view

    profile, view = run_read(ctx, lambda session, actor, profile: (profile, case_view(session, number, viewer=actor)))
    if as_json:
        print_json({**view.case.model_dump(mode="json"),
                    "follow_ups": view.follow_ups, "resolution": view.resolution, "students": view.students,
                    "disclosures": view.disclosures, "links": [vars(link) for link in view.links]})
        return
    print_case_view(profile, view)


@app.command()
@refusals_exit
def history(ctx: typer.Context,
            number: str = typer.Argument(..., callback=full_case_number, help="Case number, e.g. 2026-000123."),
            as_json: bool = JSON) -> None:
    """A case's history, with that of every case merged into it: every change, oldest first, in words as the
    case's History tab says it ("Ana changed the call type from inquiry to complaint"), at the agency's times;
    --json gives the audit trail's own entries (field names, stored values)."""
    from calldesk.rules.history import history_sentences
    from calldesk.store.db.users import full_names
    from calldesk.store.read.history import case_history

    def read(session: Any, actor: Any) -> tuple[list[Any], dict[str, str]]:
        entries = case_history(session, number, viewer=actor)
        return entries, full_names(session, {e.actor for e in entries})

    entries, names = read_signed_in(ctx, read)
    if as_json:
        print_json([{"case_number": e.case_number, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                     "changes": {k: list(v) for k, v in e.changes.items()}} for e in entries])
        return
    profile = store_profile(ctx)
    out.print(f"History of {shown(number)}")  # (written whole by full_case_number)
    for line in history_sentences(entries, this_case=number, tz=calendar_for(profile).tz,
                                  today=agency_today(profile), names=names):
        out.print(shown(line))  # (one line each, whole: a table would cut it at 80 columns)


def _stream(path: Path) -> Callable[[], Iterator[tuple[int, dict[str, Any]]]]:
    """A fresh stream of (row number, row) per call: a CSV is read row by row (never whole); a JSON file is one
    list, parsed once per pass."""
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except OSError as exc:  # missing, or a name too long for the file system
        raise InvalidInput(f"No file at {path} ({exc.strerror}).") from None
    if not regular:
        raise InvalidInput(f"{path} is not a file of cases (a folder or a device?).")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InvalidInput(f"{path}: import reads .csv or .json files.")

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            if suffix == ".json":
                data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_one_value_each)
                if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                    raise InvalidInput(f"{path} must hold a JSON list of objects, one per case.")
                for number, row in enumerate(data, start=1):
                    _refuse_unknown_columns(row)
                    yield number, row
                return
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                _refuse_repeated_columns(reader.fieldnames or ())
                _refuse_unknown_columns({k: "" for k in reader.fieldnames or ()})
                for number, row in enumerate(reader, start=2):
                    yield number, {k: v for k, v in row.items() if v not in (None, "")}
        except (OSError, UnicodeError, json.JSONDecodeError, csv.Error) as exc:
            raise InvalidInput(f"Cannot read {path}: {exc}") from exc
        except RecursionError:
            raise InvalidInput(f"Cannot read {path}: it is nested too deeply to be a list of cases.") from None

    return rows


def _columns() -> set[str]:
    from calldesk.models import CaseCreate

    return set(CaseCreate.model_fields) | {"abuse_marked"}


def _refuse_unknown_columns(row: dict[str, Any]) -> None:
    """A misspelt column would silently lose what it holds: refuse the file before anything is imported."""
    known = _columns()
    for key in sorted({str(k) for k in row if k is not None} - known):
        near = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else f"; columns are: {', '.join(sorted(known))}"
        raise InvalidInput(f"Unknown column '{key}'{hint}; nothing was imported.")


def _refuse_repeated_columns(names: Sequence[str], where: str = "the header") -> None:
    """A column named twice would keep only one of its values, silently: refuse the file before anything."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidInput(f"Column '{name}' is repeated in {where}; nothing was imported.")
        seen.add(name)


def _one_value_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refused (as a repeated CSV column is) if it names a key twice."""
    _refuse_repeated_columns([key for key, _ in pairs], "an object of the file")
    return dict(pairs)


@app.command("import")
@refusals_exit
def import_(ctx: typer.Context, path: Path = typer.Argument(..., help="A .csv or .json file of cases."),
            partial: bool = typer.Option(False, "--partial", help="Keep the good rows when some are refused."),
            batch: int = typer.Option(5000, "--batch", min=1, max=100_000, help="Rows per commit."),
            as_json: bool = JSON) -> None:
    """Import cases (e.g. a voicemail or web-form log); every row goes through the protocol's rules.

    All or nothing: if any row is refused, no row is imported (with --partial the good rows are kept). The file
    is streamed and committed every --batch rows; a rerun after an interruption imports only what is missing.
    """
    from calldesk.store.services.imports import import_cases

    rows = _stream(path)
    with signed_in(ctx) as (store, actor):
        profile = load_profile(store.protocol)
        with progress_reporter("Importing") as bar:
            summary = import_cases(store.engine, actor=actor, profile=profile, rows=rows, partial=partial,
                                   batch=batch, progress=bar)
    refused = summary.refused
    if as_json:
        print_json({"imported": summary.imported, "already_present": summary.already,
                    "refused_count": summary.refused_count,  # exact; the list stops at the first 1,000
                    "refused": [{"row": n, "reason": r} for n, r in refused], "partial": partial})
    elif refused and not summary.imported and not partial:
        out.print(f"Nothing imported: {summary.refused_count} row(s) refused (fix them, or add --partial to keep "
                  "the good rows).")
    else:
        out.print(f"Imported {summary.imported} case(s); {summary.already} already present; "
                  f"{summary.refused_count} refused.")
    if not as_json:
        for number, reason in refused:
            err.print(f"[red]row {number}:[/] {shown(reason)}")
    if refused:
        raise typer.Exit(1)
