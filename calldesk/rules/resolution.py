"""What a resolution must say before it is saved: every interface's save of the Resolution tab meets this one rule,
so a save never blanks a resolution already written."""

from __future__ import annotations

from calldesk.errors import InvalidInput


def check_resolution(response: str, outcome: str, alleged_violation: str | None = None) -> None:
    """InvalidInput (under the response field) when nothing is written: a resolution says what was done, so a save
    with the response and the outcome both blank is refused instead of emptying what was written before."""
    if not (response.strip() or outcome.strip() or (alleged_violation or "").strip()):
        raise InvalidInput("Write the response or the outcome: a saved resolution cannot be blank.",
                           field="response")
