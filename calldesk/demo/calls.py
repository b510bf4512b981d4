"""Synthetic callers and calls: who calls (the same phone, email or a common name again), when (weekdays busy),
about what (the profile's taxonomy, its schools and a district's departments)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import Any

from calldesk.rules.calendar import calendar_for
from calldesk.rules.contact import name_words, normalise_name
from calldesk.rules.profile import Profile

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
CLAIMS = ("Caller asked about {sub} at {place}.", "Parent reports a problem with {sub} at {place}.",
          "Caller wants to know the next steps for {sub}.", "Follow-up on {sub}: caller was not called back.",
          "Caller asked who handles {sub} for {place}.")
# The draw's fields that are the case's own (the rest are the caller's, or dice for its later history).
CASE_FIELDS = ("category", "subcategory", "school", "department", "call_type", "channel", "source",
               "needs_follow_up", "urgent", "special_education", "safety", "due_process", "claim")


@dataclass
class Caller:
    name: str
    phone: str | None
    email: str | None
    language: str
    relationship: str


@lru_cache(maxsize=64)
def _table(choices: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    """The names and cumulative weights of `choices` (what rng.choices computes from weights on every call)."""
    return [c for c, _ in choices], list(accumulate(w for _, w in choices))


def weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    names, cumulative = _table(choices)
    return rng.choices(names, cum_weights=cumulative)[0]


def callers(seed: int) -> Callable[[int], Caller]:
    """The caller numbered `index` (the same index is the same caller: frequent callers are drawn once)."""
    @lru_cache(maxsize=65536)
    def caller(index: int) -> Caller:
        rng = random.Random(seed * 1_000_003 + index)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        phone = (f"+1{rng.choice(AREAS)}{rng.randint(200, 999)}{index % 10000:04d}"
                 if rng.random() < 0.85 else None)
        email = f"{first.lower()}.{last.lower()}{index}@example.org" if rng.random() < 0.4 or phone is None else None
        relationship = "parent_guardian" if rng.random() < 0.8 else rng.choice(("student", "relative",
                                                                                "community_member"))
        return Caller(f"{first} {last}", phone, email, weighted(rng, LANGUAGES), relationship)
    return caller


def schools(profile: Profile) -> list[str]:
    return list(profile.sites) + [f"{place} {kind}" for place in PLACES for kind in KINDS]


def days(start: datetime, count: int, cases: int, profile: Profile) -> Iterator[tuple[datetime, int]]:
    """Each of `count` days from `start` (local midnight) with its number of cases: weekdays busy, weekends
    quiet."""
    calendar = calendar_for(profile)
    first = calendar.local(start).date()
    weights = [1.0 if (first + timedelta(d)).weekday() < 5 else 0.1 for d in range(count)]
    total, done, running = sum(weights), 0, 0.0
    for offset, weight in enumerate(weights):
        running += weight
        upto = round(cases * running / total)
        local = datetime.combine(first + timedelta(offset), time(0), tzinfo=calendar.local(start).tzinfo)
        yield local, upto - done
        done = upto


def draw(rng: random.Random, caller: Caller, categories: list[Any], places: list[str]) -> dict[str, Any]:
    """One call: its case fields (CASE_FIELDS), its caller, and dice for its later history (r, r2, r3)."""
    category = rng.choice(categories) if categories else None
    sub = rng.choice(category.subcategories) if category is not None and category.subcategories else None
    at_school = rng.random() < 0.8
    place = rng.choice(places) if at_school else None
    return {
        "caller": caller, "category": category.name if category else None, "subcategory": sub,
        "school": place, "department": None if at_school else rng.choice(DEPARTMENTS),
        "call_type": weighted(rng, CALL_TYPES), "channel": weighted(rng, CHANNELS),
        "source": weighted(rng, SOURCES), "needs_follow_up": rng.random() < 0.3,
        "urgent": rng.random() < 0.03, "special_education": rng.random() < 0.04,
        "safety": rng.random() < 0.02, "due_process": rng.random() < 0.005,
        "claim": rng.choice(CLAIMS).format(sub=(sub or "a question").lower(), place=place or "the district"),
        "r": rng.random(), "r2": rng.random(), "r3": rng.random(),
    }


def call_fields(drawn: dict[str, Any]) -> dict[str, Any]:
    """The call's fields as the intake form's cleaning leaves them (the caller's name keyed, phone digits)."""
    caller: Caller = drawn["caller"]
    phone = caller.phone
    return {**{name: drawn[name] for name in CASE_FIELDS}, "caller_name": caller.name,
            "caller_name_key": normalise_name(caller.name), "caller_name_words": name_words(caller.name),
            "relationship": caller.relationship, "phone": phone, "phone_digits": phone.lstrip("+") if phone else None,
            "email": caller.email, "preferred_contact": "phone" if phone else "email", "language": caller.language}
