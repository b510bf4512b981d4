"""An Asterisk Manager Interface (AMI) adapter: a queue's events turned into calldesk's one event shape.

AMI speaks plain text: blocks of "Key: Value" lines, each ended by an empty line. The adapter reads the
queue's call flow and says it as Zammad's CTI events (calldesk.rules.phone.CallEvent):

- QueueCallerJoin (a caller waits in a queue)            -> newCall
- AgentConnect (an agent took the call)                  -> answer (user: the agent's member name)
- QueueCallerAbandon (the caller gave up while waiting)  -> hangup, cause cancel
- Hangup of the caller's own channel                     -> hangup, the Q.850 cause in Zammad's words

The protocol is parsed here (a few lines) rather than through pystrix: the adapter must read recorded traffic
as well as a live socket, and pystrix reads only its own socket. One call is one Linkedid (Asterisk 12+).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from calldesk.rules.phone import CallEvent

# Q.850 hang-up causes (Asterisk's Cause header) in Zammad's words.
CAUSES = {"16": "normalClearing", "17": "busy", "18": "noAnswer", "19": "noAnswer", "21": "cancel",
          "1": "notFound", "3": "notFound", "34": "congestion", "38": "congestion", "41": "congestion",
          "42": "congestion"}


def blocks(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """The AMI messages in `lines` (the first of a repeated key kept; the greeting line skipped)."""
    current: dict[str, str] = {}
    for line in lines:
        line = line.rstrip("\r\n")
        if not line:
            if current:
                yield current
            current = {}
            continue
        key, sep, value = line.partition(":")
        if sep:
            current.setdefault(key.strip(), value.strip())
    if current:
        yield current


@dataclass
class _Call:
    number: str
    queue: str
    direction: str = "in"


@dataclass
class AmiAdapter:
    """Feed it AMI messages in order; it returns the CTI event each one means (None: nothing for calldesk)."""

    calls: dict[str, _Call] = field(default_factory=dict)

    def feed(self, message: dict[str, str]) -> CallEvent | None:
        kind = message.get("Event", "")
        call_id = message.get("Linkedid") or message.get("Uniqueid") or ""
        if not call_id:
            return None
        if kind == "QueueCallerJoin":
            joined = _Call(number=_number(message.get("CallerIDNum", "")), queue=message.get("Queue", ""))
            self.calls[call_id] = joined
            return CallEvent(event="newCall", call_id=call_id, direction="in", from_number=joined.number,
                             to_number=message.get("Exten", ""), queue=joined.queue)
        call = self.calls.get(call_id)
        if call is None:
            return None  # a call that never waited in a queue (an internal one): not the desk's
        if kind == "AgentConnect":
            agent = message.get("MemberName") or message.get("Interface", "")
            return CallEvent(event="answer", call_id=call_id, direction=call.direction, from_number=call.number,
                             users=(agent,) if agent else (), queue=call.queue,
                             answering_number=_number(message.get("DestCallerIDNum", "")))
        if kind == "QueueCallerAbandon":
            return CallEvent(event="hangup", call_id=call_id, direction=call.direction, from_number=call.number,
                             queue=call.queue, cause="cancel")
        if kind == "Hangup" and message.get("Uniqueid") == message.get("Linkedid", message.get("Uniqueid")):
            self.calls.pop(call_id, None)
            return CallEvent(event="hangup", call_id=call_id, direction=call.direction, from_number=call.number,
                             queue=call.queue, cause=CAUSES.get(message.get("Cause", ""), "normalClearing"))
        return None


def _number(value: str) -> str:
    return "" if value in ("", "<unknown>", "anonymous") else value


def events_of(lines: Iterable[str]) -> Iterator[CallEvent]:
    """The CTI events a stream of AMI text means, in order (recorded traffic, or a live socket's lines)."""
    adapter = AmiAdapter()
    for message in blocks(lines):
        event = adapter.feed(message)
        if event is not None:
            yield event


def follow(host: str, port: int, user: str, secret: str, keep: Callable[[CallEvent], object]) -> None:
    """Sign in to a live AMI and hand every event to `keep` until the connection ends."""
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.settimeout(None)
        sock.sendall(f"Action: Login\r\nUsername: {user}\r\nSecret: {secret}\r\nEvents: on\r\n\r\n".encode())
        with sock.makefile("r", encoding="utf-8", errors="replace", newline="") as lines:
            for event in events_of(lines):
                keep(event)
