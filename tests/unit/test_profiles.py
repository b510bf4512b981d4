"""Loading protocol profiles: the shipped data, the data folder, and broken files named precisely."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

import calldesk
from calldesk.errors import ProfileError
from calldesk.profiles import available_profiles, data_dir, load_profile
from calldesk.rules.profile import ROLES, TIERS, Profile, Span
from tests.unit.conftest import LA, NY


def test_the_four_seed_agencies_ship() -> None:
    assert available_profiles() == ["area_offices", "lausd", "oc_ccts", "rochester"]


def test_default_is_lausd_and_the_environment_can_change_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_profile().name == "lausd"
    monkeypatch.setenv("CALLDESK_PROTOCOL", "rochester")
    assert load_profile().name == "rochester"
    assert load_profile("oc_ccts").name == "oc_ccts"


def test_data_dir_is_the_repository_data_unless_configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert data_dir() == Path(calldesk.__file__).resolve().parent.parent / "data"
    monkeypatch.setenv("CALLDESK_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path
    assert available_profiles() == []


@pytest.mark.parametrize(
    ("name", "tz", "day_kind", "appeal"),
    [
        ("lausd", LA, "business", None),
        ("area_offices", NY, "school", Span(amount=5, unit="days")),
        ("rochester", NY, "business", None),
        ("oc_ccts", LA, "business", None),
    ],
)
def test_profile_basics(name: str, tz: object, day_kind: str, appeal: Span | None) -> None:
    profile = load_profile(name)
    assert (profile.tz, profile.day_kind, profile.appeal_within) == (tz, day_kind, appeal)


def test_shared_numbers_from_the_protocol(profile: Profile) -> None:
    assert set(profile.tiers) == set(TIERS)
    assert (profile.repeat_window_days, profile.trend_threshold, profile.trend_window_days) == (30, 3, 30)
    assert profile.callback_within == Span(amount=1, unit="days")
    assert profile.monthly_report_due_day == 10
    assert all(rule.owner_role in ROLES for rule in profile.tiers.values())
    assert profile.tiers["concern"].follow_up_every == Span(amount=2, unit="days")
    assert profile.category("discrimination") is not None
    assert profile.resources and profile.ladder and profile.abuse_keywords


def test_lausd_tiers_match_the_table(lausd: Profile) -> None:
    tiers = lausd.tiers
    assert tiers["inquiry_immediate"].resolve_target == Span(amount=24, unit="hours")
    assert tiers["inquiry_followup"].respond_within == Span(amount=48, unit="hours")
    assert tiers["concern"].resolve_target == Span(amount=10, unit="days")
    assert tiers["complaint"].resolve_target == Span(amount=15, unit="days")
    assert lausd.intake_within == Span(amount=24, unit="hours")


def test_area_offices_acknowledge_and_written_response(area_offices: Profile) -> None:
    concern = area_offices.tiers["concern"]
    assert concern.acknowledge_within == Span(amount=2, unit="days")
    assert concern.resolve_target == Span(amount=10, unit="days")
    assert date(2026, 12, 24) in area_offices.closures
    assert area_offices.closure_names[date(2026, 12, 24)] == "Winter recess"


def test_la_school_calendar_has_the_winter_break() -> None:
    closures = load_profile("lausd").closures
    assert {date(2026, 12, 21), date(2027, 1, 1)} <= closures


def test_category_lookup_is_case_and_space_insensitive(lausd: Profile) -> None:
    found = lausd.category("  special   EDUCATION (cse) ")
    assert found is not None and found.special_education
    assert lausd.category("Safety and security").safety  # type: ignore[union-attr]
    assert lausd.category("Nope") is None and lausd.category(None) is None


def test_loaded_profiles_are_cached(lausd: Profile) -> None:
    assert load_profile("lausd") is lausd


def test_load_by_path(data_copy: Path) -> None:
    profile = load_profile(str(data_copy / "protocols" / "rochester.toml"))
    assert profile.name == "rochester" and profile.ladder[-1].title == "Superintendent's Office"


def test_unknown_profile_lists_the_available_ones() -> None:
    with pytest.raises(ProfileError, match="'nyc'.*area_offices, lausd, oc_ccts, rochester"):
        load_profile("nyc")


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    # A fresh modification time, so the cache sees a new file even within one clock tick.
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))


@pytest.mark.parametrize(
    ("file", "old", "new", "key", "problem"),
    [
        ("protocols/lausd.toml", 'title = "LAUSD Call Center"\n', 'title = "LAUSD\n', "", "not valid TOML"),
        ("protocols/lausd.toml", 'follow_up_every = { amount = 2, unit = "days" }',
         'follow_up_every = { amount = 2, unit = "weeks" }', "tiers.concern.follow_up_every.unit", "'weeks'"),
        ("protocols/lausd.toml", "respond_within = { amount = 0", "respnd_within = { amount = 0",
         "tiers.inquiry_immediate.respnd_within", "not a known key"),
        ("protocols/lausd.toml", "[tiers.complaint]", "[tiers.complaints]", "tiers.complaints",
         "inquiry_immediate"),
        ("protocols/lausd.toml", 'role = "supervisor"', 'role = "boss"', "ladder.0.role", "'boss' is not a role"),
        ("protocols/lausd.toml", 'timezone = "America/Los_Angeles"', 'timezone = "Mars/Olympus"', "timezone",
         "not a known time zone"),
        ("protocols/lausd.toml", "repeat_window_days = 30\n", "", "repeat_window_days", "is missing"),
        ("protocols/lausd.toml", "trend_threshold = 3", 'trend_threshold = "three"', "trend_threshold",
         "'three'"),
        ("protocols/lausd.toml", 'taxonomy = "schools.toml"', 'taxonomy = "nope.toml"', "taxonomy",
         "nope.toml does not exist"),
        ("protocols/lausd.toml", 'name = "lausd"', 'name = "la"', "name", "must match"),
        ("taxonomies/schools.toml", 'route_to = "civil rights coordinator"\n', "", "categories.15",
         "needs route_to"),
        ("calendars/la_schools.toml", "end = 2025-11-28", "end = 2025-11-20", "closures.0", "before start"),
        ("resources/lausd.toml", 'department = "Transportation Services Division"\n', "",
         "resources.0.department", "is missing"),
        ("abuse_keywords.toml", "keywords = [", "words = [", "keywords", "is missing"),
        ("protocols/lausd.toml", 'due = "last_business_day"', 'due = "business_day"', "report_chain.0",
         "needs day = N"),
        ("protocols/lausd.toml", 'call_types = ["concern"]', 'call_types = ["complaint"]', "retention",
         "in two retention classes"),
        ("protocols/lausd.toml", 'report_log = "ccts"', 'report_log = "diary"', "report_log", "'diary'"),
        ("protocols/lausd.toml", "years = 5", "years = 0", "retention.0.years", "greater than or equal to 1"),
    ],
)
def test_broken_files_name_the_file_key_and_problem(
    data_copy: Path, file: str, old: str, new: str, key: str, problem: str
) -> None:
    broken = data_copy / file
    _break(broken, old, new)
    with pytest.raises(ProfileError) as caught:
        load_profile("lausd", data_dir=data_copy)
    message = caught.value.message
    assert str(broken) in message
    assert f": {key}:" in message if key else "line" in message
    assert problem in message


def test_a_fixed_file_is_read_again(data_copy: Path) -> None:
    path = data_copy / "protocols" / "lausd.toml"
    assert load_profile("lausd", data_dir=data_copy).title == "LAUSD Call Center"
    _break(path, 'title = "LAUSD Call Center"', 'title = "LAUSD Parent Line"')
    assert load_profile("lausd", data_dir=data_copy).title == "LAUSD Parent Line"


def test_an_edited_taxonomy_is_read_again(data_copy: Path) -> None:
    assert load_profile("lausd", data_dir=data_copy).category("Busing") is None
    _break(data_copy / "taxonomies" / "schools.toml", 'name = "Transportation"', 'name = "Busing"')
    assert load_profile("lausd", data_dir=data_copy).category("Busing") is not None


def test_profiles_can_key_a_cache(lausd: Profile) -> None:
    assert {lausd: "cached"}[load_profile("lausd")] == "cached"
