"""The desk is on screen before the store opens; the store opens in a worker and the desk says who is in."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Static

from calldesk.app import CalldeskApp
from calldesk.errors import UnknownUser
from calldesk.store.store import Store, open_store
from calldesk.store.users import os_login
from tests.ui.conftest import fixed_clock


async def test_the_store_opens_after_the_desk_is_up_and_the_desk_then_says_who_is_in(desk_store: Store) -> None:
    release = threading.Event()

    def slow_open() -> Store:
        release.wait(10)  # the desk must already be usable while this waits
        return open_store(desk_store.url, configured_user="ana")

    from tests.conftest import add_user

    add_user(desk_store, desk_store.actor(), "ana", "agent")
    app = CalldeskApp(open_store=slow_open, protocol="lausd", clock=fixed_clock)
    async with app.run_test(size=(120, 36)) as pilot:
        who = app.screen.query_one("#who", Static)
        assert "Opening the store" in str(who.render())
        await pilot.press("ctrl+n")  # a call can start while the store is still opening
        await pilot.pause()
        assert app.screen.__class__.__name__ == "IntakeScreen"
        await pilot.press("escape")
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Signed in as ana (agent)" in str(app.desk_screen.query_one("#who", Static).render())
    app.desk.store.close()


def test_an_unknown_user_gets_one_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    from calldesk.app import run_desk
    from calldesk.settings import Settings

    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url, configured_user="desk_admin").close()  # the store exists; the OS user is not a user
    settings = Settings(database_url=url)

    class Headless(CalldeskApp):
        def run(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            super().run(headless=True, size=(120, 36))

    with pytest.raises(UnknownUser, match=f"calldesk user add {os_login()}"):
        run_desk(settings, app_class=Headless)
