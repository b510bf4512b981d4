"""Tab 2, Call Information: category, type, the caller's claim, evidence and steps taken, and the live tier."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.widgets import Select, Static, TextArea

from calldesk.rules.profile import TIER_LABELS, Profile
from calldesk.rules.triage import TriageDecision, describe_deadlines
from calldesk.widgets.caller_details import choice
from calldesk.widgets.choices import CALL_TYPE_OPTIONS
from calldesk.widgets.form_field import FORM_VALUE, FormField, FormTab
from calldesk.widgets.quiet import compact
from calldesk.widgets.tick_box import TickBox
from calldesk.widgets.typing import TypingTextArea

FLAGS = (
    ("needs_follow_up", "Needs a call back (follow-up)"),
    ("steps_confirmed", "Tried the school first (confirmed)"),
    ("special_education", "Special education"),
    ("safety", "Safety or security"),
    ("urgent", "Urgent"),
    ("due_process", "In due process: document and close"),
)
NO_CATEGORY = "(category first)"


def narrative(field: str, placeholder: str) -> TextArea:
    return compact(TypingTextArea(id=field, placeholder=placeholder, tab_behavior="focus", soft_wrap=True))


class CallInformation(FormTab):
    """Category and subcategory come from the profile's taxonomy (type to search when the list is open)."""

    DEFAULT_CSS = """
    CallInformation > Grid { grid-size: 3; grid-rows: auto; height: auto; }
    CallInformation #flags { height: auto; layout: grid; grid-size: 2; margin: 0 0 0 1; }
    CallInformation #narrative { grid-size: 3; grid-rows: auto; height: auto; }
    CallInformation #narrative TextArea { height: 5; }
    CallInformation #triage { height: auto; padding: 0 1; margin: 1 1 0 0; background: $boost; }
    """

    def __init__(self, profile: Profile, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.profile = profile
        self._subcategories_of: str | None = None
        self._triage_text = Text()

    def compose(self) -> ComposeResult:
        categories = [(c.name, c.name) for c in self.profile.categories]
        with Grid():
            yield FormField("Category", compact(Select(categories, id="category", prompt="Pick a category",
                                                       type_to_search=True)))
            yield FormField("Subcategory", compact(Select([], id="subcategory", prompt=NO_CATEGORY,
                                                          type_to_search=True)))
            yield FormField("Call type", choice("call_type", CALL_TYPE_OPTIONS, "inquiry"))
        with Grid(id="narrative"):
            yield FormField("Claim or question", narrative("claim", "The caller's words"))
            yield FormField("Evidence behind it", narrative("evidence", "What supports the claim"))
            yield FormField("Steps already taken", narrative("steps_taken", "School? Principal?"))
        with Horizontal(id="flags"):
            for field, text in FLAGS:
                yield TickBox(text, id=field, classes=FORM_VALUE)
        yield Static("", id="triage")

    @on(Select.Changed, "#category")
    def _offer_subcategories(self, event: Select.Changed) -> None:
        self.offer_subcategories(event.value if isinstance(event.value, str) else None)

    def offer_subcategories(self, category: str | None) -> None:
        """List the subcategories of `category` (kept as they are if the category did not change)."""
        if category == self._subcategories_of:
            return
        self._subcategories_of = category
        subcategory = self.query_one("#subcategory", Select)
        found = self.profile.category(category)
        names = found.subcategories if found else []
        subcategory.set_options([(name, name) for name in names])
        subcategory.prompt = "Pick a subcategory" if names else "No subcategories" if category else NO_CATEGORY

    def show_triage(self, decision: TriageDecision | str) -> None:
        """The tier, deadlines and reasons the rules give for what is typed so far (or why they cannot)."""
        if isinstance(decision, str):
            text = Text(decision)
        else:
            tier = TIER_LABELS.get(decision.tier or "", "Compliment")
            deadlines = ", ".join(describe_deadlines(decision.deadlines, self.profile)) or "no deadline"
            text = Text.assemble((tier, "bold"), f": {deadlines}\n", "\n".join(decision.reasons))
        if text != self._triage_text:
            self._triage_text = text
            self.query_one("#triage", Static).update(text)
