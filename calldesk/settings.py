"""Where calldesk keeps its store and settings: platformdirs paths, CALLDESK_* environment, config file."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir

from calldesk.errors import InvalidInput

APP_NAME = "calldesk"
ENV_PREFIX = "CALLDESK_"


def data_home() -> Path:
    """The user data directory (the default SQLite store lives here)."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_home() -> Path:
    """The user config directory (config.toml lives here)."""
    return Path(user_config_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{data_home() / 'calldesk.db'}"


@dataclass(frozen=True)
class Settings:
    """Settings: explicit options, then CALLDESK_* variables, then config.toml, then defaults.

    A plain dataclass, checked by `load_settings`: four values of text do not justify loading pydantic (about
    0.1 s) on every start of the desk.
    """

    database_url: str = field(default_factory=default_database_url)
    protocol: str = "lausd"
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str = "textual-dark"


_NAMES = tuple(f.name for f in fields(Settings))


def config_file() -> Path:
    return config_home() / "config.toml"


def _from_environment() -> dict[str, Any]:
    # Only scalar settings come from the environment; the keymap lives in the file.
    return {name: os.environ[ENV_PREFIX + name.upper()] for name in ("database_url", "protocol", "theme")
            if os.environ.get(ENV_PREFIX + name.upper())}


def load_settings(**overrides: Any) -> Settings:
    """Settings with config.toml under the environment and explicit overrides on top."""
    values: dict[str, Any] = {}
    path = config_file()
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        values = {}
    except (OSError, UnicodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"Cannot read the settings file {path}: {exc}") from None
    values = {k: v for k, v in values.items() if k in _NAMES}
    values.update(_from_environment())
    values.update({k: v for k, v in overrides.items() if v is not None})
    problem = _problem(values)
    if problem is not None:
        where, what = problem
        raise InvalidInput(f"Setting '{where}' in {path} or the environment: {what}")
    return Settings(**values)


def _problem(values: dict[str, Any]) -> tuple[str, str] | None:
    """The first setting of the wrong kind, and what it should be; None if every one is right."""
    for name, value in values.items():
        if name == "keymap":
            if not isinstance(value, dict):
                return name, "must be a table of binding id = keys"
            wrong = next((k for k, v in value.items() if not isinstance(v, str)), None)
            if wrong is not None:
                return f"keymap.{wrong}", "must be text (the keys, e.g. \"f5\")"
        elif not isinstance(value, str):
            return name, "must be text"
        elif name == "protocol" and not value.strip():
            return name, "must name a protocol profile (lausd, area_offices, ...) or a .toml file, not be empty"
    return None
