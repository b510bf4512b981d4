"""What an agent's start loads and does: no pydantic (profiles validated once, then read back), the cycle
collector paused until the store is open, no screen styled twice. Each start is a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.screen import Screen

from calldesk.app import CalldeskApp
from calldesk.profiles import cache_file, data_dir
from calldesk.store.db.store import open_store
from tests.ui.test_connect import until_open

ROOT = Path(__file__).resolve().parents[2]

DESK_START = textwrap.dedent(
    """
    import sys
    import calldesk.launch  # the console script: what `calldesk` runs
    from calldesk.app import CalldeskApp  # the desk's code, as run_desk loads it
    from calldesk.settings import load_settings
    from calldesk.profiles import load_profile

    profile = load_profile(load_settings().protocol)
    print(profile.title, len(profile.categories))
    print("pydantic" in sys.modules)
    """
)


def start(tmp_path: Path, code: str, *args: str, data: Path | None = None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLDESK_", "XDG_"))}
    env.update({"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
                "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
                "PYTHONPATH": str(ROOT)})
    if data is not None:
        env["CALLDESK_DATA_DIR"] = str(data)
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.split("\n")


def test_the_desk_starts_without_pydantic_once_its_profile_was_validated(tmp_path: Path) -> None:
    first = start(tmp_path, DESK_START)
    assert first[0] == "LAUSD Call Center 17"
    assert first[1] == "True", "the first start validates the files (with pydantic)"
    again = start(tmp_path, DESK_START)
    assert again[:2] == ["LAUSD Call Center 17", "False"], "the next start reads the validated profile back"


def test_an_edited_data_file_is_validated_again_in_the_next_start(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data-dir"
    shutil.copytree(data_dir(), data)
    assert start(tmp_path, DESK_START, data=data)[:2] == ["LAUSD Call Center 17", "True"]
    profile = data / "protocols" / "lausd.toml"
    profile.write_text(profile.read_text(encoding="utf-8").replace('title = "LAUSD Call Center"',
                                                                   'title = "LAUSD Parent Line"'), encoding="utf-8")
    assert start(tmp_path, DESK_START, data=data)[:2] == ["LAUSD Parent Line 17", "True"]
    assert start(tmp_path, DESK_START, data=data)[:2] == ["LAUSD Parent Line 17", "False"]
    # A broken data file is refused although a validated profile of the files as they were is kept.
    profile.write_text(profile.read_text(encoding="utf-8").replace("trend_threshold = 3", "trend_threshold = 1"),
                       encoding="utf-8")
    env_code = DESK_START.replace("profile = load_profile", "from calldesk.errors import ProfileError\n"
                                  "try:\n    profile = load_profile(load_settings().protocol)\n"
                                  "except ProfileError as exc:\n    print(exc.message); raise SystemExit(0)\n"
                                  "profile = load_profile")
    refused = start(tmp_path, env_code, data=data)
    assert "trend_threshold" in refused[0] and "greater than or equal to 2" in refused[0]


def test_a_damaged_cache_is_validated_again(tmp_path: Path) -> None:
    assert start(tmp_path, DESK_START)[1] == "True"
    code = ("from calldesk.profiles import cache_file, data_dir\n"
            "root = data_dir().resolve()\n"
            "print(cache_file(root / 'protocols' / 'lausd.toml', root))")
    kept = Path(start(tmp_path, code)[0])
    assert kept.is_file() and str(kept).startswith(str(tmp_path / "cache"))
    kept.write_bytes(kept.read_bytes()[:40])  # cut short (a disk filled up as it was written)
    assert start(tmp_path, DESK_START)[:2] == ["LAUSD Call Center 17", "True"]
    assert start(tmp_path, DESK_START)[:2] == ["LAUSD Call Center 17", "False"]


def test_the_profile_cache_lives_in_the_user_cache_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    root = data_dir().resolve()
    kept = cache_file(root / "protocols" / "lausd.toml", root)
    assert kept.parent == tmp_path / "elsewhere" / "calldesk" / "profiles"


COLLECTOR = textwrap.dedent(
    """
    import gc, sys
    import calldesk.launch
    from calldesk import collector
    collector.pause()  # as the console script does before it loads the desk
    from textual import on
    from calldesk.app import CalldeskApp, run_desk
    from calldesk.settings import Settings

    class Watch(CalldeskApp):
        def on_mount(self):
            print("start", gc.isenabled())
            super().on_mount()

        @on(CalldeskApp.StoreOpened)
        def _watch_opened(self):
            self.call_after_refresh(self._report)  # after every handler of the message

        def _report(self):
            print("opened", gc.isenabled(), gc.get_freeze_count() > 50_000, "sqlalchemy" in sys.modules)
            self.exit()

        def run(self, *args, **kwargs):
            super().run(headless=True, size=(120, 36))

    run_desk(Settings(database_url=sys.argv[1]), app_class=Watch)
    collector.resume()
    print("left", gc.isenabled())
    """
)


def test_the_collector_is_paused_for_the_start_and_back_once_the_store_is_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url).close()  # the store exists, its first admin is this OS login
    lines = start(tmp_path, COLLECTOR, url)
    assert lines[:3] == ["start False", "opened True True True", "left True"], lines


async def test_no_screen_is_styled_again_when_first_shown(make_app: Callable[..., CalldeskApp],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual resumes a mode's first screen twice; both showings find it styled as it mounted. A new theme still
    restyles a screen built before it."""
    restyled: list[str] = []  # the screens a showing restyles (Textual's Screen does what the event says)
    resume = Screen._on_screen_resume

    def counted(self: Screen[object], event: events.ScreenResume) -> None:
        if event.refresh_styles:
            restyled.append(type(self).__name__)
        resume(self, event)

    monkeypatch.setattr(Screen, "_on_screen_resume", counted)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await until_open(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "IntakeScreen"
        assert "DeskScreen" not in restyled and "IntakeScreen" not in restyled, restyled
        await pilot.press("escape")
        await pilot.pause()
        before = app.desk_screen.styles.background
        app.theme = "nord" if app.theme != "nord" else "textual-light"
        await pilot.pause()
        assert app.desk_screen.styles.background != before, "the desk took the new theme's colours"
