"""What happens to a generated case after its call: who owns it, its follow-ups, a callback, and (for most
older cases) its resolution and closing, as rows by table with their audit events."""

from __future__ import annotations

import random
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from calldesk.rules.callbacks import callback_due
from calldesk.rules.followup import next_follow_up_due
from calldesk.rules.profile import Profile
from calldesk.store.db import audit

DONE = ("Called the school office and left a message.", "Spoke with the principal; waiting for a reply.",
        "Emailed the caller the policy and the office contact.", "Confirmed the details with the department.")
RESPONSES = ("Explained the policy and confirmed with the school office.", "The school fixed the issue.",
             "Referred to the responsible office, which resolved it.")
RECENT_IDS = 200_000  # more than any repeat window holds at a million cases


@dataclass
class DemoSummary:
    """What a fill wrote."""

    cases: int = 0
    skipped: int = 0
    closed: int = 0
    repeats: int = 0
    trends: int = 0
    follow_ups: int = 0
    callbacks: int = 0
    audit_events: int = 0
    callers: int = 0
    seconds: float = 0.0


@dataclass
class DemoRows:
    """One batch's rows, table by table, and the case numbers already written (for repeat links)."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {
        name: [] for name in ("cases", "resolution", "followup", "callback", "caselink", "clockevent",
                              "auditevent")})
    audit_count: int = 0
    ids: OrderedDict[str, int] = field(default_factory=OrderedDict)

    def remember(self, number: str, case_id: int) -> None:
        """The ids of recent cases (a repeat links to one within the repeat window), bounded."""
        self.ids[number] = case_id
        if len(self.ids) > RECENT_IDS:
            self.ids.popitem(last=False)

    def case_id(self, number: str) -> int | None:
        return self.ids.get(number)

    def extend(self, records: dict[str, list[dict[str, Any]]]) -> None:
        for name, rows in records.items():
            self.tables[name].extend(rows)

    def clear(self) -> None:
        self.audit_count += len(self.tables["auditevent"])
        for rows in self.tables.values():
            rows.clear()


def opener(drawn: dict[str, Any], staff: dict[str, list[str]]) -> str:
    """The agent who took the call, by the call's dice."""
    return staff["agent"][int(drawn["r"] * len(staff["agent"]))]


def own(row: dict[str, Any], drawn: dict[str, Any], staff: dict[str, list[str]]) -> None:
    """Give the case to a person of its owner role (a supervisor if the demo has none), by the call's dice."""
    people = staff.get(row["owner_role"]) or staff["supervisor"]
    row["assigned_to"] = people[int(drawn["r2"] * len(people))]
    row["assigned_at"] = row["opened_at"]


def case_history(rng: random.Random, profile: Profile, row: dict[str, Any], drawn: dict[str, Any],
                 now: datetime, ids: dict[str, int], out: DemoRows, summary: DemoSummary,
                 key: bytes | None) -> None:
    """A case's follow-ups, callback and (for most older cases) its closing: `row` (opened and owned) completed
    and the rows it brings added to `out`."""
    opened_at: datetime = row["opened_at"]
    age = (now - opened_at).days
    events = out.tables["auditevent"]
    last_entry: datetime | None = None
    serious = row["tier"] in ("concern", "complaint")
    entries = (1 + int(drawn["r3"] * 2)) if serious and age > 3 else 0
    for n in range(entries):
        at = opened_at + timedelta(days=1 + 2 * n, hours=rng.randrange(1, 6))
        if at >= now:
            break
        ids["followup"] += 1
        done = rng.choice(DONE)
        out.tables["followup"].append({"id": ids["followup"], "case_id": row["id"], "by_user": row["assigned_to"],
                                       "entry_at": at, "done": done, "pending": ""})
        events.append(audit.event_row(at=at, actor=row["assigned_to"], action="followup.add", entity="followup",
                                      entity_id=ids["followup"], case_id=row["id"],
                                      changes={"done": (None, done)}, key=key))
        last_entry = at
        summary.follow_ups += 1
    if rng.random() < 0.06:
        _callback(rng, profile, row, age, ids, out, key)
        summary.callbacks += 1
    closing = 0.97 if age > 60 else 0.9 * age / 60
    if row["status"] == "open" and rng.random() < closing:
        _close(rng, row, now, last_entry, ids, out, key)
        summary.closed += 1
    elif row["status"] == "closed":
        row["closed_by"] = row["assigned_to"]
        summary.closed += 1
    elif last_entry is not None:
        row["next_follow_up_by"] = next_follow_up_due(profile, row["tier"], opened_at=opened_at,
                                                      last_entry_at=last_entry)
    if row["status"] == "open":
        clocks = [row[k] for k in ("respond_by", "acknowledge_by", "next_follow_up_by", "resolve_by") if row[k]]
        row["next_deadline"] = min(clocks) if clocks else None
    else:
        row["next_deadline"] = None


def _callback(rng: random.Random, profile: Profile, row: dict[str, Any], age: int, ids: dict[str, int],
              out: DemoRows, key: bytes | None) -> None:
    opened_at: datetime = row["opened_at"]
    ids["callback"] += 1
    due = callback_due(profile, received_at=opened_at, urgent=row["urgent"], from_superior=row["source"] != "none")
    finished = opened_at + timedelta(hours=rng.randrange(1, 30)) if age > 2 else None
    out.tables["callback"].append({
        "id": ids["callback"], "case_id": row["id"], "assigned_to": row["assigned_to"],
        "caller_name": row["caller_name"], "phone": row["phone"], "message": "Please call back about the case.",
        "urgent": row["urgent"], "from_superior": row["source"] != "none", "received_at": opened_at, "due_at": due,
        "done_at": finished, "done_by": row["assigned_to"] if finished else None,
        "attempts": 0, "last_attempt": None, "last_attempt_at": None})  # no tries recorded
    out.tables["auditevent"].append(audit.event_row(
        at=opened_at, actor=row["opened_by"], action="callback.add", entity="callback", entity_id=ids["callback"],
        case_id=row["id"], changes={"assigned_to": (None, row["assigned_to"])}, key=key))


def _close(rng: random.Random, row: dict[str, Any], now: datetime, last_entry: datetime | None,
           ids: dict[str, int], out: DemoRows, key: bytes | None) -> None:
    opened_at: datetime = row["opened_at"]
    events = out.tables["auditevent"]
    limits: list[datetime] = [now, opened_at + timedelta(days=rng.randrange(0, 20), hours=rng.randrange(1, 8))]
    closed_at = max(min(limits + ([row["resolve_max"]] if row["resolve_max"] else [])), last_entry or opened_at)
    if row["tier"] not in (None, "inquiry_immediate"):
        ids["resolution"] += 1
        response = rng.choice(RESPONSES)
        out.tables["resolution"].append({"id": ids["resolution"], "case_id": row["id"], "response": response,
                                         "outcome": "resolved", "alleged_violation": None, "letter_status": "none",
                                         "letter_text": "", "letter_note": "",
                                         "updated_by": row["assigned_to"], "updated_at": closed_at})
        events.append(audit.event_row(at=closed_at, actor=row["assigned_to"], action="resolution.update",
                                      entity="resolution", entity_id=ids["resolution"], case_id=row["id"],
                                      changes={"response": (None, response), "outcome": (None, "resolved")},
                                      key=key))
    row.update(status="closed", closed_at=closed_at, closed_by=row["assigned_to"], close_reason="resolved",
               updated_at=closed_at)
    events.append(audit.event_row(at=closed_at, actor=row["assigned_to"], action="case.close", entity="case",
                                  entity_id=row["case_number"], case_id=row["id"],
                                  changes={"status": ("open", "closed"), "close_reason": (None, "resolved")}))

