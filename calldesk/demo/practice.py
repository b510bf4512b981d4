"""The practice store: a separate SQLite file (never the real store) with a demo team and demo cases, in which
its user may act as any member of the team (`calldesk practice --as NAME`, or the desk's switch). New agents
train on it; every screen says PRACTICE.

What makes a store a practice store is a mark written when it is made; only such a store lets its user choose
whom to act as (on a real store the acting user is the OS login, or the database role, and nothing else).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from calldesk.demo.fill import fill_demo
from calldesk.errors import InvalidInput, StoreError
from calldesk.models import CaseCreate, StoreSecret, User, UserCreate
from calldesk.rules.profile import Profile
from calldesk.store.db import users as user_service
from calldesk.store.db.store import Store, open_store
from calldesk.store.services.cases import open_case
from calldesk.store.services.reference import ensure_reference

MARK = "practice"
# The team a newcomer works with: who, role, full name, languages.
TEAM = (("ana", "agent", "Ana Alvarez", "English, Spanish"), ("bo", "agent", "Bo Chen", "English"),
        ("pat", "program_specialist", "Pat Okafor", "English"), ("sam", "specialist", "Sam Reyes", "English, Spanish"),
        ("sue", "supervisor", "Sue Park", "English"), ("vic", "supervisor", "Vic Novak", "English"),
        ("rex", "respondent", "Rex Moore (principal)", "English"))
# A few calls the team takes on the practice day (in the profile's own categories), routed by the protocol to the
# team's own people.
CALLS = (("ana", "inquiry", "Where do I go to ask about this?"), ("ana", "concern", "It has been late all week."),
         ("bo", "complaint", "Nobody answered my letters, and the problem goes on."),
         ("bo", "concern", "The meeting was cancelled twice."), ("ana", "inquiry", "Which documents do I need?"))


def practice_path(data_home: Path) -> Path:
    return data_home / "practice.db"


def is_practice(store: Store) -> bool:
    """True when `store` was made by `make_practice` (its mark is there)."""
    with store.uow(readonly=True) as uow:
        return uow.session.get(StoreSecret, MARK) is not None


@dataclass
class PracticeSummary:
    path: Path
    team: list[str]
    cases: int


def make_practice(path: Path, *, profile: Profile, login: str, cases: int = 300,
                  progress: Callable[[int, int], None] | None = None) -> PracticeSummary:
    """Make the practice store at `path` (a new file: refused if one is there), marked, with the demo team, `cases`
    demo cases and the practice day's calls; `login` (the OS user) is its admin."""
    if path.exists():
        raise InvalidInput(f"A practice store is already at {path}; start it, or make it anew with --reset.")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = open_store(f"sqlite:///{path}", configured_user=login, protocol=profile.name, prepare=ensure_reference)
    try:
        with store.uow() as uow:
            uow.session.add(StoreSecret(name=MARK, value="1"))
            uow.commit()
        admin = store.actor()
        school = next(iter(profile.sites), "Roosevelt High")
        for name, role, full_name, languages in sorted(TEAM, key=lambda p: p[1] != "supervisor"):
            with store.uow() as uow:
                user_service.add_user(uow, actor=admin, data=UserCreate(
                    username=name, role=role, full_name=full_name, languages=languages,
                    supervisor="sue" if role in ("agent", "program_specialist", "specialist") else None,
                    places=school if role == "respondent" else ""))
        with store.uow() as uow:
            fill_demo(uow, admin, profile, cases, 1, progress=progress)
        categories = profile.categories
        for n, (who, kind, claim) in enumerate(CALLS):
            caller = store_as(store, who)
            category = categories[n % len(categories)] if categories else None
            with store.uow() as uow:
                open_case(uow, actor=caller.actor(), profile=profile, data=CaseCreate(
                    caller_name=f"Practice Caller {n + 1}", phone=f"(213) 555-09{n:02d}", call_type=kind,
                    category=category.name if category else None, school=school, claim=claim,
                    subcategory=category.subcategories[0] if category and category.subcategories else None))
    finally:
        store.close()
    return PracticeSummary(path, [name for name, *_ in TEAM], cases + len(CALLS))


def store_as(store: Store, who: str) -> Store:
    """The same practice store acting as team member `who` (refused on any store that is not a practice store,
    or for someone who is not on its team)."""
    if not is_practice(store):
        raise StoreError(f"{store.location} is not a practice store: you act there only as yourself.")
    with store.uow(readonly=True) as uow:
        user = uow.session.exec(select(User).where(User.username == who, User.active == True)).first()  # noqa: E712
    if user is None:
        raise InvalidInput(f"{who!r} is not on the practice team: choose one of {', '.join(team(store))}.")
    return Store(url=store.url, engine=store.engine, login=who, protocol=store.protocol)


def team(store: Store) -> list[str]:
    """The practice team's active members, by name."""
    with store.uow(readonly=True) as uow:
        return list(uow.session.exec(select(User.username).where(User.active == True)  # noqa: E712
                                     .order_by(User.username)))
