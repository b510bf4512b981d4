"""Moving around a call: tabs from any field, Enter moving on, the topic picker, the history panel, resources.

The intake screen's keys are bound on IntakeScreen (one list for footer, help and palette); their actions live here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on
from textual.screen import Screen
from textual.widgets import Input, TextArea

from calldesk.screens.context import Desk
from calldesk.screens.intake_call import Call
from calldesk.screens.resources import ResourceDirectory, reference_text
from calldesk.widgets.caller_history import CallerHistory
from calldesk.widgets.form_field import FORM_VALUE
from calldesk.widgets.intake_form import TABS, IntakeForm
from calldesk.widgets.topic_picker import TopicPicker


class CallMoves(Screen[None]):
    """The intake screen's navigation (a base of IntakeScreen, which holds the call)."""

    desk: Desk
    call: Call

    @property
    def form(self) -> IntakeForm:
        return self.query_one(IntakeForm)

    def snapshot(self) -> Call:
        """The call as workers see it: a copy, so typing on never changes what a worker is saving."""
        return replace(self.call, form=self.form.values())

    def action_show_tab(self, pane: str) -> None:
        self.form.show_tab(pane)

    def action_next_tab(self, step: int) -> None:
        panes = [pane for pane, _ in TABS]
        current = panes.index(self.form.tabs.active) if self.form.tabs.active in panes else 0
        self.form.show_tab(panes[(current + step) % len(panes)])

    def action_toggle_history(self) -> None:
        self.query_one(CallerHistory).toggle_class("-toggled")  # shown by default on a wide terminal only

    @on(Input.Submitted)
    def _move_on(self, event: Input.Submitted) -> None:
        """Enter in a one-line field moves on to the next field, as Tab does."""
        if event.input.has_class(FORM_VALUE):
            self.focus_next()

    @on(TopicPicker.Picked)
    def _topic_picked(self, event: TopicPicker.Picked) -> None:
        """Category and subcategory from one pick; the caller's words come next."""
        self.form.fill({"category": event.topic.category, "subcategory": event.topic.subcategory})
        self.form.tabs.active = "call-information"
        self.query_one("#claim").focus()

    def _show_topic(self) -> None:
        values = self.form.values()
        self.query_one(TopicPicker).show_topic(values.get("category"), values.get("subcategory"))

    def action_resources(self) -> None:
        def chosen(entry: Any) -> None:
            if entry is None:
                return
            if self.call.abuse_marked:
                self.notify("This call is marked as suspected abuse: nothing is written in the response.")
                return
            response = self.query_one("#response", TextArea)
            response.text = (response.text.rstrip() + "\n" if response.text.strip() else "") + reference_text(entry)
            self.action_show_tab("resolution")

        self.app.push_screen(ResourceDirectory(self.desk), chosen)
