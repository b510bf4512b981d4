"""What the profile requires before a save or a close is shown under each empty field, all at once."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input

from calldesk.screens.intake.screen import IntakeScreen
from calldesk.store.db.store import Store
from calldesk.widgets.banner import Banner
from calldesk.widgets.form_field import FormField
from tests.ui.steps import SIZE, cases, choose, new_call, settle, type_into


def error_under(screen: IntakeScreen, name: str) -> str:
    field = screen.query_one(f"#field-{name}", FormField)
    return str(field.query_one(".field-error").render()) if field.has_class("-error") else ""


async def test_every_missing_field_is_shown_under_it_and_nothing_is_saved(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "phone", "2135550142")
        screen.query_one("#close_on_save", Checkbox).value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen), "a refused save stays on the call"
        assert error_under(screen, "category") == "Pick the call's category."
        assert error_under(screen, "response") == "Write the response/resolution on the Resolution tab."
        assert "Pick the call's category." in screen.query_one("#refusal-banner", Banner).message
        assert screen.form.tabs.active == "call-information" and app.focused is screen.query_one("#category")
        assert screen.query_one("#phone", Input).value == "2135550142"
        assert cases(desk_store) == []
        await choose(pilot, "category", "Enrollment")
        screen.query_one("#close_on_save", Checkbox).value = False
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
    [case] = cases(desk_store)
    assert (case.category, case.status) == ("Enrollment", "open")


PREVIEWS = [
    ("concern", "Special education (CSE)", "Dana Whitfield"),
    ("complaint", "Transportation", "Ivan Petrov"),
    ("inquiry", "Transportation", "Maria Gomez"),  # a repeat caller: previewed and stored as a concern
]


@pytest.mark.slow
async def test_the_preview_shows_what_the_store_then_decides(make_app, desk_store: Store, agent) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from calldesk.rules.profile import TIER_LABELS
    from calldesk.rules.triage import Deadlines, describe_deadlines
    from tests.integration.helpers import call, lausd
    from tests.ui.conftest import NOW

    call(desk_store, agent, lausd(), caller_name="Maria Gomez", phone="2135550142", category="Transportation",
         opened_at=NOW - timedelta(days=3))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for call_type, category, name in PREVIEWS:
            screen = await new_call(pilot)
            await type_into(pilot, "caller_name", name)
            await settle(pilot)  # the caller lookup (repeat rule) answers
            await pilot.press("alt+2")
            await choose(pilot, "call_type", call_type)
            await choose(pilot, "category", category)
            await type_into(pilot, "claim", "What the caller says happened.")
            await settle(pilot)
            preview = str(screen.query_one("#triage").render())
            await pilot.press("ctrl+s")
            await settle(pilot)
            stored = cases(desk_store)[-1]
            deadlines = Deadlines(stored.respond_by, stored.acknowledge_by, stored.next_follow_up_by,
                                  stored.resolve_by, stored.resolve_max)
            shown = f"{TIER_LABELS[stored.tier or '']}: {', '.join(describe_deadlines(deadlines, lausd()))}"
            assert preview.startswith(shown), (preview, shown)
            screen.end_call()  # left: the same screen, emptied, takes the next call
            await pilot.pause()
    assert [c.call_type for c in cases(desk_store)[1:]] == ["concern", "complaint", "concern"]


async def test_a_refused_change_keeps_every_field_as_typed(make_app, desk_store: Store) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "caller_name", "Maria Gomez")
        await type_into(pilot, "phone", "2135550142")
        await choose(pilot, "category", "Enrollment")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [saved] = cases(desk_store)
        screen.query_one("#phone", Input).value = "(213) 555-0177"
        await choose(pilot, "call_type", "concern")  # a concern needs its claim: the change is refused
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_under(screen, "claim").startswith("Write the caller's claim")
        assert screen.query_one("#phone", Input).value == "(213) 555-0177", "the edit is not reset to the stored one"
        assert screen.call.case is not None and screen.call.case.version == saved.version
    [case] = cases(desk_store)
    assert (case.phone, case.call_type) == ("+12135550142", "inquiry")
