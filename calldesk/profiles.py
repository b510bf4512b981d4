"""Protocol profiles from the TOML files under `data/`: the only module that reads them.

A profile file (`protocols/<name>.toml`) names its calendar, taxonomy and resource files; this module
reads them all, validates them with the models of `calldesk.rules.profile`, and turns any mistake into a
ProfileError naming the file, the key and what is wrong.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

import calldesk
from calldesk.errors import ProfileError
from calldesk.rules.profile import Category, Profile, Resource

ENV_DATA_DIR = "CALLDESK_DATA_DIR"
ENV_PROTOCOL = "CALLDESK_PROTOCOL"
DEFAULT_PROFILE = "lausd"
ABUSE_KEYWORDS_FILE = "abuse_keywords.toml"
# Keys of a profile file that name another file, and the folder that file lives in.
_REFERENCES = {"calendar": "calendars", "taxonomy": "taxonomies", "resources": "resources"}
_REQUIRED_REFERENCES = ("taxonomy", "resources")
# Profile fields filled from the referenced files, never written in the profile itself.
_LOADED_FIELDS = ("closures", "closure_names", "categories", "abuse_keywords")
_M = TypeVar("_M", bound=BaseModel)


class _DataFile(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Closure(_DataFile):
    name: str = Field(min_length=1)
    date: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    @model_validator(mode="after")
    def _one_day_or_a_range(self) -> _Closure:
        if self.date is not None and (self.start or self.end):
            raise ValueError("give either date, or start and end, not both")
        if self.date is None and (self.start is None or self.end is None):
            raise ValueError("give date (one day) or both start and end (a range)")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def days(self) -> list[dt.date]:
        if self.date is not None:
            return [self.date]
        assert self.start is not None and self.end is not None
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


class _CalendarFile(_DataFile):
    closures: list[_Closure] = Field(default_factory=list)


class _TaxonomyFile(_DataFile):
    categories: list[Category]


class _ResourceFile(_DataFile):
    resources: list[Resource]


class _KeywordFile(_DataFile):
    keywords: list[str]


def data_dir() -> Path:
    """The data folder: $CALLDESK_DATA_DIR, else the copy inside an installed wheel, else `<repo>/data`."""
    configured = os.environ.get(ENV_DATA_DIR)
    if configured:
        return Path(configured).expanduser()
    package = Path(calldesk.__file__).resolve().parent
    packaged = package / "_data"
    return packaged if packaged.is_dir() else package.parent / "data"


def available_profiles(data_dir: Path | None = None) -> list[str]:
    """Names of the profiles in the data folder's `protocols/`, sorted."""
    folder = _root(data_dir) / "protocols"
    return sorted(path.stem for path in folder.glob("*.toml")) if folder.is_dir() else []


def load_profile(name_or_path: str | None = None, *, data_dir: Path | None = None) -> Profile:
    """The validated profile named `name_or_path` (a profile name or a path to a .toml file).

    None means $CALLDESK_PROTOCOL, else "lausd". Raises ProfileError if the profile is unknown or broken.
    Loaded profiles are cached per file; editing any data file makes the next call read them again.
    """
    choice = name_or_path or os.environ.get(ENV_PROTOCOL) or DEFAULT_PROFILE
    if choice.endswith(".toml") or os.sep in choice or "/" in choice:
        path = Path(choice).expanduser()
        default_root = path.parent.parent if path.parent.name == "protocols" else None
        root = _root(data_dir or default_root)
    else:
        root = _root(data_dir)
        path = root / "protocols" / f"{choice}.toml"
        if not path.is_file():
            names = available_profiles(root)
            listed = ", ".join(names) if names else "none"
            raise ProfileError(
                f"There is no protocol profile '{choice}' in {root / 'protocols'}: available profiles are {listed}."
            )
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise ProfileError(f"{path}: the profile file does not exist or cannot be read.") from None
    # Any edited data file (calendar, taxonomy...) changes the stamp, so the profile is read again.
    stamp = max([stamp, *(file.stat().st_mtime_ns for file in root.glob("**/*.toml"))])
    return _load(path.resolve(), root.resolve(), stamp)


def clear_profile_cache() -> None:
    """Forget every loaded profile (the next load reads the files again)."""
    _load.cache_clear()


def _root(folder: Path | None) -> Path:
    return Path(folder).expanduser() if folder is not None else data_dir()


@lru_cache(maxsize=32)
def _load(path: Path, root: Path, _stamp: int) -> Profile:
    raw = _read_toml(path)
    if raw.get("name") is not None and raw.get("name") != path.stem:
        raise ProfileError(f"{path}: name: is '{raw.get('name')}' but the file is {path.name}; they must match.")
    for key in _LOADED_FIELDS:
        if key in raw:
            raise ProfileError(f"{path}: {key}: is read from the referenced data files; remove it here.")
    files = {key: _referenced_file(path, root, raw, key) for key in _REFERENCES}

    closures: dict[dt.date, str] = {}
    if files["calendar"] is not None:
        for closure in _parse(files["calendar"], _CalendarFile).closures:
            closures.update({day: closure.name for day in closure.days()})
    taxonomy = _parse(_required(files["taxonomy"]), _TaxonomyFile)
    directory = _parse(_required(files["resources"]), _ResourceFile)
    keywords = _parse(root / ABUSE_KEYWORDS_FILE, _KeywordFile)

    values: dict[str, Any] = {
        **raw,
        "closures": frozenset(closures),
        "closure_names": closures,
        "categories": taxonomy.categories,
        "resources": directory.resources,
        "abuse_keywords": keywords.keywords,
    }
    try:
        return Profile.model_validate(values)
    except ValidationError as exc:
        raise _profile_error(path, exc) from None


def _referenced_file(path: Path, root: Path, raw: dict[str, Any], key: str) -> Path | None:
    """The data file that the profile's `key` names (removed from `raw`), checked to exist."""
    folder = root / _REFERENCES[key]
    value = raw.pop(key, None)
    if value is None:
        if key in _REQUIRED_REFERENCES:
            raise ProfileError(f"{path}: {key}: is missing; name a file in {folder}.")
        return None
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{path}: {key}: must be the name of a file in {folder} (a string).")
    target = folder / value
    if not target.is_file():
        raise ProfileError(f"{path}: {key}: the file {target} does not exist.")
    return target


def _required(file: Path | None) -> Path:
    assert file is not None  # _referenced_file raised already when a required file is missing
    return file


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{path}: the file does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: the file cannot be read ({exc}).") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}.") from None


def _parse(path: Path, model: type[_M]) -> _M:
    try:
        return model.model_validate(_read_toml(path))
    except ValidationError as exc:
        raise _profile_error(path, exc) from None


def _profile_error(path: Path, exc: ValidationError) -> ProfileError:
    problems = []
    for error in exc.errors(include_url=False):
        key = ".".join(str(part) for part in error["loc"] if part != "[key]") or "(top level)"
        problems.append(f"{path}: {key}: {_problem(error)}")
    return ProfileError("; ".join(problems))


def _problem(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a known key (check the spelling)"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing") or kind in ("literal_error", "enum"):
        return f"{message} (found {error['input']!r})"
    return message
