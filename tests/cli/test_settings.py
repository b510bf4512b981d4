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


def test_an_empty_protocol_is_refused_not_a_store_opened_under_no_protocol(db_url: str, config: Path) -> None:
    # `--protocol ""` opened the store under the protocol "": every command, a read too, found no categories of
    # that protocol and loaded LAUSD's again (deleted and re-added, a reference.sync event in the trail each time).
    from tests.cli.test_cli import run

    assert run(db_url, "case", "list")[0] == 0  # (the first open loads the default profile's categories)
    _, before, _ = run(db_url, "db", "check", "--json")
    code, out, err = run(db_url, "--protocol", "", "case", "list")
    assert code == 1 and out == "" and err.startswith("error: --protocol is empty: name a protocol profile")
    assert len(err.strip().splitlines()) == 1
    assert run(db_url, "db", "check", "--json")[1] == before
    config.write_text('protocol = ""\n')
    code, out, err = run(db_url, "case", "list")
    assert code == 1 and "Setting 'protocol'" in err and "not be empty" in err and len(err.strip().splitlines()) == 1
    assert run(db_url, "--protocol", "lausd", "db", "check", "--json")[1] == before
