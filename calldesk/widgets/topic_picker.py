"""One type-to-find box for category and subcategory together: "bus" -> Transportation / Late or missed bus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from calldesk.rules.profile import Profile
from calldesk.widgets.word_search import match_score

SHOWN = 6


@dataclass(frozen=True)
class Topic:
    category: str
    subcategory: str | None
    synonyms: str = ""  # the words callers use for it (the taxonomy's synonyms), found like the names


    @property
    def label(self) -> str:
        return f"{self.category} / {self.subcategory}" if self.subcategory else self.category


def topics_of(profile: Profile) -> list[Topic]:
    """Every subcategory under its category, then the category alone, in the profile's order."""
    found: list[Topic] = []
    for category in profile.categories:
        found.extend(Topic(category.name, sub, " ".join(category.subcategory_synonyms.get(sub, [])))
                     for sub in category.subcategories)
        found.append(Topic(category.name, None, " ".join(category.synonyms)))
    return found


def find_topics(topics: list[Topic], query: str) -> list[Topic]:
    """The topics every typed word starts a word of, the best first (a subcategory word outranks a category one;
    a synonym counts as a category word: "lunch" finds Food services / Meal eligibility, then Food services)."""
    scored = []
    for order, topic in enumerate(topics):
        score = match_score(query, [(topic.subcategory or "", 3), (topic.category, 2), (topic.synonyms, 2)])
        if score is not None:
            scored.append((-score, order, topic))
    return [topic for _, _, topic in sorted(scored)]


class TopicPicker(Vertical):
    """Type words; the best match is highlighted (up/down change it); the screen's Enter picks it (pick_best)."""

    DEFAULT_CSS = """
    TopicPicker { height: auto; }
    TopicPicker #topic-matches { height: auto; max-height: 6; display: none; border: none; padding: 0; }
    TopicPicker.-open #topic-matches { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", show=False, id="topic.next"),
        Binding("up", "move(-1)", show=False, id="topic.previous"),
    ]

    class Picked(Message):
        """The agent picked a topic (Enter on the box)."""

        def __init__(self, topic: Topic) -> None:
            super().__init__()
            self.topic = topic

    class NotFound(Message):
        """Enter on the box matched no topic: nothing is picked."""

        def __init__(self, typed: str) -> None:
            super().__init__()
            self.typed = typed

    def __init__(self, profile: Profile, control: Input) -> None:
        super().__init__(id="topic-picker")
        self.topics = topics_of(profile)
        self.control = control
        self.matches: list[Topic] = []

    def compose(self) -> ComposeResult:
        yield self.control
        yield OptionList(id="topic-matches")

    @on(Input.Changed, "#topic")
    def _typed(self, event: Input.Changed) -> None:
        self.matches = find_topics(self.topics, event.value) if event.value.strip() else []
        shown = self.query_one(OptionList)
        shown.clear_options()
        shown.add_options([Option(t.label) for t in self.matches[:SHOWN]])
        if self.matches:
            shown.highlighted = 0
        self.set_class(bool(self.matches) and self.control.has_focus, "-open")

    def pick_best(self) -> Topic | None:
        """Pick the highlighted match for what the box holds now (posts Picked); None when nothing matches (posts
        NotFound: the agent stays on the box and reads why).

        Called through the box's own queue when Enter is read, so the letters typed before Enter are in it.
        """
        value = self.control.value
        matches = find_topics(self.topics, value) if value.strip() else []
        self.remove_class("-open")
        if not matches:
            if value.strip():
                self.post_message(self.NotFound(value.strip()))
            return None
        shown = self.query_one(OptionList).highlighted or 0
        topic = matches[shown if matches == self.matches and shown < len(matches) else 0]
        with self.control.prevent(Input.Changed):
            self.control.value = topic.label
        self.post_message(self.Picked(topic))
        return topic

    def on_descendant_blur(self) -> None:
        self.remove_class("-open")

    def action_move(self, step: int) -> None:
        shown = self.query_one(OptionList)
        if shown.option_count:
            shown.highlighted = ((shown.highlighted or 0) + step) % shown.option_count

    def show_topic(self, category: str | None, subcategory: str | None) -> None:
        """Reflect a category picked elsewhere (the Call Information lists, a resumed draft)."""
        text = Topic(category, subcategory).label if category else ""
        if self.control.value != text:
            with self.control.prevent(Input.Changed):
                self.control.value = text
