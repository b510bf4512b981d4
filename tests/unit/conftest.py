"""Shared fixtures for the rules' unit tests: real profiles from `data/`, no environment leaking in."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calldesk.profiles import available_profiles, clear_profile_cache, data_dir, load_profile
from calldesk.rules.profile import Profile

LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")
PROFILE_NAMES = available_profiles()


@pytest.fixture(autouse=True)
def _no_calldesk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's CALLDESK_* variables must not change what the tests load.
    monkeypatch.delenv("CALLDESK_DATA_DIR", raising=False)
    monkeypatch.delenv("CALLDESK_PROTOCOL", raising=False)


@pytest.fixture(params=PROFILE_NAMES)
def profile(request: pytest.FixtureRequest) -> Profile:
    """Each shipped profile in turn."""
    return load_profile(request.param)


@pytest.fixture
def lausd() -> Profile:
    return load_profile("lausd")


@pytest.fixture
def area_offices() -> Profile:
    return load_profile("area_offices")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped data folder that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    clear_profile_cache()
    return target


def la(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A Los Angeles wall-clock time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=LA)


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A New York wall-clock time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=NY)
