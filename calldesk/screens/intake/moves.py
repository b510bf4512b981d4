"""Moving around a call: tabs from any field, Enter moving on, the topic picker, the history panel, resources.

The intake screen's keys are bound on IntakeScreen (one list for footer, help and palette); their actions live here.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from textual import on
from textual.actions import SkipAction
from textual.widgets import Input, TextArea

from calldesk.rules.required import SENTENCES
from calldesk.screens.desk_state import Desk
from calldesk.screens.fresh import FreshScreen
from calldesk.screens.held_keys import hold_keys
from calldesk.screens.intake.call import Call
from calldesk.screens.resources import ResourceDirectory, reference_text
from calldesk.widgets.banner import Banner
from calldesk.widgets.caller_history import CallerHistory
from calldesk.widgets.form_field import FORM_VALUE
from calldesk.widgets.intake_form import TABS, IntakeForm
from calldesk.widgets.topic_picker import TopicPicker

READY_WAIT = 100  # times 10 ms
HISTORY_WIDTH = 34  # the earlier calls' panel (intake.tcss)


class CallMoves(FreshScreen[None]):
    """The intake screen's navigation (a base of IntakeScreen, which holds the call)."""

    desk: Desk
    call: Call

    _form: IntakeForm | None = None

    @property
    def form(self) -> IntakeForm:
        # Found once: a query walks the whole screen, and this is read on every keystroke.
        if self._form is None:
            self._form = self.query_one(IntakeForm)
        return self._form

    def snapshot(self) -> Call:
        """The call as workers see it: a copy, so typing on never changes what a worker is saving."""
        return replace(self.call, form=self.form.values())

    def action_show_tab(self, pane: str) -> None:
        self.form.show_tab(pane)

    def action_next_tab(self, step: int) -> None:
        panes = [pane for pane, _ in TABS]
        active = self.form.active_tab
        current = panes.index(active) if active in panes else 0
        self.form.show_tab(panes[(current + step) % len(panes)])

    def action_toggle_history(self) -> None:
        self.query_one(CallerHistory).toggle_class("-toggled")  # shown by default on a wide terminal only
        self._place_history()

    def on_resize(self) -> None:
        self._place_history()

    def _place_history(self) -> None:
        """Below 100 columns F8 shows the earlier calls over the form's right side (absolute: the form keeps its
        width, so its fields are never squeezed into fragments)."""
        over = self.has_class("-narrow")
        for history in self.query(CallerHistory):
            history.styles.offset = (max(0, self.size.width - HISTORY_WIDTH) if over else 0, 0)

    async def action_move_on(self) -> None:
        """Enter in a one-line field moves on at once, as Tab does, so the keys typed next land in the next field.

        On the topic box it goes on to the caller's words; the pick itself waits in the box's queue for the
        letters typed before Enter. Anywhere else Enter does what the control does with it.
        """
        focused = self.focused
        if not isinstance(focused, Input) or not focused.has_class(FORM_VALUE):
            raise SkipAction()
        if focused.id == "topic":
            for _ in range(READY_WAIT):  # typed within ms of ctrl+n: the claim's tab may still be mounting;
                if self.form.ready:  # the keys after this Enter wait in the app's queue meanwhile
                    break
                await asyncio.sleep(0.01)
            focused.call_later(self.query_one(TopicPicker).pick_best)
            if self.form.ready:
                self.form.tabs.active = "call-information"
                self.set_focus(self.query_one("#claim"))
                return
        self.focus_next()

    @on(TopicPicker.Picked)
    def _topic_picked(self, event: TopicPicker.Picked) -> None:
        """Category and subcategory from one pick; what was said about them (under the fields, in the refusal
        banner) goes with it."""
        self.form.fill({"category": event.topic.category, "subcategory": event.topic.subcategory})
        picked = ["topic", "category"] + (["subcategory"] if event.topic.subcategory else [])
        for name in picked:
            field = self.form.field(name)
            if field is not None:
                field.clear_error()
        banner = self.query_one("#refusal-banner", Banner)
        if banner.message:
            rest = banner.message
            for name in picked[1:]:
                rest = rest.replace(SENTENCES[name][1], "")
            if rest != banner.message:
                banner.show(" ".join(rest.split()), "stop")

    @on(TopicPicker.NotFound)
    def _no_topic(self, event: TopicPicker.NotFound) -> None:
        """Enter matched nothing: back on the box (its tab forward), with why under it; nothing is picked."""
        self.form.show_error("topic", f'No topic matches "{event.typed}": type other words, or pick the category '
                                      "on Call Information.")

    def _show_topic(self) -> None:
        values = self.form.values()
        self.query_one(TopicPicker).show_topic(values.get("category"), values.get("subcategory"))

    def action_open_earlier(self) -> None:
        """The caller's earlier calls, to open one in the case workspace over this call."""
        from calldesk.screens.case.open import open_case_screen
        from calldesk.screens.find import FindCaseScreen

        listed = self.query_one(CallerHistory).cases
        if not listed:
            self.notify("No earlier calls listed: type the caller's phone, email or name first.")
            return
        earlier = [case for case in listed if case.yours]
        if not earlier:
            self.notify("The caller's earlier calls are other people's cases: you see their lines, not the cases.")
            return

        def chosen(number: str | None) -> None:
            if number:
                open_case_screen(self, number)

        hold_keys(self)  # an arrow and Enter typed right after ctrl+o pick from the list
        self.app.push_screen(FindCaseScreen(self.desk, earlier, title="The caller's earlier calls"), chosen)

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

        hold_keys(self)  # the words typed right after ctrl+r are the search's
        self.app.push_screen(ResourceDirectory(self.desk), chosen)
