"""`calldesk case ...`: list, show and import cases, all through the service layer."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from calldesk.cli.context import (
    err,
    opened,
    out,
    print_json,
    print_table,
    progress_bar,
    read_signed_in,
    refusals_exit,
    shown,
)
from calldesk.errors import CalldeskError, InvalidInput
from calldesk.profiles import load_profile
from calldesk.rules.triage import format_due

if TYPE_CHECKING:
    from calldesk.models import CaseCreate

app = typer.Typer(help="List, show and import cases.", no_args_is_help=True)

BOOLEAN_FIELDS = {"steps_confirmed", "due_process", "special_education", "safety", "urgent", "needs_follow_up",
                  "abuse_marked"}


@app.command("list")
@refusals_exit
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Open cases, the most urgent deadline first."""
    from calldesk.store.queries import open_queue

    cases = read_signed_in(ctx, open_queue)
    if as_json:
        print_json(cases)
        return
    print_table("Open cases", ["case", "type", "tier", "owner", "category", "next deadline"],
                [(c.case_number, c.call_type, c.tier, c.owner_role, c.category,
                  format_due(c.next_deadline, with_time=True) if c.next_deadline else "") for c in cases])


@app.command()
@refusals_exit
def show(ctx: typer.Context, number: str = typer.Argument(..., help="Case number, e.g. 2026-000123."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """One case with its deadlines and routing."""
    from calldesk.models import CasePublic
    from calldesk.store.cases import get_case

    case = read_signed_in(ctx, lambda session: CasePublic.model_validate(get_case(session, number)))
    if as_json:
        print_json(case)
        return
    rows = [(k, v) for k, v in case.model_dump().items() if v not in (None, "", False)]
    print_table(f"Case {case.case_number}", ["field", "value"], rows)


def _rows(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InvalidInput(f"No file at {path}.")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                raise InvalidInput(f"{path} must hold a JSON list of objects, one per case.")
            return data
        if path.suffix.lower() == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as handle:
                return [{k: v for k, v in row.items() if v not in (None, "")} for row in csv.DictReader(handle)]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error) as exc:
        raise InvalidInput(f"Cannot read {path}: {exc}") from exc
    raise InvalidInput(f"{path}: import reads .csv or .json files.")


def _case_create(row: dict[str, Any]) -> tuple[CaseCreate, bool]:
    from calldesk.models import CaseCreate
    from calldesk.store.intake import build

    if None in row:  # csv.DictReader files cells beyond the header under None
        raise InvalidInput("The row has more cells than the header has columns.")
    values = dict(row)
    for key in BOOLEAN_FIELDS & values.keys():
        if isinstance(values[key], str):
            values[key] = values[key].strip().lower() in ("1", "true", "yes", "y")
    abuse = bool(values.pop("abuse_marked", False))
    # A stable id per source row: importing the same file twice creates no duplicates.
    values.setdefault("client_id", "import-" + hashlib.sha256(json.dumps(row, sort_keys=True,
                                                                            default=str).encode()).hexdigest()[:32])
    return build(CaseCreate, **values), abuse


@app.command("import")
@refusals_exit
def import_(ctx: typer.Context, path: Path = typer.Argument(..., help="A .csv or .json file of cases."),
            as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON.")) -> None:
    """Import cases (e.g. a voicemail or web-form log); every row goes through the protocol's rules."""
    from calldesk.store.cases import open_case

    imported, already, refused = 0, 0, []
    with opened(ctx) as store:
        actor = store.actor()
        profile = load_profile(store.protocol)
        rows = _rows(path)
        with progress_bar("Importing") as bar:
            task = bar.add_task("Importing", total=len(rows))
            for number, row in enumerate(rows, start=2 if path.suffix.lower() == ".csv" else 1):
                try:
                    data, abuse = _case_create(row)
                    with store.uow() as uow:
                        outcome = open_case(uow, actor=actor, profile=profile, data=data, abuse_marked=abuse)
                    imported, already = imported + outcome.created, already + (not outcome.created)
                except CalldeskError as exc:
                    refused.append((number, exc.message))
                bar.advance(task)
    if as_json:
        print_json({"imported": imported, "already_present": already,
                    "refused": [{"row": n, "reason": r} for n, r in refused]})
    else:
        out.print(f"Imported {imported} case(s); {already} already present; {len(refused)} refused.")
        for number, reason in refused:
            err.print(f"[red]row {number}:[/] {shown(reason)}")
    if refused:
        raise typer.Exit(1)
