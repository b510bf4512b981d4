"""One batch of an import written: its rows opened as `open_case` opens a call (calldesk.store.services.new_case_rows
builds
every case's rows), with a handful of queries for the whole batch and one multi-row insert per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlmodel import SQLModel, col, select

from calldesk.errors import CalldeskError
from calldesk.models import Case, CasePublic, utcnow
from calldesk.rules.calendar import calendar_for
from calldesk.rules.free_text import CASE_NARRATIVE
from calldesk.rules.profile import Profile
from calldesk.store.db import audit
from calldesk.store.db.bulk import bulk_connection, insert_rows
from calldesk.store.db.uow import UnitOfWork
from calldesk.store.db.users import Actor
from calldesk.store.read.prior_window import PriorWindow, prior_of
from calldesk.store.read.queries import known_places, staff_board
from calldesk.store.services.cases import CaseOutcome, require_fields
from calldesk.store.services.new_case_rows import Opening, caller_key, case_row, decide, opening_records
from calldesk.store.services.typed_fields import at_known_places

MAX_REFUSALS = 1000  # refusals kept for the report (the count is exact)


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


def _differs(outcome: CaseOutcome, row: Prepared) -> list[str]:
    """The given fields in which an already-imported case differs from the row now imported under its id."""
    case = outcome.case.model_dump()
    given = [k for k in row.given if not (outcome.case.abuse_marked and k in CASE_NARRATIVE)]
    return [k for k in given if k in case and k in row.fields and case[k] != row.fields[k] and k != "phone"]


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
    """Open one batch of rows as `open_case` would (the same builder: calldesk.store.services.new_case_rows), with a
    handful of
    queries for the whole batch: the client ids already imported (one IN query), the cases opened since the
    previous batch (`window`, carried across batches; this batch's rows join it as they are made), the year's
    counter; then one multi-row insert per table. The caller commits."""
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
    made: list[tuple[dict[str, Any], Opening]] = []
    logged_at = utcnow()
    places = known_places(session)  # (a school or department as the respondents spell it: as open_case does)
    for prepared in rows:
        prepared = prepared._replace(fields=at_known_places(prepared.fields, places))
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
            opening = decide(profile, fields=fields, opened_at=opened, logged_at=logged_at,
                             priors=window.caller(caller_key(fields)), staff=staff, opener=actor.username,
                             trend=window.trend(profile, fields.get("school"), opened))
            if opening.tier != prepared.checked:
                require_fields(profile, tier=opening.tier, values=fields, stage="save", abuse_marked=abuse)
        except CalldeskError as exc:
            summary.refuse(number, exc.message)
            continue
        row = case_row(profile, opening, fields=fields, client_id=client_id, opener=actor.username,
                       case_number=numbers.next(calendar_for(profile).local(opened).year),
                       opened_at=opened, logged_at=logged_at, abuse=abuse)
        made.append((row, opening))
        seen.add(client_id)
        window.add(prior_of(row), row["caller_name_key"], None)  # its id once inserted
        summary.imported += 1
    numbers.save()
    if made:
        _insert(session, actor, made, window, audit.audit_key(session), logged_at)


def _new_ids(connection: Any, count: int) -> list[int]:
    """Ids for `count` new cases. PostgreSQL: from the cases' own sequence (as a desk's insert takes one).
    SQLite: after the largest, as SQLite itself numbers rows; the batch already holds the store's write lock
    (it took the year's counter), so no other desk can insert in between."""
    if connection.dialect.name == "postgresql":
        return [int(i) for (i,) in connection.execute(text(
            "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, :n)"), {"n": count})]
    last = int(connection.execute(text("SELECT coalesce(max(id), 0) FROM cases")).scalar_one())
    return list(range(last + 1, last + 1 + count))


def _insert(session: Any, actor: Actor, made: list[tuple[dict[str, Any], Opening]], window: PriorWindow,
            key: bytes | None, logged_at: datetime) -> None:
    """The batch's cases, then what each brings (calldesk.store.services.new_case_rows.opening_records): one insert per
    table."""
    tables = SQLModel.metadata.tables
    connection = session.connection()
    new_ids = _new_ids(connection, len(made))
    for (row, _), case_id in zip(made, new_ids, strict=True):
        row["id"] = case_id
        if row["case_number"] in window.ids:
            window.ids[row["case_number"]] = case_id
    insert_rows(connection, tables["cases"], [row for row, _ in made])  # ids given: nothing read back
    here = {row["case_number"]: row["id"] for row, _ in made}
    by_table: dict[str, list[dict[str, Any]]] = {"clockevent": [], "caselink": [], "auditevent": []}
    for row, opening in made:
        linked = None
        if opening.repeat is not None:
            earlier = opening.repeat.linked_case_number
            linked = here.get(earlier) or window.ids.get(earlier) or \
                session.exec(select(Case.id).where(Case.case_number == earlier)).one()
        for table, records in opening_records(row, row["id"], opening, actor=actor.username, at=logged_at,
                                              key=key, linked_id=linked).items():
            by_table[table].extend(records)
    for table, records in by_table.items():
        if records:
            insert_rows(connection, tables[table], records)
