"""The callbacks screen's keys act as they are read, and the keys typed right behind them land in the dialog they
open (calldesk.screens.held_keys): before, a message's words went to the list, where its letters were the list's
keys (a, t, d, h), and the form opened empty."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input, Select

from calldesk.models import CallbackCreate
from calldesk.profiles import load_profile
from calldesk.screens.callbacks import AskForm, CallbacksScreen
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.read.callbacks_due import callbacks_for
from calldesk.store.services.callbacks import add_callback
from tests.ui.conftest import NOW
from tests.ui.steps import settle, until
from tests.ui.test_key_order import burst, typed


def _open(store: Store, who: Actor) -> list[Any]:
    with store.uow(readonly=True) as uow:
        return callbacks_for(uow.session, profile=load_profile("lausd"), username=who.username, today=NOW.date())


async def _callbacks(pilot: Any, app: Any) -> CallbacksScreen:
    await settle(pilot)
    app.push_screen(CallbacksScreen(app.desk))
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CallbacksScreen)
    return screen


async def test_a_message_typed_right_after_b_and_a_lands_in_the_form(make_app: Any, desk_store: Store,
                                                                      agent: Actor) -> None:
    """From the desk: b, a, the caller's name, Tab, the number, in one burst (a busy machine): the name's letters
    ('a' takes a message, 't' tries, 'd' returns) are the form's, not the list's."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, ["b", "a", *typed("Tad Adams"), "tab", *typed("2135550142")])
        assert await until(pilot, lambda: isinstance(app.screen, AskForm), 10), app.screen
        await settle(pilot)
        form = app.screen
        assert form.query_one("#f-name", Input).value == "Tad Adams"
        assert form.query_one("#f-phone", Input).value == "2135550142"
        assert isinstance(app.screen_stack[-2], CallbacksScreen)


async def test_the_result_typed_right_after_t_and_the_yes_after_d_are_the_dialogs(
        make_app: Any, desk_store: Store, agent: Actor, profile: Any) -> None:
    with desk_store.uow() as uow:
        add_callback(uow, actor=agent, profile=profile, data=CallbackCreate(caller_name="Rosa Diaz",
                                                                             received_at=NOW))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _callbacks(pilot, app)
        assert screen.query_one(DataTable).row_count == 1
        burst(app, ["t", "v"])  # voicemail: one try counted, still open
        assert await until(pilot, lambda: (_open(desk_store, agent) or [None])[0] is not None
                           and _open(desk_store, agent)[0].attempts == 1, 10)
        await settle(pilot)
        assert app.screen is screen
        burst(app, ["d", "y"])  # returned
        assert await until(pilot, lambda: _open(desk_store, agent) == [], 10), "y after d marked it returned"
        await settle(pilot)
        assert app.screen is screen


async def test_enter_typed_right_after_h_opens_the_filled_list(
        make_app: Any, desk_store: Store, staff: dict[str, Actor], profile: Any, monkeypatch: Any) -> None:
    """h opens the hand-on form, whose one field is a list of the people at work, read as it opens (here as slowly
    as from a busy PostgreSQL server): Enter typed straight after h waits until the list is filled, then opens it,
    and the name typed picks from it."""
    import time

    from calldesk.screens.case import action_dialogs

    real_staff_options = action_dialogs.staff_options

    def slowly(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)
        return real_staff_options(*args, **kwargs)

    monkeypatch.setattr(action_dialogs, "staff_options", slowly)
    sue, sam = staff["supervisor"], staff["specialist"]
    with desk_store.uow() as uow:
        add_callback(uow, actor=sue, profile=profile, data=CallbackCreate(caller_name="Rosa Diaz", received_at=NOW))
    app = make_app(actor=sue)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _callbacks(pilot, app)
        burst(app, ["h", "enter"])
        assert await until(pilot, lambda: isinstance(app.screen, AskForm)
                           and app.screen.query_one("#f-user", Select).expanded, 10), app.screen
        await pilot.press(*sam.username, "enter", "ctrl+s")
        assert await until(pilot, lambda: app.screen is screen and not _open(desk_store, sue), 10), app.screen
    assert [c.caller_name for c in _open(desk_store, sam)] == ["Rosa Diaz"]
