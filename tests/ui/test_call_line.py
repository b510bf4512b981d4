"""ctrl+n shows the call screen prepared while the agent waited: typing lands in its first field at once, call after
call (one intake screen, emptied for each call)."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from calldesk.screens.desk import DeskScreen
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.screens.queue.screen import QueueScreen
from calldesk.widgets.intake_form import IntakeForm
from tests.ui.steps import SIZE, settle, until


async def prepared(pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    app = pilot.app

    def ready() -> bool:
        screen = app.prepared_call
        return screen is not None and bool(screen.query(IntakeForm)) and screen.form.ready

    assert await until(pilot, ready, 2), "no call was prepared"
    assert app.prepared_call is not None
    return app.prepared_call


async def in_a_new_call(pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    """ctrl+n on the desk once the next call is prepared: the call's screen."""
    await prepared(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, IntakeScreen)
    return pilot.app.screen


async def test_each_new_call_is_the_prepared_screen_and_takes_keys_at_once(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for caller in ("Ana Ruiz", "Bo Chen"):
            ready = await prepared(pilot)
            assert isinstance(app.screen, DeskScreen)
            app.post_message(events.Key("ctrl+n", None))
            for c in caller:  # queued behind ctrl+n, before the screen has done anything
                app.post_message(events.Key("space" if c == " " else c, c))
            await settle(pilot)
            assert app.screen is ready
            assert ready.query_one("#caller_name", Input).value == caller
            ready.query_one("#caller_name", Input).value = ""  # nothing worth a draft: Escape just leaves
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, DeskScreen)
        assert app.prepared_call is ready  # the same screen, emptied, waits for the next call


async def test_a_call_timer_starts_when_the_call_does_not_when_prepared(make_app) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from tests.ui.conftest import NOW

    now = [NOW]
    app = make_app(clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        ready = await prepared(pilot)
        now[0] = NOW + timedelta(minutes=7)  # the agent waited seven minutes for the phone to ring
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.screen is ready and ready.call.opened_at == now[0]


async def test_the_queue_during_a_call_then_ctrl_n_goes_back_to_the_open_call(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        call = await in_a_new_call(pilot)
        await pilot.press(*"Ana")
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.screen is call and call.query_one("#caller_name", Input).value == "Ana"


async def test_ctrl_n_during_a_call_keeps_that_call_and_types_into_the_new_one(make_app, desk_store) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.ui.steps import draft_forms

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await prepared(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        first = app.screen
        assert isinstance(first, IntakeScreen)
        first_call = first.call
        await pilot.press(*"Ana Ruiz")
        app.post_message(events.Key("ctrl+n", None))  # the second line rings: typing starts at once
        for c in "Bo":
            app.post_message(events.Key(c, c))
        await settle(pilot, 0.5)
        second = app.screen
        assert isinstance(second, IntakeScreen) and second.call.client_id != first_call.client_id  # a new call
        assert second.query_one("#caller_name", Input).value == "Bo"
    # The first call is kept as it was when ctrl+n was pressed: nothing typed after it went there.
    names = [json.loads(form)["caller_name"] for form in draft_forms(desk_store)]
    assert "Ana Ruiz" in names and set(names) <= {"Ana Ruiz", "Bo"}  # the new call may be drafted too, by now


async def test_the_call_timer_repaints_without_laying_out_the_screen(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The timer ticks once a second; a layout of the whole five-tab form costs tens of ms on the UI thread, beside
    the agent's keys, so a tick (a fixed-size line) must only repaint."""
    import time
    from datetime import timedelta

    from tests.ui.conftest import NOW

    began = time.monotonic()
    app = make_app(clock=lambda: NOW + timedelta(seconds=time.monotonic() - began))  # a clock that runs
    async with app.run_test(size=SIZE) as pilot:
        screen = await in_a_new_call(pilot)
        assert await until(pilot, lambda: screen.calendar_ready, 30)  # (the deadlines it brings are laid out)
        await settle(pilot)
        layouts: list[float] = []
        real = IntakeScreen._refresh_layout

        def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            layouts.append(1)
            return real(self, *args, **kwargs)

        monkeypatch.setattr(IntakeScreen, "_refresh_layout", counted)
        ticks = []
        timer = screen.query_one("#timer")
        monkeypatch.setattr(type(timer), "update", lambda self, *a, _u=type(timer).update, **k: (ticks.append(1),
                                                                                                  _u(self, *a, **k)))
        await pilot.pause(3.4)  # three ticks, each a second later on the clock (one may come late on a busy machine)
        assert len(ticks) >= 2 and layouts == []


async def test_at_80_columns_the_call_bar_keeps_the_case_number_in_sight(make_app) -> None:  # type: ignore[no-untyped-def]
    """The profile's prompt ("Introduce yourself · LAST: ...") gives way: the saved case's number stays readable."""
    from tests.ui.steps import choose, new_call, type_into

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Maria Gomez")
        await choose(pilot, "category", "Transportation")
        await pilot.press("ctrl+s")
        await settle(pilot)
        number = screen.query_one("#case-number")
        shown = str(number.render())[: number.region.width]
        assert number.region.width >= 28 and shown.startswith("Case 2026-000001 · open"), (number.region, shown)
