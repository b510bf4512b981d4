"""`calldesk case ...`: list, show and import cases, all through the service layer."""

from __future__ import annotations

import csv
import difflib
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
    refusals_exit,
    shown,
)
from calldesk.errors import CalldeskError, InvalidInput
from calldesk.profiles import load_profile

if TYPE_CHECKING:
    from calldesk.models import CaseCreate
    from calldesk.rules.profile import Profile
    from calldesk.store.cases import CaseOutcome
    from calldesk.store.uow import UnitOfWork
    from calldesk.store.users import Actor

app = typer.Typer(help="Find, list, show, assign and import cases.", no_args_is_help=True)

BOOLEAN_FIELDS = {"steps_confirmed", "due_process", "special_education", "safety", "urgent", "needs_follow_up",
                  "abuse_marked"}


@app.command("list")
@refusals_exit
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON."),
          closed: bool = typer.Option(False, "--closed", help="Closed cases instead (newest first)."),
          all_: bool = typer.Option(False, "--all", help="Open and closed cases.")) -> None:
    """Open cases, the most urgent deadline first; times in the agency's time zone."""
    from calldesk.cli.case_work import local_time, read_with_profile
    from calldesk.store.search import list_cases

    status = "all" if all_ else "closed" if closed else "open"
    profile, cases = read_with_profile(ctx, lambda session: list_cases(session, status=status))
    if as_json:
        print_json(cases)
        return
    title = {"open": "Open cases", "closed": "Closed cases", "all": "Cases"}[status]
    columns = ["case", "type", "tier", "owner", "category", "next deadline"]
    if status != "open":
        columns = ["case", "status", "type", "category", "opened", "closed"]
        print_table(title, columns, [(c.case_number, c.status, c.call_type, c.category,
                                      local_time(profile, c.opened_at), local_time(profile, c.closed_at))
                                     for c in cases], whole=("case", "opened", "closed"))
        return
    print_table(title, columns,
                [(c.case_number, c.call_type, c.tier, c.owner_role, c.category, local_time(profile, c.next_deadline))
                 for c in cases], whole=("case", "next deadline"))


@app.command()
@refusals_exit
def show(ctx: typer.Context, number: str = typer.Argument(..., help="Case number, e.g. 2026-000123."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """One case with its deadlines, routing, follow-ups, response, students, disclosures and links."""
    from calldesk.cli.case_work import print_case_view, read_with_profile
    from calldesk.store.search import case_view

    profile, view = read_with_profile(ctx, lambda session: case_view(session, number))
    if as_json:
        print_json({**view.case.model_dump(mode="json"),
                    "follow_ups": view.follow_ups, "resolution": view.resolution, "students": view.students,
                    "disclosures": view.disclosures, "links": [vars(link) for link in view.links]})
        return
    print_case_view(profile, view)


YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0", ""})


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
    except (OSError, UnicodeError, json.JSONDecodeError, csv.Error) as exc:
        raise InvalidInput(f"Cannot read {path}: {exc}") from exc
    except RecursionError:
        raise InvalidInput(f"Cannot read {path}: it is nested too deeply to be a list of cases.") from None
    raise InvalidInput(f"{path}: import reads .csv or .json files.")


def _columns() -> set[str]:
    from calldesk.models import CaseCreate

    return set(CaseCreate.model_fields) | {"abuse_marked"}


def _refuse_unknown_columns(rows: list[dict[str, Any]]) -> None:
    """A misspelt column would silently lose what it holds: refuse the file before anything is imported."""
    known = _columns()
    for key in sorted({str(k) for row in rows for k in row if k is not None} - known):
        near = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else f"; columns are: {', '.join(sorted(known))}"
        raise InvalidInput(f"Unknown column '{key}'{hint}; nothing was imported.")


def _yes_no(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise InvalidInput(f"'{value}' in column {key} is not yes or no.", field=key)


def _case_create(row: dict[str, Any]) -> tuple[CaseCreate, bool]:
    from calldesk.models import CaseCreate
    from calldesk.store.intake import build

    if None in row:  # csv.DictReader files cells beyond the header under None
        raise InvalidInput("The row has more cells than the header has columns.")
    values = dict(row)
    for key in BOOLEAN_FIELDS & values.keys():
        values[key] = _yes_no(key, values[key])
    abuse = bool(values.pop("abuse_marked", False))
    # A stable id per source row: importing the same file twice creates no duplicates.
    values.setdefault("client_id", "import-" + hashlib.sha256(json.dumps(row, sort_keys=True,
                                                                            default=str).encode()).hexdigest()[:32])
    return build(CaseCreate, **values), abuse


def _differs(outcome: CaseOutcome, data: CaseCreate) -> list[str]:
    """The given fields in which an already-imported case differs from the row now imported under its id."""
    case = outcome.case.model_dump()
    given = data.model_dump(exclude_unset=True, exclude={"client_id", "opened_at", "call_type"})
    if outcome.case.abuse_marked:
        given = {k: v for k, v in given.items() if k not in ("claim", "evidence", "steps_taken")}
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in given.items()}
    return [k for k, v in cleaned.items() if k in case and case[k] != v and not (k == "phone" and v)]


def import_row(uow: UnitOfWork, *, actor: Actor, profile: Profile, row: dict[str, Any]) -> CaseOutcome:
    """One row through the service that saves a call (the one call to switch when saving changes)."""
    from calldesk.store.cases import open_case

    data, abuse = _case_create(row)
    outcome = open_case(uow, actor=actor, profile=profile, data=data, abuse_marked=abuse)
    if not outcome.created and _differs(outcome, data):
        raise InvalidInput(f"Client id {data.client_id} was imported before as case {outcome.case.case_number} "
                           f"with different content ({', '.join(_differs(outcome, data)[:3])}); nothing changed.")
    return outcome


@app.command("import")
@refusals_exit
def import_(ctx: typer.Context, path: Path = typer.Argument(..., help="A .csv or .json file of cases."),
            partial: bool = typer.Option(False, "--partial", help="Keep the good rows when some are refused."),
            as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON.")) -> None:
    """Import cases (e.g. a voicemail or web-form log); every row goes through the protocol's rules.

    All or nothing: if any row is refused, no row is imported (with --partial the good rows are kept).
    """
    from calldesk.store.uow import BatchUnitOfWork

    imported, already, refused = 0, 0, []
    rows = _rows(path)
    _refuse_unknown_columns(rows)
    with opened(ctx) as store:
        actor = store.actor()
        profile = load_profile(store.protocol)
        with progress_bar("Importing") as bar, BatchUnitOfWork(store.engine) as uow:
            task = bar.add_task("Importing", total=len(rows))
            for number, row in enumerate(rows, start=2 if path.suffix.lower() == ".csv" else 1):
                try:
                    with uow.attempt():
                        outcome = import_row(uow, actor=actor, profile=profile, row=row)
                    imported, already = imported + outcome.created, already + (not outcome.created)
                except CalldeskError as exc:
                    refused.append((number, exc.message))
                bar.advance(task)
            if refused and not partial:
                imported = 0  # the batch rolls back as it leaves
            else:
                uow.finish()
    if as_json:
        print_json({"imported": imported, "already_present": already,
                    "refused": [{"row": n, "reason": r} for n, r in refused], "partial": partial})
    elif refused and not partial:
        out.print(f"Nothing imported: {len(refused)} row(s) refused (fix them, or add --partial to keep the "
                  "good rows).")
    else:
        out.print(f"Imported {imported} case(s); {already} already present; {len(refused)} refused.")
    if not as_json:
        for number, reason in refused:
            err.print(f"[red]row {number}:[/] {shown(reason)}")
    if refused:
        raise typer.Exit(1)
