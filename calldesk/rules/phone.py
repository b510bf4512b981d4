"""The ringing phone: Zammad's generic CTI events in one shape, and which calls were missed (README, "The phone").

A phone system (Asterisk, 3CX, a softphone) tells calldesk of a call in three events, `newCall` (it rings),
`answer` and `hangup`; the fields are Zammad's (https://docs.zammad.org, "Generic CTI"). Plain data, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Self

from calldesk.rules.calendar import calendar_for
from calldesk.rules.profile import Profile
from calldesk.rules.shown import moment_words

EVENTS = ("newCall", "answer", "hangup")
DIRECTIONS = ("in", "out")
CAUSES = ("normalClearing", "busy", "cancel", "noAnswer", "congestion", "notFound", "forwarded")
# A hang-up with one of these causes before anyone answered: the caller gave up or nobody took it.
MISSED_CAUSES = ("cancel", "noAnswer")
# Each field's other spellings (the bridges differ: camelCase, snake_case; `callerId` for the caller's number).
ALIASES: dict[str, tuple[str, ...]] = {
    "event": ("event",),
    "from": ("from", "callerId", "caller_id", "callerid"),
    "to": ("to",),
    "direction": ("direction",),
    "callId": ("callId", "call_id", "callid"),
    "user": ("user", "user[]"),
    "queue": ("queue",),
    "answeringNumber": ("answeringNumber", "answering_number"),
    "cause": ("cause",),
}
LIMITS = {"from": 40, "to": 40, "callId": 100, "queue": 100, "answeringNumber": 40, "user": 64}


@dataclass(frozen=True)
class CallEvent:
    """One CTI event as calldesk keeps it."""

    event: str
    call_id: str
    direction: str
    from_number: str = ""
    to_number: str = ""
    users: tuple[str, ...] = ()
    queue: str = ""
    answering_number: str = ""
    cause: str = ""

    @property
    def caller_number(self) -> str:
        """The other party's number: who rang in, or who was rung."""
        return self.from_number if self.direction == "in" else self.to_number


def _field(fields: Mapping[str, object], name: str) -> object:
    for alias in ALIASES[name]:
        if alias in fields and fields[alias] not in (None, ""):
            return fields[alias]
    return None


def _text(value: object, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if not isinstance(value, str | int):
        raise ValueError(f"The field '{name}' must be text.")
    text = str(value).strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValueError(f"The field '{name}' holds control characters.")
    if len(text) > LIMITS.get(name, 100):
        raise ValueError(f"The field '{name}' is longer than {LIMITS.get(name, 100)} characters.")
    return text


def _users(value: object) -> tuple[str, ...]:
    items: Iterable[object] = value if isinstance(value, list | tuple) else ([] if value is None else [value])
    return tuple(u for u in (_text(item, "user") for item in items) if u)


def parse_event(fields: Mapping[str, object]) -> CallEvent:
    """The event a phone system posted (JSON or form fields, either spelling); ValueError, in words, when it is
    not one calldesk can keep (an unknown event, direction or cause, no call id)."""
    event = _text(_field(fields, "event"), "event")
    if event not in EVENTS:
        raise ValueError(f"Unknown event '{event}': expected newCall, answer or hangup.")
    call_id = _text(_field(fields, "callId"), "callId")
    if not call_id:
        raise ValueError("The event has no callId.")
    direction = _text(_field(fields, "direction"), "direction") or "in"
    if direction not in DIRECTIONS:
        raise ValueError(f"Unknown direction '{direction}': expected in or out.")
    cause = _text(_field(fields, "cause"), "cause")
    if cause and cause not in CAUSES:
        raise ValueError(f"Unknown cause '{cause}': expected one of {', '.join(CAUSES)}.")
    if event == "hangup" and not cause:
        cause = "normalClearing"
    return CallEvent(event=event, call_id=call_id, direction=direction,
                     from_number=_text(_field(fields, "from"), "from"), to_number=_text(_field(fields, "to"), "to"),
                     users=_users(_field(fields, "user")), queue=_text(_field(fields, "queue"), "queue"),
                     answering_number=_text(_field(fields, "answeringNumber"), "answeringNumber"),
                     cause=cause if event == "hangup" else "")


# Zammad's answer to a ring from a blocked caller id: the phone system hangs up (the caller hears busy).
REJECT = {"action": "reject", "reason": "busy"}


def is_rejected(event: CallEvent, blocked: bool) -> bool:
    """A ring (newCall) coming in from a blocked number: answered with REJECT, kept marked blocked, no pop and no
    missed-call callback (an outgoing call or a later event of a call is never rejected)."""
    return blocked and event.event == "newCall" and event.direction == "in"


def block_reason(text: str) -> str:
    """Why a number is blocked, on one line; ValueError, in words, when none is given or it is too long."""
    reason = " ".join((text or "").split())
    if not reason or len(reason) > 300:
        raise ValueError("Give the reason for blocking the number (e.g. repeated nuisance calls) in at most 300 "
                         "characters.")
    return reason


def call_client_id(call_id: str) -> str:
    """The intake's id for a call the phone system reported: the case it opens carries it (`Case.client_id`), so
    the caller log links the call to its case and a second start of the same call's intake changes that case."""
    import hashlib

    return f"cti:{call_id}" if len(call_id) <= 60 else "cti:" + hashlib.sha256(call_id.encode()).hexdigest()[:60]


def is_missed(*, direction: str, answered: bool, cause: str) -> bool:
    """An incoming call hung up (cancel or noAnswer) before anyone answered: it becomes a callback."""
    return direction == "in" and not answered and cause in MISSED_CAUSES


def missed_call_message(queue: str, cause: str) -> str:
    """What a missed call's callback says (no words of the caller's: nobody heard any)."""
    why = "the caller hung up before it was answered" if cause == "cancel" else "nobody answered"
    return f"Missed call{f' on {queue}' if queue else ''}: {why}."


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored, for the caller log."""

    call_id: str
    event: str
    at: datetime
    direction: str
    from_number: str
    to_number: str
    users: str
    queue: str
    answering_number: str
    cause: str
    callback_id: int | None
    blocked: bool  # a blocked number's call (its ring rejected)

    @classmethod
    def of(cls, row: object) -> Self:
        """The event of a stored row: anything with these fields as attributes (the phoneevent table's row)."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class CallLine:
    """One call in the caller log: when it rang, was answered and hung up, by whom, why it ended, and what it
    became (a callback, a case)."""

    call_id: str
    direction: str
    number: str
    queue: str
    agent: str
    ring_at: datetime | None
    answer_at: datetime | None
    hangup_at: datetime | None
    cause: str
    callback_id: int | None
    case_number: str | None = None
    blocked: bool = False

    @property
    def missed(self) -> bool:
        """Missed (it became a callback): a blocked number's call never is."""
        return not self.blocked and is_missed(direction=self.direction, answered=self.answer_at is not None,
                                              cause=self.cause)


def call_lines(events: Sequence[StoredEvent]) -> list[CallLine]:
    """The stored events (any order) grouped into one line per call, the newest ring first. The agent is who
    answered (else the first user rung); the number is the other party's."""
    calls: dict[str, list[StoredEvent]] = {}
    for e in sorted(events, key=lambda e: e.at):
        calls.setdefault(e.call_id, []).append(e)
    lines = []
    for call_id, seq in calls.items():
        by = {e.event: e for e in seq}
        first = seq[0]
        answered = by.get("answer")
        agent = (answered.users if answered else "") or first.users
        hangup = by.get("hangup")
        number = first.from_number if first.direction == "in" else first.to_number
        lines.append(CallLine(call_id=call_id, direction=first.direction, number=number,
                              queue=next((e.queue for e in seq if e.queue), ""), agent=agent.split(",")[0],
                              ring_at=by["newCall"].at if "newCall" in by else None,
                              answer_at=answered.at if answered else None,
                              hangup_at=hangup.at if hangup else None, cause=hangup.cause if hangup else "",
                              callback_id=next((e.callback_id for e in seq if e.callback_id), None),
                              blocked=any(e.blocked for e in seq)))
    return sorted(lines, key=lambda c: c.ring_at or c.answer_at or c.hangup_at or datetime.min, reverse=True)


LOG_COLUMNS = ("call_id", "direction", "number", "queue", "agent", "ring", "answer", "hangup", "cause", "became")


def log_fields(line: CallLine, profile: Profile, *, today: date) -> dict[str, Any]:
    """One line of the caller log as the CLI and the screen show it (times in the agency's zone, as rules.shown
    says them, to the second; the year when not `today`'s)."""
    tz = calendar_for(profile).tz

    def when(at: datetime | None) -> str:
        return moment_words(at, tz=tz, today=today, seconds=True) if at else ""

    became = ", ".join(([f"callback {line.callback_id}"] if line.callback_id else [])
                       + ([f"case {line.case_number}"] if line.case_number else []))
    return {"call_id": line.call_id, "direction": line.direction, "number": line.number, "queue": line.queue,
            "agent": line.agent, "ring": when(line.ring_at), "answer": when(line.answer_at),
            "hangup": when(line.hangup_at),
            "cause": line.cause + (" (blocked: rejected)" if line.blocked else " (missed)" if line.missed else ""),
            "became": became}
