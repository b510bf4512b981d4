"""The generated cases the repeat and trend rules may still see (their windows), kept in memory by key, so the
demo never queries the store per case."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from calldesk.rules.contact import normalise_name
from calldesk.rules.profile import Profile
from calldesk.rules.repeat import CallerKey, PriorCase, TrendDecision, trend_of, trend_since
from calldesk.store.db.bulk import SchoolLog


@dataclass
class Memory:
    """The cases generated so far that the repeat and trend rules may still see, by phone, email, name, school."""

    by_phone: dict[str, deque[PriorCase]] = field(default_factory=lambda: defaultdict(lambda: deque(maxlen=8)))
    by_email: dict[str, deque[PriorCase]] = field(default_factory=lambda: defaultdict(lambda: deque(maxlen=8)))
    by_name: dict[str, deque[PriorCase]] = field(default_factory=lambda: defaultdict(lambda: deque(maxlen=24)))
    schools: SchoolLog = field(default_factory=SchoolLog)

    def priors(self, key: CallerKey) -> list[PriorCase]:
        seen: dict[str, PriorCase] = {}
        for table, value in ((self.by_phone, key.phone_digits), (self.by_email, key.email),
                             (self.by_name, normalise_name(key.name))):
            if value and value in table:
                for prior in table[value]:
                    seen[prior.case_number] = prior
        return list(seen.values())

    def trend(self, profile: Profile, school: str | None, opened_at: datetime) -> TrendDecision | None:
        """The trend rule's decision for a case at `school`, from the cases generated before it."""
        if not school:
            return None
        earlier, latest = self.schools.earlier(school, trend_since(profile, opened_at), opened_at)
        return trend_of(profile, school=school, earlier=earlier, latest=latest)

    def forget(self, before: datetime) -> None:
        """Drop the keys whose newest case is older than `before` (outside every window): memory stays bounded
        by the callers of the last weeks, not by the store."""
        for table in (self.by_phone, self.by_email, self.by_name):
            for key in [k for k, priors in table.items() if not priors or priors[-1].opened_at < before]:
                del table[key]
        for school in list(self.schools.times):
            self.schools.forget(school, before)

    def add(self, row: dict[str, Any]) -> None:
        """Remember a generated case (its row) for the cases after it."""
        prior = PriorCase(case_number=row["case_number"], opened_at=row["opened_at"],
                          phone_digits=row["phone_digits"], email=row["email"], caller_name=row["caller_name"],
                          category=row["category"], school=row["school"], status=row["status"])
        if prior.phone_digits:
            self.by_phone[prior.phone_digits].append(prior)
        if prior.email:
            self.by_email[prior.email].append(prior)
        if row["caller_name_key"]:
            self.by_name[row["caller_name_key"]].append(prior)
        if prior.school:
            self.schools.add(prior.school, prior.opened_at, prior.case_number)
