"""Issue 23 item 7: the topic finder knows the words callers use (taxonomy synonyms), Enter with no match keeps
the agent on the box and says so, and the "Pick the call's category" line clears once a topic is picked."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input, Select

from calldesk.errors import ProfileError
from calldesk.profiles import load_profile
from calldesk.rules.profile import Profile
from calldesk.widgets.banner import Banner
from calldesk.widgets.topic_picker import find_topics, topics_of
from tests.ui.steps import SIZE, new_call, settle, type_into
from tests.ui.test_required_fields import error_under

# By hand from data/taxonomies/schools.toml: each word is a synonym of the subcategory named (a whole-word match on
# a synonym scores as a category word, and the subcategories come before their category in the file's order).
CALLER_WORDS = [
    ("grades", "Student/teacher conflict / Grading"),
    ("lunch", "Food services / Meal eligibility"),
    ("school bus", "Transportation / Late or missed bus"),
    ("suspended", "Long-term suspensions / Suspension hearing"),
    ("registration", "Enrollment / New enrollment"),
    ("homework", "Academics / Tutoring and intervention"),
]


@pytest.mark.parametrize(("typed", "best"), CALLER_WORDS)
def test_callers_words_find_the_right_topic(profile: Profile, typed: str, best: str) -> None:
    assert find_topics(topics_of(profile), typed)[0].label == best
    # "bus" still means the bus, never "abuse"; a synonym never makes an unrelated word match.
    assert find_topics(topics_of(profile), "bus")[0].label == "Transportation / Late or missed bus"
    assert find_topics(topics_of(profile), "xylophone") == []


def test_a_synonym_for_a_subcategory_the_category_lacks_is_refused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil
    from pathlib import Path

    import calldesk

    data = tmp_path / "data"
    shutil.copytree(Path(calldesk.__file__).parent.parent / "data", data)
    taxonomy = data / "taxonomies" / "schools.toml"
    taxonomy.write_text(taxonomy.read_text().replace('"Grading" = ', '"Grades" = '))
    with pytest.raises(ProfileError, match="subcategory_synonyms names 'Grades'"):
        load_profile("lausd", data_dir=data)


async def test_enter_with_no_match_stays_on_the_topic_box_and_says_so(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        screen.query_one("#topic").focus()
        await pilot.press(*"xylophone", "enter")
        await settle(pilot)
        assert screen.query_one("#category", Select).value is Select.NULL
        assert screen.focused is screen.query_one("#topic"), "no match: the agent stays on the box"
        assert screen.form.tabs.active == "caller-details"
        assert "No topic matches" in error_under(screen, "topic")
        await pilot.press(*(["backspace"] * 9), *"lunch", "enter")
        await settle(pilot)
        assert screen.query_one("#category", Select).value == "Food services"
        assert error_under(screen, "topic") == "", "the line goes once a topic is picked"
        assert screen.focused is screen.query_one("#claim")


async def test_the_category_line_clears_once_a_topic_is_picked(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await new_call(pilot)
        await type_into(pilot, "phone", "2135550142")
        screen.query_one("#close_on_save", Checkbox).value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_under(screen, "category") == "Pick the call's category."
        await pilot.press("alt+1")
        await settle(pilot)
        screen.query_one("#topic").focus()
        await pilot.press(*"school bus", "enter")
        await settle(pilot)
        assert (screen.query_one("#category", Select).value, screen.query_one("#subcategory", Select).value) == (
            "Transportation", "Late or missed bus")
        assert screen.query_one("#topic", Input).value == "Transportation / Late or missed bus"
        assert error_under(screen, "category") == ""
        assert error_under(screen, "subcategory") == ""
        assert "Pick the call's category." not in screen.query_one("#refusal-banner", Banner).message
