"""The intake's prompt is the profile's (issue 22): LAUSD's introduction and LAST (Step 1 A and C.1) on the call
bar; a profile without one shows no prompt, and nothing of it is in the code."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from calldesk.profiles import load_profile
from calldesk.widgets.call_bar import CallBar
from tests.ui.conftest import fixed_clock


class Bar(App[None]):
    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        yield CallBar(fixed_clock, fixed_clock(), self.prompt)


def test_only_lausd_defines_an_intake_prompt_and_it_is_the_seeds_words() -> None:
    prompt = load_profile("lausd").intake_prompt
    # Step 1: "A. Introduction" and "Use LAST (customer service tool) - Listen, Apologize, Satisfy, and Thank".
    assert "Introduce yourself" in prompt and "Listen, Apologize, Satisfy, Thank" in prompt
    assert [load_profile(n).intake_prompt for n in ("area_offices", "rochester", "oc_ccts")] == ["", "", ""]


async def test_the_call_bar_shows_the_profiles_prompt_or_none() -> None:
    app = Bar(load_profile("lausd").intake_prompt)
    async with app.run_test(size=(100, 10)):
        assert "LAST: Listen, Apologize, Satisfy, Thank" in str(app.query_one("#last", Static).render())
    app = Bar("")
    async with app.run_test(size=(100, 10)):
        assert not app.query("#last")
