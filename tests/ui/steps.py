"""What an agent does at the keyboard, as small async steps for Pilot tests."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import col, select
from textual import events
from textual.pilot import Pilot
from textual.widgets import Select

from calldesk.models import Case, CasePublic, Draft
from calldesk.screens.intake.screen import IntakeScreen
from calldesk.store.db.store import Store

SIZE = (120, 36)


async def until(pilot: Pilot[None], done: Callable[[], bool], seconds: float) -> bool:
    """Poll `done` every 50 ms for up to `seconds` (a loaded machine is slow); what it says last."""
    for _ in range(round(seconds / 0.05)):
        if done():
            return True
        await pilot.pause(0.05)
    return done()


async def settle(pilot: Pilot[None], wait: float = 0.15) -> None:
    """Let debounce timers fire, then every worker finish, then the screen catch up."""
    await pilot.pause(wait)

    def timers_fired() -> bool:
        screen = pilot.app.screen
        return not (isinstance(screen, IntakeScreen) and screen.debouncing)

    await until(pilot, timers_fired, 5)  # a loaded machine fires the timers late: wait for them, up to 5 s more
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def new_call(pilot: Pilot[None]) -> IntakeScreen:
    await pilot.press("ctrl+n")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    # The hidden tabs mount just after the first paint, the deadlines' holiday tables load at the agent's first
    # pause (each up to 30 s on a loaded machine).
    assert await until(pilot, lambda: screen.form_ready, 30), "every tab of the call's form mounted"
    await until(pilot, lambda: screen.calendar_ready, 30)
    workers = [(w.name, w.state.name, w.error) for w in pilot.app.workers if w.group == "calendar"]
    assert screen.calendar_ready, f"the holiday tables loaded (calendar workers: {workers})"
    return screen


async def call_from(pilot: Pilot[None], phone: str) -> IntakeScreen:
    """A new call from `phone`, typed once the desk is up, with the caller's earlier calls looked up."""
    await settle(pilot)
    intake = await new_call(pilot)
    await type_into(pilot, "phone", phone)
    await settle(pilot, 0.3)
    return intake


async def caller_and_topic(pilot: Pilot[None], name: str, phone: str, category: str) -> IntakeScreen:
    """A new call: the caller's name and phone typed, then the category picked on Call Information (alt+2)."""
    screen = await new_call(pilot)
    await type_into(pilot, "caller_name", name)
    await type_into(pilot, "phone", phone)
    await pilot.press("alt+2")
    await choose(pilot, "category", category)
    return screen


async def save_a_call(pilot: Pilot[None], claim: str) -> None:
    """A new call with a caller, a category and `claim`, saved (ctrl+s)."""
    await new_call(pilot)
    await type_into(pilot, "caller_name", "Jo Doe")
    await pilot.press("alt+2")
    await choose(pilot, "category", "Student placement")
    await type_into(pilot, "claim", claim)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def type_into(pilot: Pilot[None], field: str, text: str) -> None:
    """Focus the field (its tab comes forward) and type `text` key by key."""
    screen = pilot.app.screen
    widget = screen.query_one(f"#{field}")
    if isinstance(screen, IntakeScreen):
        before = screen.form.tabs.active
        screen.form.show_tab_of(widget)
        if screen.form.tabs.active != before:
            await pilot.pause()
    widget.focus()  # queued before the keys below, so they land in this field
    if len(text) <= 5:
        await pilot.press(*text)
    else:  # longer text arrives as a terminal paste (one event), as when an agent pastes it
        pilot.app.post_message(events.Paste(text))
        await pilot.pause()


async def choose(pilot: Pilot[None], field: str, value: str) -> None:
    select = pilot.app.screen.query_one(f"#{field}", Select)
    select.value = value
    await pilot.pause()


def cases(store: Store) -> list[CasePublic]:
    with store.uow(readonly=True) as uow:
        return [CasePublic.model_validate(c) for c in uow.session.exec(select(Case).order_by(col(Case.id)))]


def draft_forms(store: Store) -> list[str]:
    with store.uow(readonly=True) as uow:
        return [d.form for d in uow.session.exec(select(Draft))]
