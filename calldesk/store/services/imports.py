"""Importing cases in bulk: rows checked by the rules, then opened in batches by the builder `open_case` uses
(calldesk.store.services.new_case_rows, through calldesk.store.services.import_batch), streamed and committed batch by
batch.

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
from typing import IO, Any

from sqlalchemy import Engine

from calldesk.errors import CalldeskError, InvalidInput
from calldesk.models import CaseCreate, utcnow
from calldesk.rules.profile import Profile
from calldesk.rules.routing import call_tier
from calldesk.rules.typed_dates import not_in_future
from calldesk.store.db.uow import BatchUnitOfWork, UnitOfWork
from calldesk.store.db.users import Actor, authorise
from calldesk.store.db.visibility import sees_all
from calldesk.store.read.prior_window import NarrowWindow, PriorWindow
from calldesk.store.services.cases import require_fields
from calldesk.store.services.import_batch import ImportSummary, Prepared, bulk_import_batch
from calldesk.store.services.typed_fields import build, clean_fields

BOOLEAN_FIELDS = {"steps_confirmed", "due_process", "special_education", "safety", "urgent", "needs_follow_up",
                  "abuse_marked"}
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0", ""})
BATCH = 5000  # rows per commit: a kill loses at most one batch, and memory holds a few batches
CHECKERS = 4  # processes at most for the checking pass of a long file (one per core)
Rows = Callable[[], Iterator[tuple[int, dict[str, Any]]]]  # a fresh stream of (row number, row) per call
Progress = Callable[[int, int | None], None]  # (rows done, rows in all: None while not known)
Checked = tuple[bytes, ImportSummary]  # a batch of the checking pass: its rows cleaned (pickled), its refusals


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


def _prepare_row(profile: Profile, number: int, row: dict[str, Any]) -> Prepared:
    """Refuse (a CalldeskError) what the rules refuse of a row's fields, without the store; else the row cleaned.
    Narrative of a row marked as suspected abuse is dropped here, before anything is kept."""
    data, abuse = _case_create(row)
    fields = clean_fields(data.model_dump(exclude={"client_id", "opened_at"}), profile, abuse_marked=abuse)
    now = utcnow()
    if data.opened_at is not None:
        if data.opened_at.tzinfo is None:
            raise InvalidInput("The opening time needs a time zone.", field="opened_at")
        not_in_future(data.opened_at, now=now, field="opened_at",
                      refusal="The case cannot have been opened in the future: give when the call came in.")
    given = tuple(sorted(data.model_fields_set - {"client_id", "opened_at", "call_type"}))
    return Prepared(number, fields, data.client_id, abuse, data.opened_at or now, given)


def _check_row(profile: Profile, prepared: Prepared) -> Prepared:
    """Refuse what a save requires of the row's tier (as routed without the store: no repeat yet); the row with
    that tier noted (the writing pass checks again only if a repeat caller changes the tier)."""
    tier = call_tier(profile, fields=prepared.fields)
    require_fields(profile, tier=tier, values=prepared.fields, stage="save", abuse_marked=prepared.abuse)
    return prepared._replace(checked=tier)


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
        if partial and progress:  # no checking pass counted the rows: count them (read, not checked) for the bar
            total = sum(1 for _ in rows()) or None
        summary.rows = 0
        # The store's recent cases, carried from batch to batch (asked for per row by a login that may not read
        # every case: calldesk.store.read.prior_window.NarrowWindow).
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
