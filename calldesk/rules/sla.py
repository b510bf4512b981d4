"""SLA state of a case's next deadline, in words and a symbol as well as a colour (readable with NO_COLOR)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

AT_RISK_HOURS = 24  # due within a day: at risk (the same look-ahead `calldesk overdue` uses)

SLA_STATES = ("breached", "at_risk", "on_track", "closed")


@dataclass(frozen=True)
class SlaState:
    """What the queue shows for one case's clock."""

    name: str  # one of SLA_STATES
    label: str  # words: "BREACHED", "at risk", "on track", "closed"
    symbol: str  # "!!", "! ", "ok", "--"
    style: str  # a colour for terminals that have one


STATES = {
    "breached": SlaState("breached", "BREACHED", "!!", "bold red"),
    "at_risk": SlaState("at_risk", "at risk", "! ", "yellow"),
    "on_track": SlaState("on_track", "on track", "ok", "green"),
    "closed": SlaState("closed", "closed", "--", "dim"),
}


def sla_state(*, status: str, next_deadline: datetime | None, now: datetime,
              at_risk_hours: int = AT_RISK_HOURS, late_clocks: int = 0) -> SlaState:
    """Breached when the next deadline has passed or a clock was met after its due time (`late_clocks`), at risk
    when the next deadline falls within `at_risk_hours`, else on track; an open case with no clock is on track, a
    closed one is closed."""
    if status != "open":
        return STATES["closed"]
    if late_clocks > 0:
        return STATES["breached"]
    if next_deadline is None:
        return STATES["on_track"]
    if next_deadline < now:
        return STATES["breached"]
    if next_deadline < now + timedelta(hours=at_risk_hours):
        return STATES["at_risk"]
    return STATES["on_track"]


def sla_bounds(state: str, *, now: datetime, at_risk_hours: int = AT_RISK_HOURS
               ) -> tuple[datetime | None, datetime | None, bool]:
    """The next-deadline range [low, high) a state covers, and whether cases with no deadline belong to it
    (the store turns this into an indexed range; a case with a clock met late is breached whatever its range)."""
    risk = now + timedelta(hours=at_risk_hours)
    if state == "breached":
        return None, now, False
    if state == "at_risk":
        return now, risk, False
    if state == "on_track":
        return risk, None, True
    raise ValueError(f"unknown SLA state {state!r}; choose one of: breached, at_risk, on_track")

