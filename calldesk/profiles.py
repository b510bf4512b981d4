"""Protocol profiles from the TOML files under `data/`: the only module that reads them.

A profile file (`protocols/<name>.toml`) names its calendar, taxonomy and resource files; `calldesk.profile_files`
reads them all, validates them against the records of `calldesk.rules.profile` (with pydantic), and turns any
mistake into a ProfileError naming the file, the key and what is wrong.

A profile validated once is kept in the user cache directory, stamped with every data file's size and modification
time and with the validating code's: while none of them changes, the next start reads the validated profile back
(a pickle of plain dataclasses, about a millisecond) instead of loading pydantic and validating the files again
(about 0.1 s of an agent's start). Any edit, or a cache that cannot be read, means the files are validated again.
"""

from __future__ import annotations

import os
import pickle
import re
import stat
from contextlib import suppress
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path
from typing import Any

import calldesk
from calldesk.errors import ProfileError
from calldesk.rules.profile import Profile

ENV_DATA_DIR = "CALLDESK_DATA_DIR"
ENV_PROTOCOL = "CALLDESK_PROTOCOL"
DEFAULT_PROFILE = "lausd"
PROFILE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
LARGEST_PROFILE = 1_000_000  # bytes: the shipped profiles are a few kB
CACHE_FOLDER = "profiles"  # inside the user cache directory
_PACKAGE = Path(__file__).resolve().parent
# The code that decides what a validated profile is: a change to it makes every cached profile stale.
_VALIDATING_CODE = (_PACKAGE / "rules" / "profile.py", _PACKAGE / "rules" / "profile_fields.py",
                    _PACKAGE / "rules" / "taxonomy.py",
                    _PACKAGE / "profile_files.py")


def _code_stamp() -> tuple[tuple[str, int, int], ...]:
    stats = []
    for file in _VALIDATING_CODE:
        try:
            stat = file.stat()
        except OSError:  # (a zipped install without sources: the version alone stamps the code)
            continue
        stats.append((file.name, stat.st_mtime_ns, stat.st_size))
    return tuple(stats)


# Taken once: the checking code this process runs is the code it loaded (every load_profile used to stat it again).
_CODE_STAMP = _code_stamp()


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
        if not PROFILE_NAME.fullmatch(choice):
            raise ProfileError(f"'{choice[:80]}' is not a protocol profile name (letters, digits, _ and -, at most "
                               "64) nor a path to a .toml file.")
        root = _root(data_dir)
        path = root / "protocols" / f"{choice}.toml"
        if not path.is_file():
            names = available_profiles(root)
            listed = ", ".join(names) if names else "none"
            raise ProfileError(
                f"There is no protocol profile '{choice}' in {root / 'protocols'}: available profiles are {listed}."
            )
    try:
        own = path.stat()
    except OSError:
        raise ProfileError(f"{path}: the profile file does not exist or cannot be read.") from None
    if not stat.S_ISREG(own.st_mode) or own.st_size > LARGEST_PROFILE:  # /dev/zero would be read for ever
        raise ProfileError(f"{path} is not a protocol profile (not a regular file of at most "
                           f"{LARGEST_PROFILE // 1000} kB).")
    path, root = path.resolve(), root.resolve()
    # Any edited data file (calendar, taxonomy...) or validating code changes the stamp: the files are read again.
    files = sorted((str(file), file.stat()) for file in root.glob("**/*.toml"))
    stamp = (calldesk.__version__, *((name, s.st_mtime_ns, s.st_size) for name, s in files),
             ("", own.st_mtime_ns, own.st_size), *_CODE_STAMP)
    return _load(path, root, stamp)


def clear_profile_cache() -> None:
    """Forget every profile loaded by this process (the next load looks at the files again)."""
    _load.cache_clear()


def _root(folder: Path | None) -> Path:
    return Path(folder).expanduser() if folder is not None else data_dir()


@lru_cache(maxsize=32)
def _load(path: Path, root: Path, stamp: tuple[Any, ...]) -> Profile:
    cache = cache_file(path, root)
    cached = _read_cached(cache, stamp)
    if cached is not None:
        return cached
    from calldesk.profile_files import read_profile  # pydantic: loaded only when the files must be validated

    profile = read_profile(path, root)
    _write_cached(cache, stamp, profile)
    return profile


def cache_file(path: Path, root: Path) -> Path:
    """Where the validated profile at `path` (data folder `root`) is kept between runs."""
    from platformdirs import user_cache_dir

    name = blake2b(f"{path}\0{root}".encode(), digest_size=16).hexdigest()
    return Path(user_cache_dir("calldesk", appauthor=False)) / CACHE_FOLDER / f"{name}.pickle"


def _read_cached(cache: Path, stamp: tuple[Any, ...]) -> Profile | None:
    """The profile kept in `cache` if it was validated from the files as `stamp` describes them now."""
    try:
        with cache.open("rb") as file:
            kept_stamp, profile = pickle.load(file)
    except Exception:  # (absent, unreadable, truncated, or written by other code: validate the files again)
        return None
    return profile if kept_stamp == stamp and isinstance(profile, Profile) else None


def _write_cached(cache: Path, stamp: tuple[Any, ...], profile: Profile) -> None:
    partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(pickle.dumps((stamp, profile), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, cache)  # whole or not at all: a desk starting meanwhile reads the old one or none
    except OSError:  # a read-only or full cache costs the next start its validation, nothing else
        with suppress(OSError):
            partial.unlink()  # (a write cut short leaves no half file behind)
