"""Importing cases in bulk: every row through the service that opens a case, streamed and committed in batches.

Rows are read one at a time (never the whole file) and committed every `batch` rows, so memory stays bounded
and a killed import loses at most one batch. Each row's client id is stable (given, or a hash of the row), so a
rerun after a kill finds the rows already imported ("already present") and imports only what is missing.
All or nothing by default: a first pass checks every row by the rules without writing; only when none is
refused does the second pass write (with `partial`, refused rows are skipped and the good ones kept).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from calldesk.errors import CalldeskError, InvalidInput
from calldesk.models import CaseCreate, utcnow
from calldesk.rules.profile import Profile
from calldesk.rules.routing import route
from calldesk.store.cases import CaseOutcome, open_case, require_fields
from calldesk.store.intake import build, clean_fields
from calldesk.store.uow import BatchUnitOfWork, UnitOfWork
from calldesk.store.users import Actor, authorise

BOOLEAN_FIELDS = {"steps_confirmed", "due_process", "special_education", "safety", "urgent", "needs_follow_up",
                  "abuse_marked"}
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0", ""})
BATCH = 1000
MAX_REFUSALS = 1000  # refusals kept for the report (the count is exact)
Rows = Callable[[], Iterator[tuple[int, dict[str, Any]]]]  # a fresh stream of (row number, row) per call
Progress = Callable[[int, int | None], None]


@dataclass
class ImportSummary:
    imported: int = 0
    already: int = 0
    refused_count: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0

    def refuse(self, number: int, message: str) -> None:
        self.refused_count += 1
        if len(self.refused) < MAX_REFUSALS:
            self.refused.append((number, message))


def _yes_no(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise InvalidInput(f"'{value}' in column {key} is not yes or no.", field=key)


def case_create(row: dict[str, Any]) -> tuple[CaseCreate, bool]:
    """The row as the intake form would send it, and whether it is marked as suspected abuse."""
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


def check_row(profile: Profile, row: dict[str, Any]) -> None:
    """Refuse (a CalldeskError) what the rules refuse of a row, without the store: its fields, its routing and
    what a save requires."""
    data, abuse = case_create(row)
    fields = clean_fields(data.model_dump(exclude={"client_id", "opened_at"}, exclude_unset=False), profile,
                          abuse_marked=abuse)
    if data.opened_at is not None and data.opened_at.tzinfo is None:
        raise InvalidInput("The opening time needs a time zone.", field="opened_at")
    decision = route(profile, fields=fields, opened_at=data.opened_at or utcnow()).decision
    require_fields(profile, tier=decision.tier, values=fields, stage="save", abuse_marked=abuse)


def _differs(outcome: CaseOutcome, data: CaseCreate) -> list[str]:
    """The given fields in which an already-imported case differs from the row now imported under its id."""
    case = outcome.case.model_dump()
    given = data.model_dump(exclude_unset=True, exclude={"client_id", "opened_at", "call_type"})
    if outcome.case.abuse_marked:
        given = {k: v for k, v in given.items() if k not in ("claim", "evidence", "steps_taken")}
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in given.items()}
    return [k for k, v in cleaned.items() if k in case and case[k] != v and not (k == "phone" and v)]


def import_row(uow: UnitOfWork, *, actor: Actor, profile: Profile, row: dict[str, Any]) -> CaseOutcome:
    """One row through the service that opens a case (the one call to switch when saving changes)."""
    data, abuse = case_create(row)
    outcome = open_case(uow, actor=actor, profile=profile, data=data, abuse_marked=abuse)
    if not outcome.created and _differs(outcome, data):
        raise InvalidInput(f"Client id {data.client_id} was imported before as case {outcome.case.case_number} "
                           f"with different content ({', '.join(_differs(outcome, data)[:3])}); nothing changed.")
    return outcome


def import_cases(engine: Engine, *, actor: Actor, profile: Profile, rows: Rows, partial: bool = False,
                 batch: int = BATCH, progress: Progress | None = None) -> ImportSummary:
    """Import the rows `rows()` streams (called once per pass), committing every `batch` rows."""
    with UnitOfWork(engine, readonly=True) as check:
        authorise(check, actor, "take_call")
    summary = ImportSummary()
    if not partial:  # pass 1: nothing is written unless every row passes the rules
        for number, row in rows():
            summary.rows += 1
            try:
                check_row(profile, row)
            except CalldeskError as exc:
                summary.refuse(number, exc.message)
            if progress and summary.rows % batch == 0:
                progress(summary.rows, None)
        if summary.refused_count:
            return summary
    total = summary.rows or None
    summary.rows, done = 0, 0
    stream: Iterable[tuple[int, dict[str, Any]]] = rows()
    while True:
        written = 0
        with BatchUnitOfWork(engine) as uow:
            for number, row in stream:
                summary.rows += 1
                try:
                    with uow.attempt():
                        outcome = import_row(uow, actor=actor, profile=profile, row=row)
                    summary.imported += outcome.created
                    summary.already += not outcome.created
                except CalldeskError as exc:
                    summary.refuse(number, exc.message)
                written += 1
                if written >= batch:
                    break
            uow.finish()
        done += written
        if progress:
            progress(done, total)
        if written < batch:
            return summary
