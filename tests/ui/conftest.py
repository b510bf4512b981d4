"""UI fixtures: the real app on a real SQLite store (UI tests run on SQLite only), with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calldesk.app import CalldeskApp
from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.reference import sync_reference

LA = ZoneInfo("America/Los_Angeles")
# Monday 23 Nov 2026, 10:00 in Los Angeles: the week of Thanksgiving.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LA)


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def backend() -> str:
    """UI tests use the embedded SQLite store only."""
    return "sqlite"


@pytest.fixture
def profile() -> Profile:
    return load_profile("lausd")


@pytest.fixture
def desk_store(store: Store, admin: Actor, profile: Profile) -> Store:
    """The test store with the profile's taxonomy and resource directory loaded (as on a first start)."""
    with store.uow() as uow:
        sync_reference(uow, actor=admin, profile=profile)
        uow.commit()
    return store


@pytest.fixture
def agent(staff: dict[str, Actor]) -> Actor:
    return staff["agent"]


@pytest.fixture(autouse=True)
def quick_debounce(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Shorter pauses before lookups, autosaves and the abuse scan, so tests wait less (same behaviour)."""
    monkeypatch.setattr(IntakeScreen, "LOOKUP_DELAY", 0.05)
    monkeypatch.setattr(IntakeScreen, "AUTOSAVE_DELAY", 0.1)
    monkeypatch.setattr(IntakeScreen, "ABUSE_SCAN_DELAY", 0.1)
    yield


@pytest.fixture
def make_app(desk_store: Store, agent: Actor, profile: Profile):  # type: ignore[no-untyped-def]
    """A factory: the desk app for the agent on the test store, with the clock fixed."""

    def make(actor: Actor | None = None, **options: object) -> CalldeskApp:
        options.setdefault("clock", fixed_clock)
        app = CalldeskApp(desk_store, actor or agent, profile, **options)  # type: ignore[arg-type]
        app.animation_level = "none"  # the tab underline's slide only slows tests down
        return app

    return make
