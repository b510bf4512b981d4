"""The store's recent cases as a bulk import's repeat and trend rules see them: a window carried from batch to
batch (calldesk.store.services.imports)."""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import datetime
from operator import attrgetter
from typing import Any

from sqlmodel import col, select

from calldesk.models import Case
from calldesk.rules.contact import normalise_name
from calldesk.rules.profile import Profile
from calldesk.rules.repeat import TREND_LISTED, CallerKey, PriorCase, TrendDecision, trend_of, trend_since
from calldesk.store.db.bulk import SchoolLog
from calldesk.store.read.queries import PRIOR_COLUMNS


class PriorWindow:
    """The store's cases the repeat and trend rules of the rows being imported may see (opened in [lo, hi]),
    by phone, email and name (for the repeat rule) and school (for the trend rule), with their ids: kept from
    batch to batch, so each batch reads only the cases opened after the previous batch's latest row (one range
    scan of the opened_at index) and forgets the ones older than its earliest window. Memory holds one window
    of cases, not the store."""

    KEYS = (("phone", "phone_digits"), ("email", "email"), ("name", "caller_name_key"))

    def __init__(self) -> None:
        self.lo: datetime | None = None
        self.hi: datetime | None = None
        self.by: dict[str, dict[str, dict[str, PriorCase]]] = {kind: defaultdict(dict) for kind, _ in self.KEYS}
        self.schools = SchoolLog()
        self.ids: dict[str, int] = {}
        self.order: deque[tuple[datetime, str, tuple[str | None, ...]]] = deque()

    def cover(self, session: Any, lo: datetime, hi: datetime) -> None:
        """Hold every stored case opened in [lo, hi] (and those added since)."""
        if self.lo is None or self.hi is None or lo < self.lo:  # the first batch, or an earlier one: load anew
            self.__init__()  # type: ignore[misc]
            self.lo, self.hi = lo, hi  # first: `add` keeps what falls in [lo, hi]
            self._load(session, Case.opened_at >= lo, Case.opened_at <= hi)
            return
        if hi > self.hi:
            held, self.hi = self.hi, hi
            self._load(session, Case.opened_at > held, Case.opened_at <= hi)
        self.lo = lo
        while self.order and self.order[0][0] < lo:
            _, number, keys = self.order.popleft()
            for (kind, _), value in zip(self.KEYS, keys, strict=False):
                if value:
                    self.by[kind][value].pop(number, None)
                    if not self.by[kind][value]:
                        del self.by[kind][value]
            if keys[-1]:
                self.schools.forget(keys[-1], lo)
            self.ids.pop(number, None)

    def _load(self, session: Any, *where: Any) -> None:
        query = (select(Case.caller_name_key, *PRIOR_COLUMNS).where(*where)  # type: ignore[call-overload]
                 .order_by(col(Case.opened_at)))
        for row in session.execute(query):
            self.add(prior_of(row._mapping), row.caller_name_key, row.id)

    def add(self, prior: PriorCase, name_key: str | None, case_id: int | None) -> None:
        if self.lo is None or self.hi is None or not self.lo <= prior.opened_at <= self.hi \
                or prior.case_number in self.ids:
            return  # outside the window held: a later range scan reads it from the store
        school = prior.school
        keys = (prior.phone_digits, prior.email, name_key, school)
        for (kind, _), value in zip(self.KEYS, keys, strict=False):
            if value:
                self.by[kind][value][prior.case_number] = prior
        if school:
            self.schools.add(school, prior.opened_at, prior.case_number)
        self.ids[prior.case_number] = case_id or 0
        self.order.append((prior.opened_at, prior.case_number, keys))

    def caller(self, caller: CallerKey) -> list[PriorCase]:
        """The cases held of this caller (by phone, email or name), newest first, as `priors_for_caller` gives
        them to `open_case`: the repeat rule then finds the newest match first and skips the rest."""
        held = [found for kind, value in (("phone", caller.phone_digits), ("email", caller.email),
                                          ("name", normalise_name(caller.name)))
                if value and (found := self.by[kind].get(value))]
        if len(held) == 1:  # one key: its cases are distinct already
            return sorted(reversed(held[0].values()), key=_OPENED_AT, reverse=True)
        priors: dict[str, PriorCase] = {}
        for found in held:
            for prior in reversed(found.values()):
                priors.setdefault(prior.case_number, prior)
        return sorted(priors.values(), key=_OPENED_AT, reverse=True)

    def trend(self, profile: Profile, school: str | None, opened: datetime) -> TrendDecision | None:
        """The trend rule's decision for a case opened at `opened` at `school`, from the cases held."""
        if not school:
            return None
        earlier, latest = self.schools.earlier(school, trend_since(profile, opened), opened)
        return trend_of(profile, school=school, earlier=earlier, latest=latest)


_OPENED_AT = attrgetter("opened_at")


def prior_of(case: Any) -> PriorCase:
    return PriorCase(case_number=case["case_number"], opened_at=case["opened_at"],
                     phone_digits=case["phone_digits"], email=case["email"], caller_name=case["caller_name"],
                     category=case["category"], school=case["school"], status=case["status"])


class NarrowWindow(PriorWindow):
    """The window of an importer whose login may not read every case (PostgreSQL, an agent): the rows being
    imported are held as in PriorWindow, and the store's cases are asked for per row, through the database's
    narrow functions (a caller's cases by exact key, a school's count: calldesk.store.read.queries), never loaded."""

    def __init__(self) -> None:
        super().__init__()
        self.session: Any = None

    def cover(self, session: Any, lo: datetime, hi: datetime) -> None:
        super().cover(session, lo, hi)
        self.session = session  # after: the first cover starts the window anew (__init__), session and all

    def _load(self, session: Any, *where: Any) -> None:
        return  # nothing is read ahead: see caller() and trend()

    def caller(self, caller: CallerKey) -> list[PriorCase]:
        from calldesk.store.read.queries import PRIORS_LIMIT, _caller_rows, _prior_row

        stored = [_prior_row(r) for r in _caller_rows(self.session, caller, since=self.lo, limit=PRIORS_LIMIT)]
        for prior in stored:
            self.ids.setdefault(prior.case_number, prior.id or 0)
        held = {p.case_number: p for p in super().caller(caller)}
        for prior in stored:
            if self.hi is None or prior.opened_at <= self.hi:
                held.setdefault(prior.case_number, prior)
        return sorted(held.values(), key=_OPENED_AT, reverse=True)

    def trend(self, profile: Profile, school: str | None, opened: datetime) -> TrendDecision | None:
        from calldesk.store.read.queries import school_window

        if not school:
            return None
        since = trend_since(profile, opened)
        stored, stored_newest = school_window(self.session, school, since=since, until=opened)
        held, held_newest = self.schools.earlier(school, since, opened)
        return trend_of(profile, school=school, earlier=stored + held,
                        latest=[*stored_newest, *held_newest][-TREND_LISTED:])
