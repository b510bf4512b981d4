"""Settings: options beat the environment, which beats config.toml; a bad file is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from calldesk.errors import InvalidInput
from calldesk.settings import config_file, load_settings


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = config_file()
    path.parent.mkdir(parents=True)
    return path


def test_option_beats_environment_beats_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config.write_text('protocol = "rochester"\ntheme = "nord"\n[keymap]\n"app.new_call" = "f5"\n')
    assert load_settings().protocol == "rochester"
    monkeypatch.setenv("CALLDESK_PROTOCOL", "oc_ccts")
    settings = load_settings()
    assert (settings.protocol, settings.theme, settings.keymap) == ("oc_ccts", "nord", {"app.new_call": "f5"})
    assert load_settings(protocol="area_offices").protocol == "area_offices"


def test_a_broken_settings_file_is_refused_in_one_line(config: Path) -> None:
    config.write_text("protocol = [unclosed")
    with pytest.raises(InvalidInput, match="Cannot read the settings file"):
        load_settings()
    config.write_text('keymap = "not a table"')
    with pytest.raises(InvalidInput, match="keymap"):
        load_settings()
