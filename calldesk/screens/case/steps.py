"""The protocol's steps on a case (the profile's `[[steps]]`): the dialog that records one (who, when, with whom, a
note), opened from the case's work menu (ctrl+g, t); the case's Steps tab shows them all."""

from __future__ import annotations

from typing import Any

from calldesk.screens.case.action_dialogs import CaseActionDialog, Field


class StepDialog(CaseActionDialog):
    """Record one of the protocol's steps: its name (listed above the fields), with whom, a note, when."""

    TITLE = "Record a protocol step"
    FIELDS = (Field("step", "Step (the protocol's, listed above)", "Pick the step (those still to do first)",
                    pick=True),
              Field("party", "With whom (who was contacted, told or informed)"),
              Field("note", "Note (what was said, found or decided)"),
              Field("on", "When it happened (e.g. 2026-12-01 15:00; empty: now)"))

    def options(self, session: Any, case: Any) -> dict[str, list[tuple[str, str]]]:
        from calldesk.store.read.step_states import case_steps

        self.states = case_steps(session, profile=self.desk.profile, case=case)
        ordered = sorted(self.states, key=lambda state: state.recorded is not None)  # still to do first
        return {"step": [(f"{state.rule.label}" + (" (done)" if state.recorded else ""), state.rule.name)
                         for state in ordered]}

    def describe(self, session: Any, case: Any) -> str:
        states = self.states
        if not states:
            return "The protocol sets no recorded steps for this case."
        lines = []
        for state in states:
            done = f"done by {state.recorded.by_user}" if state.recorded else f"to do, by {state.who}"
            asks = "; ".join(filter(None, [state.rule.party, state.rule.note]))
            lines.append(f"{state.rule.name}: {state.rule.label} ({done})" + (f" - asks: {asks}" if asks else ""))
        return "\n".join(lines)

    def perform(self, uow: Any, values: dict[str, Any]) -> Any:
        from calldesk.rules.typed_dates import local_moment
        from calldesk.store.services.case_steps import record_step

        profile = self.desk.profile
        when = values["on"].strip()
        return record_step(uow, actor=self.desk.actor, profile=profile, case_number=self.case_number,
                           step=values["step"], party=values["party"], note=values["note"],
                           happened_at=local_moment(profile, when, "when") if when else None,
                           expected_version=self.version)
