"""The five tabs of the case record, in the protocol's order, and the form's values as one plain dict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, ContentSwitcher, Input, Select, TabbedContent, TabPane, TextArea

from calldesk.rules.abuse import NARRATIVE_FIELDS
from calldesk.rules.display import inert
from calldesk.rules.profile import Profile
from calldesk.widgets.call_information import CallInformation
from calldesk.widgets.caller_details import CallerDetails
from calldesk.widgets.confidentiality import Confidentiality
from calldesk.widgets.follow_up import FollowUp
from calldesk.widgets.form_field import FORM_VALUE, FormField, FormTab
from calldesk.widgets.resolution import Resolution
from calldesk.widgets.typing import DefaultedInput

TABS: tuple[tuple[str, str], ...] = (
    ("caller-details", "Caller Details"),
    ("call-information", "Call Information"),
    ("confidentiality", "Confidentiality"),
    ("follow-up", "Follow-Up"),
    ("resolution", "Resolution"),
)
ABUSE_PLACEHOLDER = "Suspected child abuse: do not document here."


def value_of(widget: Widget) -> Any:
    """What a form control holds, as the store wants it (a blank Select is None)."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Checkbox):
        return widget.value
    if isinstance(widget, Select):
        return None if widget.is_blank() else widget.value
    raise TypeError(f"{type(widget).__name__} is not a form control")


class FormTabs(TabbedContent):
    """The form's tabs: a pane comes forward when a field in it takes the focus, unless the focus has already moved
    on (tab keys pressed faster than the screen: the late message would bring an earlier tab back over the field
    being typed into)."""

    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        event.prevent_default()  # instead of TabbedContent's own handler, which always switches
        event.stop()
        focused = self.screen.focused
        if event.tab_pane.id and focused is not None and event.tab_pane in focused.ancestors:
            self.active = event.tab_pane.id


class IntakeForm(Vertical):
    """The case record's tabs; `values()` and `fill()` round-trip everything typed (drafts use them).

    All five tabs are composed with the screen, in one pass: mounting the four hidden ones after the first paint,
    one by one, took twice as long as the whole form at once (each mount laid out and restyled the screen on show).
    Keys typed meanwhile wait in the app (CalldeskApp holds them until the first field has focus). The form posts
    Ready once every tab is mounted (read or fill it only after that).
    """

    class Ready(Message):
        """Every tab is mounted."""

    DEFAULT_CSS = """
    IntakeForm { width: 1fr; }
    IntakeForm TabbedContent { height: 1fr; }
    IntakeForm TabPane { padding: 0; }
    """

    def __init__(self, profile: Profile) -> None:
        super().__init__(id="intake-form")
        self.profile = profile
        self.controls: list[Widget] = []
        self._fields: dict[str, FormField] = {}
        self.ready = False
        self._mounted_tabs = 0
        self._first_field: Widget | None = None
        # Field -> (shown, stored) for the values `fill` showed inert: an untouched field gives back what is stored.
        self._stored: dict[str, tuple[str, str]] = {}
        self._fresh: dict[str, Any] = {}  # every control's value on a new call (remember_fresh)
        self._placeholders: dict[str, str] = {}  # the narrative's own, while lock_narrative has replaced them

    def compose(self) -> ComposeResult:
        panes: dict[str, Widget] = {
            "caller-details": CallerDetails(self.profile),
            "call-information": CallInformation(self.profile),
            "confidentiality": Confidentiality(),
            "follow-up": FollowUp(),
            "resolution": Resolution(),
        }
        with FormTabs(initial=TABS[0][0]):
            for pane_id, title in TABS:
                with TabPane(title, id=pane_id):
                    yield panes[pane_id]

    @on(FormTab.Mounted)
    def _tab_mounted(self, event: FormTab.Mounted) -> None:
        event.stop()
        self._mounted_tabs += 1
        if self._mounted_tabs == len(TABS):
            # The controls never change during a call: find them once, not on every keystroke.
            self.controls = [w for w in self.query(f".{FORM_VALUE}") if w.id]
            self._fields = {f.id.removeprefix("field-"): f for f in self.query(FormField) if f.id}
            self.ready = True
            self.post_message(self.Ready())

    @property
    def first_field(self) -> Widget:
        """The field a new call starts in (the caller's name)."""
        if self._first_field is None:
            self._first_field = self.query_one("#caller_name")
        return self._first_field

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one(TabbedContent)

    def values(self) -> dict[str, Any]:
        """Every control's value by field name (a value shown inert and left as it was: the stored value)."""
        values = {w.id: value_of(w) for w in self.controls if w.id}
        for name, (shown, stored) in self._stored.items():
            if values.get(name) == shown:
                values[name] = stored
        return values

    def fill(self, values: Mapping[str, Any]) -> None:
        """Put saved values back (a resumed draft); unknown keys are ignored, nothing else is touched."""
        if "category" in values:
            self.query_one(CallInformation).offer_subcategories(values.get("category"))
        controls = {w.id: w for w in self.controls}
        for name, value in values.items():
            widget = controls.get(name)
            if widget is not None:
                if isinstance(widget, Input | TextArea):
                    # Stored text is shown inert: an escape sequence in it never reaches the terminal.
                    stored = str(value or "")
                    shown = inert(stored, lines=isinstance(widget, TextArea))
                    if shown != stored:
                        self._stored[name] = (shown, stored)
                    else:
                        self._stored.pop(name, None)
                    if isinstance(widget, Input):
                        widget.value = shown
                    else:
                        widget.text = shown
                elif isinstance(widget, Checkbox):
                    widget.value = bool(value)
                elif isinstance(widget, Select):
                    widget.value = Select.NULL if value is None else value

    def remember_fresh(self) -> None:
        """Note what every control holds on a new call (once the form is ready): `reset` puts it back. Text is
        empty, or its default; a choice as composed; a box unticked."""
        for control in self.controls:
            if control.id is None:
                continue
            if isinstance(control, DefaultedInput):
                self._fresh[control.id] = control.default
            elif isinstance(control, Input | TextArea):
                self._fresh[control.id] = ""
            elif isinstance(control, Checkbox):
                self._fresh[control.id] = False
            else:
                self._fresh[control.id] = value_of(control)

    def reset(self) -> None:
        """The form of a new call: every control as on a new call, no error, the narrative open, the first tab
        forward with the caller's name focused."""
        self._unlock_narrative()
        self._stored.clear()
        self.fill(self._fresh)
        for control in self.controls:
            if isinstance(control, DefaultedInput):
                control.untouched()
        self.clear_errors()
        for tab in self.query(FormTab):
            tab.scroll_home(animate=False, immediate=True)
        self.show_tab(TABS[0][0])

    def field(self, name: str) -> FormField | None:
        """The labelled field of control `name` (found once the form is ready: every keystroke asks)."""
        if self.ready:
            return self._fields.get(name)
        if not name.isidentifier():
            return None
        return next((w for w in self.query(f"#field-{name}") if isinstance(w, FormField)), None)

    def show_error(self, name: str | None, message: str, *, focus: bool = True) -> bool:
        """Write `message` under field `name` and (with `focus`) switch to its tab and focus it; False if there is
        no such field."""
        field = self.field(name) if name else None
        if field is None:
            return False
        field.show_error(message)
        if focus:
            self.show_tab_of(field)
            focus_at_end(field.control)
        return True

    def clear_errors(self) -> None:
        for field in self.query(FormField):
            field.clear_error()

    def show_tab_of(self, widget: Widget) -> None:
        for ancestor in widget.ancestors:
            if isinstance(ancestor, TabPane) and ancestor.id:
                self.tabs.active = ancestor.id
                return

    @property
    def active_tab(self) -> str:
        """The pane on show (set at once by show_tab; TabbedContent.active may lag behind fast tab keys)."""
        return self.tabs.query_one(ContentSwitcher).current or TABS[0][0]

    def show_tab(self, pane: str) -> None:
        """Bring tab `pane` forward with its first field focused, so what is typed next lands there."""
        self.tabs.active = pane
        # The pane on show follows the tab through a message; keys pressed faster than it (F7 F7 F7) could leave
        # an earlier pane showing while the focus is in this one. Show it now.
        self.tabs.query_one(ContentSwitcher).current = pane
        first = next((w for w in self.query_one(f"#{pane}", TabPane).query(f".{FORM_VALUE}")
                      if w.focusable), None)
        if first is not None:
            self.screen.set_focus(first)

    def lock_narrative(self) -> None:
        """Suspected abuse: empty every narrative control (one-line or not) and keep it shut for the call."""
        for name in NARRATIVE_FIELDS:
            for control in self.query(f"#{name}"):
                if isinstance(control, Input | TextArea):
                    self._placeholders.setdefault(name, str(control.placeholder))
                if isinstance(control, TextArea):
                    control.text = ""
                    control.placeholder = ABUSE_PLACEHOLDER
                    control.read_only = True
                    control.disabled = True
                elif isinstance(control, Input):
                    control.value = ""
                    control.placeholder = ABUSE_PLACEHOLDER
                    control.disabled = True


    def _unlock_narrative(self) -> None:
        for name, placeholder in self._placeholders.items():
            for control in self.query(f"#{name}"):
                if isinstance(control, Input | TextArea):
                    control.placeholder = placeholder
                    control.disabled = False
                if isinstance(control, TextArea):
                    control.read_only = False
        self._placeholders.clear()


def focus_at_end(control: Widget) -> None:
    """Focus `control` with the cursor after its text and nothing selected (one Backspace removes one letter)."""
    control.focus()
    if isinstance(control, Input):
        control.call_after_refresh(control.action_end)
    elif isinstance(control, TextArea):
        control.call_after_refresh(control.move_cursor, control.document.end)
