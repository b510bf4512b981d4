"""SVG snapshots of the intake screen's five tabs and the abuse guidance, at 120x36 with a fixed clock.

Update the baselines after a deliberate change with: pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.pilot import Pilot

from calldesk.store.store import Store
from calldesk.store.users import Actor
from tests.integration.helpers import call, lausd
from tests.ui.conftest import NOW
from tests.ui.steps import SIZE, choose, new_call, settle, type_into


async def a_call_in_progress(pilot: Pilot[None]) -> None:
    """A repeat caller about a late bus: the same typing for every tab's picture."""
    await new_call(pilot)
    await type_into(pilot, "caller_name", "Maria Gomez")
    await type_into(pilot, "phone", "2135550142")
    await choose(pilot, "relationship", "relative")
    await type_into(pilot, "school", "Roosevelt HS")
    await choose(pilot, "category", "Transportation")
    await choose(pilot, "subcategory", "Late or missed bus")
    await choose(pilot, "call_type", "concern")
    await type_into(pilot, "claim", "The 7:10 bus skipped her stop twice this week.")
    await type_into(pilot, "steps_taken", "Called the school office on Monday.")
    await settle(pilot)


@pytest.fixture
def earlier_call(desk_store: Store, agent: Actor) -> None:
    call(desk_store, agent, lausd(), caller_name="Maria Gomez", phone="(213) 555-0142", category="Transportation",
         opened_at=NOW - timedelta(days=12))


@pytest.mark.parametrize("tab", ["1", "2", "3", "4", "5"])
def test_intake_tab(tab: str, make_app, earlier_call: None, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await a_call_in_progress(pilot)
        await pilot.press(f"alt+{tab}")
        pilot.app.screen.set_focus(None)  # no blinking cursor in the picture
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_abuse_guidance(make_app, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await new_call(pilot)
        await type_into(pilot, "caller_name", "Jo Doe")
        await pilot.press("f9")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
