"""Where calldesk keeps its store and settings: platformdirs paths, CALLDESK_* environment, config file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from calldesk.errors import InvalidInput

APP_NAME = "calldesk"


def data_home() -> Path:
    """The user data directory (the default SQLite store lives here)."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_home() -> Path:
    """The user config directory (config.toml lives here)."""
    return Path(user_config_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{data_home() / 'calldesk.db'}"


class Settings(BaseSettings):
    """Settings from CALLDESK_* variables, then config.toml, then defaults."""

    model_config = SettingsConfigDict(env_prefix="CALLDESK_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    protocol: str = "lausd"
    # On SQLite the acting user is the OS login; this names another login on the same machine.
    user: str | None = None
    keymap: dict[str, str] = Field(default_factory=dict)
    theme: str = "textual-dark"


def config_file() -> Path:
    return config_home() / "config.toml"


def load_settings(**overrides: Any) -> Settings:
    """Settings with config.toml under the environment and explicit overrides on top."""
    file_values: dict[str, Any] = {}
    path = config_file()
    if path.exists():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InvalidInput(f"Cannot read the settings file {path}: {exc}") from exc
    env_settings = Settings()
    merged = {k: v for k, v in file_values.items() if k in Settings.model_fields}
    # Environment beats the file: keep what the environment set explicitly.
    merged.update(env_settings.model_dump(exclude_unset=True))
    merged.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**merged)
