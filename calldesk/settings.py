"""Where calldesk keeps its store and settings: platformdirs paths, CALLDESK_* environment, config file."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class Settings(BaseModel):
    """Settings: explicit options, then CALLDESK_* variables, then config.toml, then defaults."""

    # A plain model (not pydantic-settings): four variables do not justify its import on every start.
    model_config = ConfigDict(extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    protocol: str = "lausd"
    keymap: dict[str, str] = Field(default_factory=dict)
    theme: str = "textual-dark"


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
    values = {k: v for k, v in values.items() if k in Settings.model_fields}
    values.update(_from_environment())
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"Setting '{where}' in {path} or the environment: {first['msg']}") from None
