"""A new case's rows, built once: the case row (routing, deadlines, notes), its late-intake clock, its repeat link
and its audit events. `open_case` (one call), the bulk import (a batch) and the demo (a generated store) all
open a case through `decide` and `case_row`, then write what `opening_records` gives (each in its own way: one
flush, or one multi-row insert per table and batch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calldesk.models import Case
from calldesk.rules.assignment import StaffBoard
from calldesk.rules.clocks import missed_intake, next_deadline
from calldesk.rules.profile import Profile
from calldesk.rules.repeat import CallerKey, PriorCase, RepeatDecision, TrendDecision, detect_repeat
from calldesk.rules.routing import Routing, case_notes, route
from calldesk.store.db import audit

DEADLINE_FIELDS = ("respond_by", "acknowledge_by", "next_follow_up_by", "resolve_by", "resolve_max")
# Every column of a new case with the model's default (what Case() would fill in), but for the id.
CASE_DEFAULTS: dict[str, Any] = {name: info.get_default(call_default_factory=True)
                                 for name, info in Case.model_fields.items() if name != "id"}


def caller_key(fields: dict[str, Any]) -> CallerKey:
    """Who is calling, as the repeat rule matches callers: phone digits, email, the name as typed."""
    return CallerKey(fields.get("phone_digits"), fields.get("email"), fields.get("caller_name") or None)


@dataclass(frozen=True)
class Opening:
    """What the rules decided about a new case: its routing, the repeat caller and school trend it belongs to,
    and (logged after the intake deadline) that deadline and the note the case keeps."""

    routing: Routing
    repeat: RepeatDecision | None
    trend: TrendDecision | None
    late: tuple[datetime, str] | None

    @property
    def reasons(self) -> list[str]:
        """The agent's save message (the late intake is in the case's notes, not the save message)."""
        return case_notes(self.routing, repeat=self.repeat, trend=self.trend)

    @property
    def tier(self) -> str | None:
        return self.routing.decision.tier


def decide(profile: Profile, *, fields: dict[str, Any], opened_at: datetime, logged_at: datetime,
           priors: list[PriorCase], trend: TrendDecision | None, staff: StaffBoard | None = None,
           opener: str | None = None) -> Opening:
    """The rules' decisions for a call with cleaned `fields`, received at `opened_at` and logged at `logged_at`:
    repeat caller (against `priors`, the caller's earlier cases), routing (to a person of `staff` if given) and
    the late intake. `trend` is the school trend as the caller's store counts it."""
    repeat = detect_repeat(profile, caller=caller_key(fields), category=fields.get("category"),
                           school=fields.get("school"), opened_at=opened_at, priors=priors)
    routing = route(profile, fields=fields, opened_at=opened_at, repeat=repeat, staff=staff, opener=opener)
    return Opening(routing, repeat, trend, missed_intake(profile, opened_at, logged_at))


def case_row(profile: Profile, opening: Opening, *, fields: dict[str, Any], client_id: str, case_number: str,
             opener: str, opened_at: datetime, logged_at: datetime, abuse: bool) -> dict[str, Any]:
    """Every column of the new case but its id: the cleaned fields, the model's defaults, and what the rules
    decided (type, tier, owner, person, deadlines, reportability, a due-process case closed at once, notes)."""
    routing = opening.routing
    decision, report = routing.decision, routing.report
    row = {**CASE_DEFAULTS, **fields, "client_id": client_id, "case_number": case_number,
           "protocol": profile.name, "opened_by": opener, "opened_at": opened_at, "updated_at": logged_at,
           "abuse_marked": abuse, "call_type": routing.call_type, "tier": decision.tier,
           "owner_role": decision.owner_role, "assigned_to": routing.assign_to,
           "assigned_at": logged_at if routing.assign_to else None, "reportable": report.reportable,
           "route_to": report.route_to, "not_reportable_reason": report.reason, "version": 1}
    for name in DEADLINE_FIELDS:
        row[name] = getattr(decision.deadlines, name)
    if decision.close_now:
        row.update(status="closed", closed_at=opened_at, closed_by=opener, close_reason="already in due process")
    row["next_deadline"] = next_deadline(row["status"], row)
    late = opening.late
    row["routing_notes"] = "\n".join(case_notes(routing, repeat=opening.repeat, trend=opening.trend,
                                                late=late[1] if late else None))
    return row


def opening_records(row: dict[str, Any], case_id: int, opening: Opening, *, actor: str, at: datetime,
                    key: bytes | None, linked_id: int | None) -> dict[str, list[dict[str, Any]]]:
    """The rows a new case brings beside its own, by table: the missed intake clock, the repeat link to the
    earlier case (`linked_id`; None: no link), and the audit events (the opening snapshot, the late intake, the
    link), in that order."""
    number = row["case_number"]
    clocks: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    events = [audit.opening_row(at=at, actor=actor, entity_id=number, case_id=case_id, record=row,
                                skip=audit.NOT_IN_SNAPSHOT, key=key)]
    if opening.late is not None:
        due = opening.late[0]
        clocks.append({"case_id": case_id, "kind": "intake", "event": "missed", "due_at": due, "new_due_at": None,
                       "note": "", "by_user": actor, "at": at})
        events.append(audit.event_row(at=at, actor=actor, action="clock.intake_missed", entity="case",
                                      entity_id=number, case_id=case_id, changes={"intake_due": (None, due)},
                                      key=key))
    if opening.repeat is not None and linked_id is not None:
        earlier = opening.repeat.linked_case_number
        links.append({"case_id": case_id, "linked_case_id": linked_id, "kind": "repeat",
                      "reason": opening.repeat.message, "created_by": actor, "created_at": at})
        events.append(audit.event_row(at=at, actor=actor, action="case.link", entity="case", entity_id=number,
                                      case_id=case_id, changes={"repeat_of": (None, earlier)}))
    return {"clockevent": clocks, "caselink": links, "auditevent": events}
