"""Importing cases in bulk: every row through the service that opens a case, streamed and committed in batches.

Rows are read one at a time (never the whole file) and committed every `batch` rows, so memory stays bounded
and a killed import loses at most one batch. Each row's client id is stable (given, or a hash of the row), so a
rerun after a kill finds the rows already imported ("already present") and imports only what is missing.
All or nothing by default: a first pass checks every row by the rules without writing (a long file on every
core: the rules are pure Python); only when none is refused does the second pass write (with `partial`, refused
rows are skipped and the good ones kept).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any, NamedTuple

from sqlalchemy import Engine, text
from sqlmodel import SQLModel, col, select

from calldesk.errors import CalldeskError, InvalidInput
from calldesk.models import Case, CaseCreate, CasePublic, utcnow
from calldesk.rules.calendar import calendar_for
from calldesk.rules.clocks import missed_intake, next_deadline
from calldesk.rules.profile import Profile
from calldesk.rules.repeat import detect_repeat
from calldesk.rules.routing import call_tier, case_notes, route
from calldesk.store import audit
from calldesk.store.bulk import bulk_connection, insert_rows
from calldesk.store.cases import CaseOutcome, require_fields
from calldesk.store.intake import build, clean_fields
from calldesk.store.prior_window import NarrowWindow, PriorWindow, keys_of, prior_of
from calldesk.store.queries import staff_board
from calldesk.store.uow import BatchUnitOfWork, UnitOfWork
from calldesk.store.users import Actor, authorise
from calldesk.store.visibility import sees_all

BOOLEAN_FIELDS = {"steps_confirmed", "due_process", "special_education", "safety", "urgent", "needs_follow_up",
                  "abuse_marked"}
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0", ""})
BATCH = 5000  # rows per commit: a kill loses at most one batch, and memory holds a few batches
MAX_REFUSALS = 1000  # refusals kept for the report (the count is exact)
CHECKERS = 4  # processes at most for the checking pass of a long file (one per core)
Rows = Callable[[], Iterator[tuple[int, dict[str, Any]]]]  # a fresh stream of (row number, row) per call
Progress = Callable[[int, int | None], None]
Checked = tuple[bytes, "ImportSummary"]  # a batch of the checking pass: its rows cleaned (pickled), its refusals


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

    def add(self, part: ImportSummary) -> None:
        """Count in the rows and refusals of `part` (a batch checked apart), in order."""
        self.rows += part.rows
        self.refused_count += part.refused_count
        self.refused.extend(part.refused[:MAX_REFUSALS - len(self.refused)])


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
    """The row as the intake form would send it, and whether it is marked as suspected abuse."""
    if None in row:  # csv.DictReader files cells beyond the header under None
        raise InvalidInput("The row has more cells than the header has columns.")
    values = dict(row)
    for key in BOOLEAN_FIELDS & values.keys():
        values[key] = _yes_no(key, values[key])
    abuse = bool(values.pop("abuse_marked", False))
    # A stable id per source row: importing the same file twice creates no duplicates.
    if "client_id" not in values:
        values["client_id"] = "import-" + hashlib.sha256(json.dumps(row, sort_keys=True,
                                                                    default=str).encode()).hexdigest()[:32]
    return build(CaseCreate, **values), abuse


class Prepared(NamedTuple):
    """A row as the rules cleaned it, ready for the store: kept between the checking pass and the writing one
    (spilled to a temporary file, so neither pass parses or cleans a row twice; a tuple pickles twice as fast
    as a dataclass)."""

    number: int  # the row's number in the file
    fields: dict[str, Any]
    client_id: str
    abuse: bool
    opened: datetime
    given: tuple[str, ...]  # the fields the row gave (compared with a case already imported under its id)
    checked: str | None = None  # the tier whose required fields the checking pass found (None: not checked)


def _prepare_row(profile: Profile, number: int, row: dict[str, Any]) -> Prepared:
    """Refuse (a CalldeskError) what the rules refuse of a row's fields, without the store; else the row cleaned.
    Narrative of a row marked as suspected abuse is dropped here, before anything is kept."""
    data, abuse = _case_create(row)
    fields = clean_fields(data.model_dump(exclude={"client_id", "opened_at"}), profile, abuse_marked=abuse)
    if data.opened_at is not None and data.opened_at.tzinfo is None:
        raise InvalidInput("The opening time needs a time zone.", field="opened_at")
    given = tuple(sorted(data.model_fields_set - {"client_id", "opened_at", "call_type"}))
    return Prepared(number, fields, data.client_id, abuse, data.opened_at or utcnow(), given)


def _check_row(profile: Profile, prepared: Prepared) -> Prepared:
    """Refuse what a save requires of the row's tier (as routed without the store: no repeat yet); the row with
    that tier noted (the writing pass checks again only if a repeat caller changes the tier)."""
    tier = call_tier(profile, fields=prepared.fields)
    require_fields(profile, tier=tier, values=prepared.fields, stage="save", abuse_marked=prepared.abuse)
    return prepared._replace(checked=tier)


def _differs(outcome: CaseOutcome, row: Prepared) -> list[str]:
    """The given fields in which an already-imported case differs from the row now imported under its id."""
    case = outcome.case.model_dump()
    given = [k for k in row.given if not (outcome.case.abuse_marked and k in ("claim", "evidence", "steps_taken"))]
    return [k for k in given if k in case and k in row.fields and case[k] != row.fields[k] and k != "phone"]


def _batches(rows: Iterator[tuple[int, dict[str, Any]]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    while chunk := [item for _, item in zip(range(size), rows, strict=False)]:
        yield chunk


def _prepared(profile: Profile, chunk: list[tuple[int, dict[str, Any]]], summary: ImportSummary,
              *, check: bool) -> list[Prepared]:
    kept = []
    for number, row in chunk:
        try:
            prepared = _prepare_row(profile, number, row)
            if check:
                prepared = _check_row(profile, prepared)
            kept.append(prepared)
        except CalldeskError as exc:
            summary.refuse(number, exc.message)
    return kept


def _check_chunk(profile: Profile, chunk: list[tuple[int, dict[str, Any]]]) -> Checked:
    """One batch of the checking pass: its rows cleaned (pickled, as the spill keeps them) and its refusals."""
    refused = ImportSummary(rows=len(chunk))
    kept = _prepared(profile, chunk, refused, check=True)
    return pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL), refused


_WORKER_PROFILE: Profile | None = None  # the profile of a checking process (set once, not sent with each batch)


def _start_checker(profile: Profile) -> None:
    global _WORKER_PROFILE  # noqa: PLW0603 - one per checking process
    _WORKER_PROFILE = profile


def _check_in_worker(chunk: list[tuple[int, dict[str, Any]]]) -> Checked:
    assert _WORKER_PROFILE is not None
    return _check_chunk(_WORKER_PROFILE, chunk)


def _checked(profile: Profile, chunks: Iterator[list[tuple[int, dict[str, Any]]]]
             ) -> Iterator[Checked]:
    """The checking pass over `chunks`, in order. A file of one batch is checked here; a longer one on every
    core (the rules are pure Python, one core each), a few batches ahead of the spill at most, so memory stays
    bounded."""
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    workers = min(CHECKERS, cores)
    ahead = itertools.chain((first,) if second is None else (first, second), chunks)
    if second is None or workers < 2:
        yield from (_check_chunk(profile, chunk) for chunk in ahead)
        return
    context = multiprocessing.get_context("spawn")  # not fork: the parent has threads (the progress bar)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_checker,
                             initargs=(profile,)) as pool:
        waiting: deque[Future[Checked]] = deque()
        try:
            for chunk in ahead:
                waiting.append(pool.submit(_check_in_worker, chunk))
                if len(waiting) > 2 * workers:
                    yield waiting.popleft().result()
            while waiting:
                yield waiting.popleft().result()
        finally:
            for future in waiting:
                future.cancel()


def import_cases(engine: Engine, *, actor: Actor, profile: Profile, rows: Rows, partial: bool = False,
                 batch: int = BATCH, progress: Progress | None = None) -> ImportSummary:
    """Import the rows `rows()` streams, committing every `batch` rows. All or nothing unless `partial`: a
    first pass checks every row and spills the cleaned rows to a temporary file; the second writes them."""
    with UnitOfWork(engine, readonly=True) as check:
        authorise(check, actor, "take_call")
    summary = ImportSummary()
    with tempfile.TemporaryFile() as spill:
        if not partial:  # pass 1: nothing is written unless every row passes the rules
            for kept, refused in _checked(profile, _batches(iter(rows()), batch)):
                summary.add(refused)
                if not summary.refused_count:
                    spill.write(kept)
                if progress:
                    progress(summary.rows, None)
            if summary.refused_count:
                return summary
            spill.seek(0)
        total = summary.rows or None
        summary.rows = 0
        # The store's recent cases, carried from batch to batch (asked for per row by a login that may not read
        # every case: calldesk.store.prior_window.NarrowWindow).
        narrow = engine.dialect.name == "postgresql" and not sees_all(actor)
        window = NarrowWindow() if narrow else PriorWindow()
        for count, prepared in _written(profile, rows, spill, batch, summary, partial=partial):
            with BatchUnitOfWork(engine) as uow:
                bulk_import_batch(uow, actor=actor, profile=profile, rows=prepared, summary=summary,
                                  window=window)
                uow.finish()
            summary.rows += count
            if progress:
                progress(summary.rows, total)
    return summary


def _written(profile: Profile, rows: Rows, spill: IO[bytes], batch: int, summary: ImportSummary, *,
             partial: bool) -> Iterator[tuple[int, list[Prepared]]]:
    """The batches to write with their row counts: read back from the spill, or (partial) cleaned now."""
    if not partial:
        while True:
            try:
                kept = pickle.load(spill)  # noqa: S301 - this import's own file, written just before
            except EOFError:
                return
            yield len(kept), kept
    for chunk in _batches(iter(rows()), batch):
        yield len(chunk), _prepared(profile, chunk, summary, check=False)


# --- The bulk path: a batch of rows through the same rules, with a few queries per batch instead of per row ----

class _Numbers:
    """Case numbers for one batch: each year's counter is read once under its lock (a write, so no other desk
    takes a number until the batch commits) and written back once, with no gaps."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.last: dict[int, int] = {}
        self.first: dict[int, int] = {}

    def next(self, year: int) -> str:
        if year not in self.last:
            self.session.execute(text("INSERT INTO casecounter (year, last) VALUES (:y, 0) "
                                      "ON CONFLICT (year) DO NOTHING"), {"y": year})
            self.last[year] = self.first[year] = int(self.session.execute(
                text("UPDATE casecounter SET last = last WHERE year = :y RETURNING last"), {"y": year}).scalar_one())
        self.last[year] += 1
        return f"{year}-{self.last[year]:06d}"

    def save(self) -> None:
        for year, last in self.last.items():
            if last != self.first[year]:
                self.session.execute(text("UPDATE casecounter SET last = :n WHERE year = :y"), {"n": last, "y": year})


def bulk_import_batch(uow: UnitOfWork, *, actor: Actor, profile: Profile,
                      rows: list[Prepared], summary: ImportSummary,
                      window: PriorWindow | None = None) -> None:
    """Open one batch of rows as `open_case` would (fields, repeat caller, trend, routing, number, audit),
    with a handful of queries for the whole batch: the client ids already imported (one IN query), the cases
    opened since the previous batch (`window`, carried across batches; this batch's rows join it as they are
    made), the year's counter; then one multi-row insert per table. The caller commits."""
    from calldesk.store.cases import DEADLINE_FIELDS

    session = uow.session
    bulk_connection(session)
    window = window if window is not None else PriorWindow()
    seen: set[str] = set()
    if not rows:
        return
    ids = [row.client_id for row in rows]
    existing = {c.client_id: c for c in session.exec(select(Case).where(col(Case.client_id).in_(ids)))}
    span = timedelta(days=max(profile.repeat_window_days, profile.trend_window_days) + 1)
    window.cover(session, min(row.opened for row in rows) - span, max(row.opened for row in rows))
    staff = staff_board(session, today=calendar_for(profile).local(utcnow()).date())  # as open_case routes
    numbers = _Numbers(session)
    batch_cases: list[dict[str, Any]] = []
    links: list[tuple[dict[str, Any], str, str]] = []
    key = audit.audit_key(session)
    logged_at = utcnow()
    missed: dict[str, datetime] = {}  # case number -> the intake deadline it was logged after
    for prepared in rows:
        number, fields, abuse, opened = prepared.number, prepared.fields, prepared.abuse, prepared.opened
        client_id = prepared.client_id
        if client_id in existing or client_id in seen:  # imported before, or twice here
            found = existing.get(client_id)
            differs = _differs(CaseOutcome(CasePublic.model_validate(found)), prepared) if found is not None else []
            if found is not None and differs:
                summary.refuse(number, f"Client id {client_id} was imported before as case "
                                       f"{found.case_number} with different content ({', '.join(differs[:3])}); "
                                       "nothing changed.")
            else:
                summary.already += 1
            continue
        try:
            caller = keys_of(fields)
            repeat = detect_repeat(profile, caller=caller, category=fields.get("category"),
                                   school=fields.get("school"), opened_at=opened, priors=window.caller(caller))
            routing = route(profile, fields=fields, opened_at=opened, repeat=repeat, staff=staff,
                            opener=actor.username)
            trend = window.trend(profile, fields.get("school"), opened)
            if routing.decision.tier != prepared.checked:
                require_fields(profile, tier=routing.decision.tier, values=fields, stage="save", abuse_marked=abuse)
        except CalldeskError as exc:
            summary.refuse(number, exc.message)
            continue
        year = calendar_for(profile).local(opened).year
        decision, report = routing.decision, routing.report
        row = {**CASE_DEFAULTS, **fields, "client_id": client_id,
               "case_number": numbers.next(year), "protocol": profile.name,
               "opened_by": actor.username, "opened_at": opened, "updated_at": logged_at, "abuse_marked": abuse,
               "call_type": routing.call_type, "tier": decision.tier, "owner_role": decision.owner_role,
               "assigned_to": routing.assign_to, "assigned_at": logged_at if routing.assign_to else None,
               "reportable": report.reportable, "route_to": report.route_to,
               "not_reportable_reason": report.reason, "version": 1}
        for name in DEADLINE_FIELDS:
            row[name] = getattr(decision.deadlines, name)
        if decision.close_now:
            row.update(status="closed", closed_at=opened, closed_by=actor.username,
                       close_reason="already in due process")
        row["next_deadline"] = next_deadline(row["status"], row)
        if repeat is not None:
            links.append((row, repeat.linked_case_number, repeat.message))
        late = missed_intake(profile, opened, logged_at)
        if late is not None:  # as open_case records a late-logged call
            missed[row["case_number"]] = late[0]
        row["routing_notes"] = "\n".join(case_notes(routing, repeat=repeat, trend=trend,
                                                     late=late[1] if late else None))
        batch_cases.append(row)
        seen.add(client_id)
        window.add(prior_of(row), row["caller_name_key"], None)  # its id once inserted
        summary.imported += 1
    numbers.save()
    if batch_cases:
        _insert(session, actor, batch_cases, links, missed, window, key, logged_at)


def _new_ids(connection: Any, count: int) -> list[int]:
    """Ids for `count` new cases. PostgreSQL: from the cases' own sequence (as a desk's insert takes one).
    SQLite: after the largest, as SQLite itself numbers rows; the batch already holds the store's write lock
    (it took the year's counter), so no other desk can insert in between."""
    if connection.dialect.name == "postgresql":
        return [int(i) for (i,) in connection.execute(text(
            "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, :n)"), {"n": count})]
    last = int(connection.execute(text("SELECT coalesce(max(id), 0) FROM cases")).scalar_one())
    return list(range(last + 1, last + 1 + count))


def _insert(session: Any, actor: Actor, batch_cases: list[dict[str, Any]],
            links: list[tuple[dict[str, Any], str, str]], missed: dict[str, datetime], window: PriorWindow,
            key: bytes | None, logged_at: datetime) -> None:
    """The batch's cases, their intake clocks and repeat links, and their audit events: one insert per table."""
    tables = SQLModel.metadata.tables
    table = tables["cases"]
    connection = session.connection()
    new_ids = _new_ids(connection, len(batch_cases))
    for row, case_id in zip(batch_cases, new_ids, strict=True):
        row["id"] = case_id
    insert_rows(connection, table, batch_cases)  # ids given: nothing read back
    numbers_by_id: dict[str, int] = {}
    events: list[dict[str, Any]] = []
    for row, case_id in zip(batch_cases, new_ids, strict=True):
        row["id"] = case_id
        numbers_by_id[row["case_number"]] = case_id
        if row["case_number"] in window.ids:
            window.ids[row["case_number"]] = case_id
        events.append(audit.opening_row(at=logged_at, actor=actor.username, entity_id=row["case_number"],
                                        case_id=case_id, record=row, skip=audit.NOT_IN_SNAPSHOT, key=key))
    clock_rows = []
    for number_of, due in missed.items():
        case_id = numbers_by_id[number_of]
        clock_rows.append({"case_id": case_id, "kind": "intake", "event": "missed", "due_at": due,
                           "new_due_at": None, "note": "", "by_user": actor.username, "at": logged_at})
        events.append(audit.event_row(at=logged_at, actor=actor.username, action="clock.intake_missed",
                                      entity="case", entity_id=number_of, case_id=case_id,
                                      changes={"intake_due": (None, due)}, key=key))
    if clock_rows:
        insert_rows(connection, tables["clockevent"], clock_rows)
    link_rows = []
    for row, earlier, reason in links:
        case_id = numbers_by_id[row["case_number"]]
        linked = numbers_by_id.get(earlier) or window.ids.get(earlier) or \
            session.exec(select(Case.id).where(Case.case_number == earlier)).one()
        link_rows.append({"case_id": case_id, "linked_case_id": linked, "kind": "repeat", "reason": reason,
                          "created_by": actor.username, "created_at": logged_at})
        events.append(audit.event_row(at=logged_at, actor=actor.username, action="case.link", entity="case",
                                      entity_id=row["case_number"], case_id=case_id,
                                      changes={"repeat_of": (None, earlier)}))
    if link_rows:
        insert_rows(connection, tables["caselink"], link_rows)
    insert_rows(connection, tables["auditevent"], events)


# Every column of a new case with the model's default (what Case() would fill in), but for the id.
CASE_DEFAULTS: dict[str, Any] = {name: info.get_default(call_default_factory=True)
                                 for name, info in Case.model_fields.items() if name not in ("id",)}
