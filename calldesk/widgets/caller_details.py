"""Tab 1, Caller Details: who is calling, how to reach them, and where the case stands (it is closed here)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Input, Select, Static

from calldesk.rules.profile import Profile
from calldesk.widgets.choices import CHANNEL_OPTIONS, CONTACT_OPTIONS, RELATIONSHIP_OPTIONS, SOURCE_OPTIONS
from calldesk.widgets.form_field import FormField, FormTab
from calldesk.widgets.quiet import compact
from calldesk.widgets.tick_box import TickBox
from calldesk.widgets.topic_picker import TopicPicker
from calldesk.widgets.typing import DefaultedInput, TypingInput


def text_input(field: str, placeholder: str = "", value: str = "") -> Input:
    # Focus never selects the text: a key typed on arrival adds to it instead of replacing it.
    return compact(TypingInput(value=value, placeholder=placeholder, id=field, select_on_focus=False))


def choice(field: str, choices: list[tuple[str, str]], value: str) -> Select[str]:
    return compact(Select(choices, value=value, allow_blank=False, id=field))


NOT_SAVED = "Status: new call, not saved yet"


class CallerDetails(FormTab):
    """The caller's fields in the order a call goes (name, number, what it is about); Enter moves on.

    The side panel looks up earlier calls as they are typed.
    """

    DEFAULT_CSS = """
    CallerDetails > Grid { grid-size: 3; grid-rows: auto; height: auto; }
    CallerDetails #case-status { height: auto; margin: 1 0 0 1; }
    CallerDetails #close_on_save { margin: 0 0 0 1; }
    """

    def __init__(self, profile: Profile, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.profile = profile

    def compose(self) -> ComposeResult:
        with Grid():
            yield FormField("Caller name", text_input("caller_name", "First and last name"))
            yield FormField("Phone", text_input("phone", "Callback number, digits"))
            topic = text_input("topic", "Type to find: bus, IEP")
            yield FormField("Topic", topic, body=TopicPicker(self.profile, topic))
            yield FormField("Email", text_input("email", "name@example.org"))
            yield FormField("Relationship", choice("relationship", RELATIONSHIP_OPTIONS,
                                                                  "parent_guardian"))
            yield FormField("Preferred contact", choice("preferred_contact", CONTACT_OPTIONS, "phone"))
            # "English" until the agent types another language, which replaces it (never "EnglishSpanish").
            language = DefaultedInput("English", placeholder="English", id="language", select_on_focus=False)
            yield FormField("Preferred language", compact(language))
            yield FormField("Channel", choice("channel", CHANNEL_OPTIONS, "phone"))
            yield FormField("Came from", choice("source", SOURCE_OPTIONS, "none"))
            yield FormField("School involved", text_input("school", "School name"))
            yield FormField("Department involved", text_input("department", "Department"))
        yield Static(NOT_SAVED, id="case-status")
        yield TickBox("Close the case when saved (answered during the call; F10 saves and closes)",
                      id="close_on_save", classes="form-value")
