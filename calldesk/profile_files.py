"""Reading and validating a profile's TOML files with pydantic (`calldesk.profiles` calls it when its cache of
validated profiles does not hold the files as they are now, so an ordinary start does not load pydantic).

Every mistake becomes a ProfileError naming the file, the key and what is wrong.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from calldesk.errors import ProfileError
from calldesk.rules.profile import Category, Profile, Resource

ABUSE_KEYWORDS_FILE = "abuse_keywords.toml"
# Keys of a profile file that name another file, and the folder that file lives in.
_REFERENCES = {"calendar": "calendars", "taxonomy": "taxonomies", "resources": "resources"}
_REQUIRED_REFERENCES = ("taxonomy", "resources")
# Profile fields filled from the referenced files, never written in the profile itself.
_LOADED_FIELDS = ("closures", "closure_names", "categories", "abuse_keywords")
_M = TypeVar("_M", bound=BaseModel)
_PROFILE = TypeAdapter(Profile)


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


def read_profile(path: Path, root: Path) -> Profile:
    """The profile at `path` (in the data folder `root`) with every file it names, read and validated."""
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
        return _PROFILE.validate_python(values)
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
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        return "is not a known key (check the spelling)"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing") or kind in ("literal_error", "enum"):
        return f"{message} (found {error['input']!r})"
    return message
