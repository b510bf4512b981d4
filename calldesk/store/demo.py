"""Demo data: a store filled with realistic synthetic cases, in bulk, routed by the protocol's own rules.

Callers call again (the same phone, email or a common name), schools repeat, categories and subcategories come
from the profile's taxonomy, and every case is routed by `rules.routing.route` (tier, owner, deadlines,
reportability), with the repeat and trend rules applied against the cases generated before it (kept in memory,
so the bulk path never queries per case). Two years of dates, most older cases closed with a resolution,
follow-ups and callbacks. No abuse details: the claims are fixed sentences about the category.

The rows go in by batched multi-row inserts (one transaction per batch), each case with its audit events
(one per change, calldesk.store.audit). Deterministic for a seed; a rerun with the same seed adds only the
cases not yet there.
"""

from __future__ import annotations

import random
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlmodel import SQLModel, col

from calldesk.models import Callback, Case, CaseLink, FollowUp, Resolution, User, utcnow
from calldesk.rules.calendar import calendar_for
from calldesk.rules.callbacks import callback_due
from calldesk.rules.contact import name_words, normalise_name
from calldesk.rules.followup import next_follow_up_due
from calldesk.rules.profile import Profile
from calldesk.rules.repeat import CallerKey, PriorCase, TrendDecision, detect_repeat, trend_of, trend_since
from calldesk.rules.routing import case_notes, route
from calldesk.store import audit
from calldesk.store.bulk import SchoolLog, bulk_connection, insert_rows
from calldesk.store.uow import UnitOfWork
from calldesk.store.users import Actor, authorise

Progress = Callable[[int, int], None]

FIRST = ("Maria", "Jose", "Ana", "Luis", "Carmen", "James", "Mary", "John", "Patricia", "Robert", "Jennifer",
         "Michael", "Linda", "David", "Elizabeth", "William", "Susan", "Kim", "Thi", "Wei", "Mei", "Aisha",
         "Omar", "Fatima", "Daniel", "Sofia", "Isabella", "Miguel", "Rosa", "Hector", "Grace", "Tomas", "Nadia")
LAST = ("Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Smith", "Johnson", "Williams",
        "Brown", "Jones", "Nguyen", "Kim", "Lee", "Chen", "Wong", "Davis", "Miller", "Wilson", "Perez", "Sanchez",
        "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Reyes", "Cruz", "Morales", "Ortiz", "Patel")
PLACES = ("Roosevelt", "Lincoln", "Washington", "Jefferson", "Garfield", "Franklin", "Madison", "Hamilton",
          "Kennedy", "King", "Chavez", "Marshall", "Wilson", "Grant", "Adams", "Monroe", "Jackson", "Hoover",
          "Belmont", "Fairfax", "Venice", "Eagle Rock", "Highland Park", "Westchester", "Crenshaw", "Dorsey",
          "Palisades", "Reseda", "Van Nuys", "Sylmar", "Banning", "Carson", "Narbonne", "Gardena", "Bell",
          "Huntington Park", "South Gate", "Maywood", "Cudahy", "Hollywood", "Fremont", "Jordan", "Manual Arts")
KINDS = ("Elementary", "Middle School", "High School", "Academy", "Primary Center", "Magnet")
DEPARTMENTS = ("Transportation Services", "Student Health", "Food Services", "Enrollment Office", "Special Education",
               "School Police", "Facilities", "Human Resources", "Board Secretariat")
AREAS = ("213", "310", "323", "424", "562", "626", "657", "714", "747", "818")
CALL_TYPES = (("inquiry", 54), ("concern", 26), ("complaint", 14), ("compliment", 6))
LANGUAGES = (("English", 60), ("Spanish", 30), ("Korean", 3), ("Armenian", 2), ("Chinese", 3), ("Vietnamese", 2))
CHANNELS = (("phone", 65), ("voicemail", 8), ("email", 14), ("web_form", 9), ("walk_in", 4))
SOURCES = (("none", 95), ("board", 3), ("superintendent", 2))
STAFF = (("agent", 8), ("program_specialist", 4), ("specialist", 3), ("supervisor", 2))
CLAIMS = ("Caller asked about {sub} at {place}.", "Parent reports a problem with {sub} at {place}.",
          "Caller wants to know the next steps for {sub}.", "Follow-up on {sub}: caller was not called back.",
          "Caller asked who handles {sub} for {place}.")
DONE = ("Called the school office and left a message.", "Spoke with the principal; waiting for a reply.",
        "Emailed the caller the policy and the office contact.", "Confirmed the details with the department.")
RESPONSES = ("Explained the policy and confirmed with the school office.", "The school fixed the issue.",
             "Referred to the responsible office, which resolved it.")
BATCH = 5000
RECENT_IDS = 200_000  # more than any repeat window holds at a million cases


@dataclass
class DemoSummary:
    """What a fill wrote."""

    cases: int = 0
    skipped: int = 0
    closed: int = 0
    repeats: int = 0
    trends: int = 0
    follow_ups: int = 0
    callbacks: int = 0
    audit_events: int = 0
    callers: int = 0
    seconds: float = 0.0


@dataclass
class _Caller:
    name: str
    phone: str | None
    email: str | None
    language: str
    relationship: str


@dataclass
class _Memory:
    """The cases generated so far that the repeat and trend rules may still see (their windows), by key."""

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

    def add(self, prior: PriorCase, name_key: str) -> None:
        if prior.phone_digits:
            self.by_phone[prior.phone_digits].append(prior)
        if prior.email:
            self.by_email[prior.email].append(prior)
        if name_key:
            self.by_name[name_key].append(prior)
        if prior.school:
            self.schools.add(prior.school, prior.opened_at, prior.case_number)


@lru_cache(maxsize=64)
def _table(choices: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    """The names and cumulative weights of `choices` (what rng.choices computes from weights on every call)."""
    return [c for c, _ in choices], list(accumulate(w for _, w in choices))


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    names, cumulative = _table(choices)
    return rng.choices(names, cum_weights=cumulative)[0]


def _callers(seed: int, count: int) -> Callable[[int], _Caller]:
    @lru_cache(maxsize=65536)  # the same index is the same caller: frequent callers are drawn once
    def caller(index: int) -> _Caller:
        rng = random.Random(seed * 1_000_003 + index)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        phone = (f"+1{rng.choice(AREAS)}{rng.randint(200, 999)}{index % 10000:04d}"
                 if rng.random() < 0.85 else None)
        email = f"{first.lower()}.{last.lower()}{index}@example.org" if rng.random() < 0.4 or phone is None else None
        relationship = "parent_guardian" if rng.random() < 0.8 else rng.choice(("student", "relative",
                                                                                "community_member"))
        return _Caller(f"{first} {last}", phone, email, _weighted(rng, LANGUAGES), relationship)
    return caller


def _schools(profile: Profile) -> list[str]:
    known = list(profile.sites)
    return known + [f"{place} {kind}" for place in PLACES for kind in KINDS]


def _days(start: datetime, days: int, cases: int, profile: Profile) -> Iterator[tuple[datetime, int]]:
    """Each day of the span (local midnight) with its number of cases: weekdays busy, weekends quiet."""
    calendar = calendar_for(profile)
    first = calendar.local(start).date()
    weights = [1.0 if (first + timedelta(d)).weekday() < 5 else 0.1 for d in range(days)]
    total, done, running = sum(weights), 0, 0.0
    for offset, weight in enumerate(weights):
        running += weight
        upto = round(cases * running / total)
        local = datetime.combine(first + timedelta(offset), time(0), tzinfo=calendar.local(start).tzinfo)
        yield local, upto - done
        done = upto


def _known_staff(uow: UnitOfWork, seed: int) -> dict[str, list[str]]:
    """Demo staff per role (made once per store), to own, work and close the cases."""
    session = uow.session
    staff: dict[str, list[str]] = defaultdict(list)
    rows = []
    present = set(session.execute(select(col(User.username))).scalars())
    for role, count in STAFF:
        for n in range(1, count + 1):
            name = f"demo.{role.replace('_', '')}{n}"
            staff[role].append(name)
            if name not in present:
                rows.append({"username": name, "full_name": f"Demo {role.replace('_', ' ')} {n}", "role": role,
                             "active": True, "created_at": utcnow()})
    if rows:
        session.execute(insert(User), rows)
    return staff


def _next_ids(uow: UnitOfWork) -> dict[str, int]:
    tables = {"cases": Case, "followup": FollowUp, "callback": Callback, "caselink": CaseLink,
              "resolution": Resolution}
    return {name: int(uow.session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one())  # type: ignore[attr-defined]
            for name, model in tables.items()}


def fill_demo(uow: UnitOfWork, actor: Actor, profile: Profile, cases: int, seed: int = 1, *,
              progress: Progress | None = None, now: datetime | None = None, years: int = 2,
              batch: int = BATCH) -> DemoSummary:
    """Add `cases` synthetic cases spread over the last `years` years (admins only); commits every `batch`
    cases. Deterministic for `seed` (and `now`); cases of this seed already in the store are skipped."""
    actor = authorise(uow, actor, "maintain_store")
    started = datetime.now()
    summary = DemoSummary()
    session = uow.session
    now = now or utcnow()
    calendar = calendar_for(profile)
    rng = random.Random(seed)
    prefix = f"demo-{seed}-"
    present = int(session.execute(select(func.count()).select_from(Case)
                                  .where(col(Case.client_id).startswith(prefix))).scalar_one())
    summary.skipped = min(present, cases)
    staff = _known_staff(uow, seed)
    ids = _next_ids(uow)
    counters = dict(session.execute(text("SELECT year, last FROM casecounter")).all())  # type: ignore[arg-type]
    key = audit.audit_key(session)
    callers = max(1, cases * 2 // 5)
    summary.callers = callers
    caller_of = _callers(seed, callers)
    schools = _schools(profile)
    categories = profile.categories
    memory = _Memory()
    out = _Rows()
    start = now - timedelta(days=365 * years)
    done = 0
    window = timedelta(days=max(profile.repeat_window_days, profile.trend_window_days) + 2)
    for number, (day, count) in enumerate(_days(start, 365 * years, cases, profile)):
        if number % 30 == 29:
            memory.forget(day - window)
        minutes = sorted(rng.randrange(8 * 60, 17 * 60) for _ in range(count))
        for minute in minutes:
            opened_at = (day + timedelta(minutes=minute, seconds=rng.randrange(60))).astimezone(now.tzinfo)
            if opened_at > now:
                opened_at = now - timedelta(seconds=count - done % max(count, 1))
            index = done
            done += 1
            caller = caller_of(int(callers * rng.random() ** 2))  # a few callers call often
            draw = _draw(rng, caller, categories, schools)
            row = _case(profile, draw, opened_at, memory, summary)
            if index < present:
                continue  # written by an earlier run of this seed
            year = calendar.local(opened_at).year
            counters[year] = counters.get(year, 0) + 1
            ids["cases"] += 1
            row.update(id=ids["cases"], case_number=f"{year}-{counters[year]:06d}", client_id=f"{prefix}{index}")
            _work(rng, profile, row, draw, staff, now, ids, out, summary, key)
            memory.add(_prior(row), row["caller_name_key"])
            out.remember(row["case_number"], row["id"])
            if draw["repeat_of"] is not None:
                ids["caselink"] += 1
                out.links.append({"id": ids["caselink"], "case_id": row["id"], "linked_case_id": draw["repeat_of"],
                                  "kind": "repeat", "reason": draw["repeat_reason"], "created_by": row["opened_by"],
                                  "created_at": opened_at})
            summary.cases += 1
            if len(out.cases) >= batch:
                out.flush(uow, counters)
                if progress:
                    progress(done, cases)
    audit.record(session, actor=actor.username, action="store.demo", entity="store", entity_id=f"seed {seed}",
                 field="cases", old=None, new=summary.cases)
    out.flush(uow, counters)
    _reset_sequences(uow)
    uow.commit()
    if progress:
        progress(cases, cases)
    summary.audit_events = out.audit_count + 1
    summary.seconds = (datetime.now() - started).total_seconds()
    return summary


def _draw(rng: random.Random, caller: _Caller, categories: list[Any], schools: list[str]) -> dict[str, Any]:
    category = rng.choice(categories) if categories else None
    sub = rng.choice(category.subcategories) if category is not None and category.subcategories else None
    at_school = rng.random() < 0.8
    place = rng.choice(schools) if at_school else None
    return {
        "caller": caller, "category": category.name if category else None, "subcategory": sub,
        "school": place, "department": None if at_school else rng.choice(DEPARTMENTS),
        "call_type": _weighted(rng, CALL_TYPES), "channel": _weighted(rng, CHANNELS),
        "source": _weighted(rng, SOURCES), "needs_follow_up": rng.random() < 0.3,
        "urgent": rng.random() < 0.03, "special_education": rng.random() < 0.04,
        "safety": rng.random() < 0.02, "due_process": rng.random() < 0.005,
        "claim": rng.choice(CLAIMS).format(sub=(sub or "a question").lower(), place=place or "the district"),
        "repeat_of": None, "repeat_reason": "", "r": rng.random(), "r2": rng.random(), "r3": rng.random(),
    }


def _case(profile: Profile, draw: dict[str, Any], opened_at: datetime, memory: _Memory,
          summary: DemoSummary) -> dict[str, Any]:
    """The case row as `open_case` would write it: the rules' repeat, trend and routing decisions applied."""
    caller: _Caller = draw["caller"]
    phone = caller.phone
    digits = phone.lstrip("+") if phone else None
    fields = {name: draw[name] for name in ("category", "subcategory", "school", "department", "call_type",
                                            "channel", "source", "needs_follow_up", "urgent", "special_education",
                                            "safety", "due_process", "claim")}
    key = CallerKey(digits, caller.email, caller.name)
    repeat = detect_repeat(profile, caller=key, category=fields["category"], school=fields["school"],
                           opened_at=opened_at, priors=memory.priors(key))
    trend = memory.trend(profile, fields["school"], opened_at)
    routing = route(profile, fields=fields, opened_at=opened_at, repeat=repeat)
    reasons = case_notes(routing, repeat=repeat, trend=trend)  # logged as received: never late
    if repeat is not None:
        summary.repeats += 1
        draw["repeat_reason"] = repeat.message
        draw["repeat_number"] = repeat.linked_case_number
    if trend is not None:
        summary.trends += 1
    decision, report = routing.decision, routing.report
    deadlines = decision.deadlines
    row: dict[str, Any] = {
        **fields, "caller_name": caller.name, "caller_name_key": normalise_name(caller.name),
        "caller_name_words": name_words(caller.name),
        "relationship": caller.relationship, "phone": phone, "phone_digits": digits, "email": caller.email,
        "preferred_contact": "phone" if phone else "email", "language": caller.language,
        "evidence": "", "steps_taken": "", "steps_confirmed": False,
        "call_type": routing.call_type, "protocol": profile.name, "status": "open", "tier": decision.tier,
        "owner_role": decision.owner_role, "assigned_to": None, "assigned_at": None, "previous_assignee": None,
        "opened_at": opened_at,
        "updated_at": opened_at,
        "closed_at": None, "closed_by": None, "close_reason": None,
        "respond_by": deadlines.respond_by, "acknowledge_by": deadlines.acknowledge_by,
        "next_follow_up_by": deadlines.next_follow_up_by, "resolve_by": deadlines.resolve_by,
        "resolve_max": deadlines.resolve_max, "next_deadline": None, "escalation_level": 0, "late_clocks": 0,
        "abuse_marked": False, "reportable": report.reportable, "route_to": report.route_to,
        "not_reportable_reason": report.reason, "routing_notes": "\n".join(reasons), "version": 1,
    }
    if decision.close_now:
        row.update(status="closed", closed_at=opened_at, close_reason="already in due process")
    return row


def _prior(row: dict[str, Any]) -> PriorCase:
    return PriorCase(case_number=row["case_number"], opened_at=row["opened_at"], phone_digits=row["phone_digits"],
                     email=row["email"], caller_name=row["caller_name"], category=row["category"],
                     school=row["school"], status=row["status"])


@dataclass
class _Rows:
    """One batch's rows, table by table, and the case numbers already written (for repeat links)."""

    cases: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    resolutions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    audit_count: int = 0
    ids: OrderedDict[str, int] = field(default_factory=OrderedDict)

    def remember(self, number: str, case_id: int) -> None:
        """The ids of recent cases (a repeat links to one within the repeat window), bounded."""
        self.ids[number] = case_id
        if len(self.ids) > RECENT_IDS:
            self.ids.popitem(last=False)

    def case_id(self, number: str) -> int | None:
        return self.ids.get(number)

    def flush(self, uow: UnitOfWork, counters: dict[int, int]) -> None:
        session = uow.session
        connection = bulk_connection(session)
        tables = SQLModel.metadata.tables
        for name, rows in (("cases", self.cases), ("resolution", self.resolutions), ("followup", self.follow_ups),
                           ("callback", self.callbacks), ("caselink", self.links), ("auditevent", self.events)):
            if rows:  # one driver executemany per table and batch
                insert_rows(connection, tables[name], rows)
        self.audit_count += len(self.events)
        for year, last in counters.items():
            session.execute(text("INSERT INTO casecounter (year, last) VALUES (:y, :n) "
                                 "ON CONFLICT (year) DO UPDATE SET last = excluded.last"), {"y": year, "n": last})
        session.commit()
        for rows in (self.cases, self.resolutions, self.follow_ups, self.callbacks, self.links, self.events):
            rows.clear()


def _work(rng: random.Random, profile: Profile, row: dict[str, Any], draw: dict[str, Any],
          staff: dict[str, list[str]], now: datetime, ids: dict[str, int], out: _Rows, summary: DemoSummary,
          key: bytes | None) -> None:
    """Who opened and owns the case, its follow-ups, callback and (for most older cases) its closing."""
    opened_at: datetime = row["opened_at"]
    row["opened_by"] = staff["agent"][int(draw["r"] * len(staff["agent"]))]
    owners = staff.get(row["owner_role"]) or staff["supervisor"]
    row["assigned_to"] = owners[int(draw["r2"] * len(owners))]
    row["assigned_at"] = opened_at
    if "repeat_number" in draw:
        draw["repeat_of"] = out.case_id(draw["repeat_number"])
    age = (now - opened_at).days
    out.cases.append(row)
    events = out.events
    events.append(audit.opening_row(at=opened_at, actor=row["opened_by"], entity_id=row["case_number"],
                                    case_id=row["id"], record=row, skip=audit.NOT_IN_SNAPSHOT, empty=(None, ""),
                                    key=key))
    last_entry: datetime | None = None
    serious = row["tier"] in ("concern", "complaint")
    entries = (1 + int(draw["r3"] * 2)) if serious and age > 3 else 0
    for n in range(entries):
        at = opened_at + timedelta(days=1 + 2 * n, hours=rng.randrange(1, 6))
        if at >= now:
            break
        ids["followup"] += 1
        done = rng.choice(DONE)
        out.follow_ups.append({"id": ids["followup"], "case_id": row["id"], "by_user": row["assigned_to"],
                               "entry_at": at, "done": done, "pending": ""})
        events.append(audit.event_row(at=at, actor=row["assigned_to"], action="followup.add", entity="followup",
                                      entity_id=ids["followup"], case_id=row["id"],
                                      changes={"done": (None, done)}, key=key))
        last_entry = at
        summary.follow_ups += 1
    if rng.random() < 0.06:
        ids["callback"] += 1
        due = callback_due(profile, received_at=opened_at, urgent=row["urgent"],
                           from_superior=row["source"] != "none")
        finished = opened_at + timedelta(hours=rng.randrange(1, 30)) if age > 2 else None
        out.callbacks.append({"id": ids["callback"], "case_id": row["id"], "assigned_to": row["assigned_to"],
                              "caller_name": row["caller_name"], "phone": row["phone"],
                              "message": "Please call back about the case.", "urgent": row["urgent"],
                              "from_superior": row["source"] != "none", "received_at": opened_at, "due_at": due,
                              "done_at": finished, "done_by": row["assigned_to"] if finished else None,
                              "attempts": 0, "last_attempt": None, "last_attempt_at": None})  # no tries recorded
        events.append(audit.event_row(at=opened_at, actor=row["opened_by"], action="callback.add",
                                      entity="callback", entity_id=ids["callback"], case_id=row["id"],
                                      changes={"assigned_to": (None, row["assigned_to"])}, key=key))
        summary.callbacks += 1
    closing = 0.97 if age > 60 else 0.9 * age / 60
    if row["status"] == "open" and rng.random() < closing:
        limits: list[datetime] = [now, opened_at + timedelta(days=rng.randrange(0, 20), hours=rng.randrange(1, 8))]
        closed_at = max(min(limits + ([row["resolve_max"]] if row["resolve_max"] else [])), last_entry or opened_at)
        if row["tier"] not in (None, "inquiry_immediate"):
            ids["resolution"] += 1
            response = rng.choice(RESPONSES)
            out.resolutions.append({"id": ids["resolution"], "case_id": row["id"], "response": response,
                                    "outcome": "resolved", "alleged_violation": None, "letter_status": "none",
                                    "letter_text": "", "letter_note": "",
                                    "updated_by": row["assigned_to"], "updated_at": closed_at})
            events.append(audit.event_row(at=closed_at, actor=row["assigned_to"], action="resolution.update",
                                          entity="resolution", entity_id=ids["resolution"], case_id=row["id"],
                                          changes={"response": (None, response), "outcome": (None, "resolved")},
                                          key=key))
        row.update(status="closed", closed_at=closed_at, closed_by=row["assigned_to"], close_reason="resolved",
                   updated_at=closed_at)
        events.append(audit.event_row(at=closed_at, actor=row["assigned_to"], action="case.close", entity="case",
                                      entity_id=row["case_number"], case_id=row["id"],
                                      changes={"status": ("open", "closed"), "close_reason": (None, "resolved")}))
        summary.closed += 1
    elif row["status"] == "closed":
        row["closed_by"] = row["assigned_to"]
        summary.closed += 1
    elif last_entry is not None:
        row["next_follow_up_by"] = next_follow_up_due(profile, row["tier"], opened_at=opened_at,
                                                      last_entry_at=last_entry)
    if row["status"] == "open":
        clocks = [row[k] for k in ("respond_by", "acknowledge_by", "next_follow_up_by", "resolve_by") if row[k]]
        row["next_deadline"] = min(clocks) if clocks else None
    if draw["repeat_of"] is not None:
        events.append(audit.event_row(at=opened_at, actor=row["opened_by"], action="case.link", entity="case",
                                      entity_id=row["case_number"], case_id=row["id"],
                                      changes={"repeat_of": (None, draw["repeat_number"])}))


def _reset_sequences(uow: UnitOfWork) -> None:
    """PostgreSQL: the serial columns continue after the ids the fill gave explicitly."""
    if uow.engine.dialect.name != "postgresql":
        return
    for table in ("cases", "followup", "callback", "caselink", "resolution", "app_user"):
        uow.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))

