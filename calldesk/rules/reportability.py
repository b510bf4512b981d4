"""Reportability (OC CCTS): matters under another mandated process are routed there, not reported."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from calldesk.rules.profile import Profile
from calldesk.rules.triage import CaseFlags


@dataclass(frozen=True)
class Reportability:
    """Whether a case counts in the monthly report; if not, where it is routed and why."""

    reportable: bool
    route_to: str | None = None
    reason: str | None = None


def reportability(
    profile: Profile,
    *,
    category: str | None,
    flags: CaseFlags | None = None,
    matters: Iterable[str] = (),
) -> Reportability:
    """Decide whether a case is reportable.

    Not reportable when its category says so (e.g. discrimination, routed to the civil rights coordinator),
    when one of `matters` names a kind the profile lists under `not_reportable` (e.g. "court_action",
    "mandated_appeal", and for OC CCTS "regulation": a complaint about a Federal or State regulation SSA must
    abide by), or when `flags.due_process` and the profile lists "due_process". The case is still
    tracked; it is only left out of the report.
    """
    found = profile.category(category)
    if found is not None and not found.reportable:
        reason = found.reason or f"{found.name} is handled through another process."
        return Reportability(False, found.route_to, f"Not reportable: {reason} Route it to {found.route_to}.")
    kinds = list(matters)
    if flags is not None and flags.due_process:
        kinds.append("due_process")
    for kind in kinds:
        matter = profile.not_reportable_kind(kind)
        if matter is not None:
            return Reportability(
                False, matter.route_to, f"Not reportable: {matter.reason} Route it to {matter.route_to}."
            )
    return Reportability(True)
