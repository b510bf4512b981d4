"""Read-side queries the screens and rules need (no writes here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, and_, func, text, union_all
from sqlmodel import Session, col, select

from calldesk.models import Case, CasePublic, FollowUp, FollowUpPublic, User
from calldesk.models.types import UTCDateTime
from calldesk.rules.assignment import StaffBoard, Staffer, listed
from calldesk.rules.contact import normalise_name, phone_digits
from calldesk.rules.repeat import TREND_LISTED, CallerKey, PriorCase
from calldesk.store.db.users import Actor
from calldesk.store.db.visibility import sees, sees_among

PRIORS_LIMIT = 50  # per key: more earlier cases than a repeat window ever holds for one caller
PREFIX_DIGITS = 4  # a partial phone number is looked up from this many digits on


def _keys(key: CallerKey) -> list[tuple[Any, str]]:
    """(column, value) for each key the caller gave: phone digits, email, name (each exact)."""
    keys: list[tuple[Any, str]] = []
    if key.phone_digits:
        keys.append((Case.phone_digits, key.phone_digits))
    if key.email and key.email.strip():
        keys.append((Case.email, key.email.strip().lower()))
    if key.name and normalise_name(key.name):
        keys.append((Case.caller_name_key, normalise_name(key.name)))
    return keys


PRIOR_COLUMNS = (Case.id, Case.case_number, Case.opened_at, Case.phone_digits, Case.email, Case.caller_name,
                 Case.category, Case.school, Case.status)


def _newest(keys: list[tuple[Any, str]], *, since: datetime | None, limit: int,
            columns: tuple[Any, ...] = PRIOR_COLUMNS) -> Any:
    """The newest `limit` cases of each (column, value) key (opened since `since`), as one statement over rows of
    `columns`: per key one backward range scan of its (key, opened_at) index, so the cost does not grow with the
    store, and the keys joined with UNION ALL, so a lookup is one round trip to the database however many keys
    the caller gave. A case matching two keys comes twice (see _merged)."""
    parts = []
    for column, value in keys:
        query = select(*columns).where(column == value)
        if since is not None:
            query = query.where(Case.opened_at >= since)
        parts.append(query.order_by(col(Case.opened_at).desc()).limit(limit))
    if len(parts) == 1:
        return parts[0]
    # Each part's ORDER BY ... LIMIT stays inside its own subquery (SQLite allows neither on a compound's parts).
    return union_all(*(select(*part.subquery().c) for part in parts))


def _merged(rows: Any) -> list[Any]:
    """Rows of one case once each (a case can match several keys), newest first."""
    seen: dict[str, Any] = {}
    for row in rows:
        seen.setdefault(row.case_number, row)
    return sorted(seen.values(), key=lambda r: r.opened_at, reverse=True)


def _prior_row(row: Any) -> PriorCase:
    return PriorCase(case_number=row.case_number, opened_at=row.opened_at, phone_digits=row.phone_digits,
                     email=row.email, caller_name=row.caller_name, category=row.category, school=row.school,
                     status=row.status, id=row.id)


CALLER_COLUMNS = (Case.id, Case.case_number, Case.opened_at, Case.status, Case.call_type, Case.category, Case.school,
                  Case.phone_digits, Case.email, Case.caller_name)


def _caller_rows(session: Session, key: CallerKey, *, since: datetime | None, limit: int) -> list[Any]:
    """The caller's cases by each exact key (the newest `limit` of each), once each, newest first, whoever's they
    are: on PostgreSQL through the database's narrow function (calldesk.store.db.security: a login's row-level
    security hides other people's cases, and the function shows only what this needs)."""
    keys = _keys(key)
    if not keys:
        return []
    if session.get_bind().dialect.name != "postgresql":
        return _merged(session.execute(_newest(keys, since=since, limit=limit, columns=CALLER_COLUMNS)))
    given = {column.key: value for column, value in keys}
    rows = session.execute(text("SELECT * FROM public.calldesk_caller_cases(:p, :e, :n, :since, :limit)"),
                           {"p": given.get("phone_digits"), "e": given.get("email"), "n": given.get("caller_name_key"),
                            "since": since, "limit": limit})
    return _merged(rows)


def priors_for_caller(session: Session, key: CallerKey, *, since_days: int, now: datetime) -> list[PriorCase]:
    """The caller's cases opened in the last `since_days` days (by phone, email or name): the newest of each key
    in one statement, reading only what the repeat rule needs."""
    since = now - timedelta(days=since_days + 1)
    return [_prior_row(r) for r in _caller_rows(session, key, since=since, limit=PRIORS_LIMIT)]


def school_window(session: Session, school: str | None, *, since: datetime, until: datetime) -> tuple[int, list[str]]:
    """How many cases at `school` (as written) opened in [since, until], and the numbers of the newest
    TREND_LISTED of them, oldest first (what the trend rule, `rules.repeat.trend_of`, needs): a count and a
    newest-N read of the (school, opened_at) index, however many cases the school has."""
    if not school:
        return 0, []
    if session.get_bind().dialect.name == "postgresql":  # every case counts, not only those the login may see
        count, newest = session.execute(text("SELECT * FROM public.calldesk_school_window(:s, :since, :until, :n)"),
                                        {"s": school, "since": since, "until": until, "n": TREND_LISTED}).one()
        return int(count), list(reversed(newest))
    window = and_(col(Case.school) == school, col(Case.opened_at) >= since, col(Case.opened_at) <= until)
    count = session.execute(select(func.count()).select_from(Case).where(window)).scalar_one()
    newest = session.execute(select(Case.case_number).where(window)
                             .order_by(col(Case.opened_at).desc()).limit(TREND_LISTED)).scalars().all()
    return count, list(reversed(newest))


def _public(rows: Any) -> list[CasePublic]:
    """Whole `cases` rows as CasePublic: the store's own rows, typed by their columns, so no validation is repeated
    (plain rows, no ORM identity map)."""
    names = CasePublic.model_fields
    return [CasePublic.model_construct(**{k: v for k, v in row._mapping.items() if k in names}) for row in rows]


def _cases(session: Session, ids: list[int]) -> list[CasePublic]:
    """Whole cases by id, in the order given."""
    if not ids:
        return []
    table = Case.__table__  # type: ignore[attr-defined]
    found = {row.id: row for row in session.execute(select(table).where(table.c.id.in_(ids)))}
    return _public(found[i] for i in ids if i in found)


@dataclass(frozen=True)
class EarlierCall:
    """One of a caller's earlier calls as the desk lists it while the agent types (README, "Who sees what"): its
    number, date, status, type, category and school for everyone; the caller's name only on a case the viewer
    may see (`yours`), the only kind they can open."""

    case_number: str
    opened_at: datetime
    status: str
    call_type: str
    category: str | None
    school: str | None
    yours: bool
    caller_name: str = ""


def caller_history(session: Session, *, viewer: Actor, phone_digits: str | None = None, email: str | None = None,
                   name: str | None = None, limit: int = 20) -> list[EarlierCall]:
    """A caller's earlier calls, newest first (the side panel while the agent types): the newest `limit` of each
    key the caller gave (exact phone, email or name), whoever's they are, and of those the newest `limit`; one
    statement, and one more for the names on the cases `viewer` may see."""
    rows = sorted(_caller_rows(session, CallerKey(phone_digits, email, name), since=None, limit=limit),
                  key=lambda r: (r.opened_at, r.id), reverse=True)[:limit]
    visible = select(Case.id, Case.caller_name).where(col(Case.id).in_([r.id for r in rows]), sees(viewer))
    names = {case_id: name for case_id, name in session.execute(visible)} if rows else {}
    return [EarlierCall(r.case_number, r.opened_at, r.status, r.call_type, r.category, r.school, r.id in names,
                        names.get(r.id, "")) for r in rows]


def _like_literal(text: str) -> str:
    """`text` for a LIKE pattern with escape "\\": its own % and _ are characters, not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix(column: Any, prefix: str) -> Any:
    """`column` starts with `prefix`, as an index range (both backends; LIKE re-checks the collation's edges)."""
    return and_(column >= prefix, column < prefix + "\U0010ffff",
                column.like(_like_literal(prefix) + "%", escape="\\"))


def lookup_callers(session: Session, typed: str, *, viewer: Actor, limit: int = 20) -> list[CasePublic]:
    """Cases `viewer` may see whose caller matches what was typed, however it was typed: a phone number in any
    format (a partial one from its first digits on), an email address (or its beginning), or the beginning of a
    name. A complete key lists the newest cases first; a partial one in key order backwards, newest first within
    a key."""
    text = (typed or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not text:
        return []
    if len(digits) >= PREFIX_DIGITS and len(digits) >= len(text.replace(" ", "")) * 0.6:
        full = phone_digits(text)
        if len(full) >= 11:  # a whole number: exact, newest first
            query = (select(Case.id).where(Case.phone_digits == full)
                     .order_by(col(Case.opened_at).desc()).limit(limit))
        else:  # a partial number: typed without the country code, as people give it
            national = digits if digits.startswith("1") and len(digits) > 10 else "1" + digits
            query = (select(Case.id).where(_prefix(Case.phone_digits, national))
                     .order_by(col(Case.phone_digits).desc(), col(Case.opened_at).desc()).limit(limit))
    elif "@" in text:
        address = text.lower()
        exact = session.execute(select(Case.id).where(Case.email == address, sees_among(viewer)).limit(1)).first()
        query = (select(Case.id).where(Case.email == address).order_by(col(Case.opened_at).desc()).limit(limit)
                 if exact is not None else
                 select(Case.id).where(_prefix(Case.email, address))
                 .order_by(col(Case.email).desc(), col(Case.opened_at).desc()).limit(limit))
    else:
        name = normalise_name(text)
        if not name:
            return []
        query = (select(Case.id).where(_prefix(Case.caller_name_key, name))
                 .order_by(col(Case.caller_name_key).desc(), col(Case.opened_at).desc()).limit(limit))
    # Index order backwards (newest first within each key): no sort of every match, however many there are.
    return _cases(session, [i for (i,) in session.execute(query.where(sees_among(viewer)))])


def follow_ups_for(session: Session, case_id: int) -> list[FollowUpPublic]:
    """A case's follow-up entries, oldest first."""
    query = select(FollowUp).where(FollowUp.case_id == case_id).order_by(col(FollowUp.entry_at))
    return [FollowUpPublic.model_validate(e) for e in session.exec(query)]


# Each active user's load (migration 0010's view, on both backends): on PostgreSQL the view reads every case with
# its owner's rights, so routing counts the cases a login may not see, and shows nothing else of them.
STAFF_LOAD = Table("staff_load", MetaData(), Column("username", String), Column("role", String),
                   Column("languages", String), Column("absent_since", Date), Column("open_cases", Integer),
                   Column("last_assigned", UTCDateTime))


def known_places(session: Session) -> tuple[str, ...]:
    """Every school and department an active respondent answers for, as their places spell them."""
    rows = session.exec(select(User.places).where(User.role == "respondent", col(User.active), User.places != ""))
    return tuple(dict.fromkeys(place for places in rows for place in listed(places)))


def staff_board(session: Session, *, today: date, sign_ins: bool = False) -> StaffBoard:
    """The active staff as routing sees them (calldesk.rules.assignment): role, languages, at work `today` (not
    absent since a day before or on it), open cases and their newest assignment; one statement. `sign_ins`: also
    whether each can sign in (a people picker offers nobody who cannot): on PostgreSQL only those with a login
    role (one more read of the catalogue); on SQLite everyone (the file's user acts as any of them)."""
    rows = list(session.execute(STAFF_LOAD.select().order_by(STAFF_LOAD.c.username)))
    able: set[str] | None = None
    if sign_ins and session.get_bind().dialect.name == "postgresql":
        from calldesk.store.db.login_grants import logins_among

        able = logins_among(session.connection(), [r.username for r in rows])
    return StaffBoard([Staffer(r.username, r.role, listed(r.languages or ""),
                               present=r.absent_since is None or r.absent_since > today,
                               open_cases=int(r.open_cases or 0), last_assigned=r.last_assigned,
                               signs_in=able is None or r.username in able) for r in rows])
