"""Blocked numbers (issue 26): a supervisor blocks a number however it is written; the real endpoint answers its
ring with Zammad's reject, keeps the call marked blocked, and it becomes no pop and no missed-call callback; on
both backends, and on PostgreSQL through the supervisor's and the agent's own logins."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from calldesk.errors import InvalidInput, NotFound, PermissionDenied, RuleRefused
from calldesk.models import AuditEvent, BlockedNumber, Callback, PhoneEvent
from calldesk.profiles import load_profile
from calldesk.rules.phone import log_fields
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.phone import latest_ring, phone_log
from calldesk.store.services.phone_blocks import block_number, blocked_numbers, unblock_number
from tests.cli.test_cli import run
from tests.conftest import Team, add_user
from tests.integration.helpers import at
from tests.phone.cti import listening
from tests.team.helpers import acting, owner_rows

SEQUENCES = json.loads((Path(__file__).parent / "data" / "cti_sequences.json").read_text())
RING = at(2026, 12, 4, 16, 30)
REJECT = {"action": "reject", "reason": "busy"}  # Zammad's answer to a blocked caller id (its generic CTI docs)


def _rows(store: Store, query: object) -> list:  # type: ignore[type-arg]
    with store.uow(readonly=True) as uow:
        return list(uow.session.exec(query))  # type: ignore[call-overload]


def test_a_blocked_numbers_ring_is_rejected_kept_marked_and_makes_no_callback(store: Store, admin: Actor) -> None:
    sue = add_user(store, admin, "sue", "supervisor")
    ana = add_user(store, admin, "ana", "agent", supervisor="sue")
    # The missed sequence rings from +13105551234: blocked as the supervisor wrote it, with dots.
    with store.uow() as uow:
        done = block_number(uow, actor=sue, number="310.555.1234", reason="  repeated   nuisance calls ")
    assert (done.phone, done.reason, done.blocked_by) == ("+13105551234", "repeated nuisance calls", "sue")
    with listening(store, ana, clock=lambda: RING) as endpoint:
        ring, hangup = SEQUENCES["missed"]
        assert endpoint.post(ring) == (200, REJECT)
        assert endpoint.post(ring) == (200, REJECT)  # the phone system retried: the same answer, kept once
        assert endpoint.post(hangup) == (200, {})  # only a ring is answered with a reject
        for event in SEQUENCES["answered"]:  # another number: Zammad's plain answer
            assert endpoint.post(event) == (200, {})
    kept = {(e.call_id, e.event): e.blocked for e in _rows(store, select(PhoneEvent))}
    assert kept == {("m1-missed", "newCall"): True, ("m1-missed", "hangup"): True,
                    ("a1-answered", "newCall"): False, ("a1-answered", "answer"): False,
                    ("a1-answered", "hangup"): False}
    # noAnswer before any answer would be a callback (test_cti_endpoint): a blocked number's makes none.
    assert _rows(store, select(Callback)) == []
    with store.uow(readonly=True) as uow:  # the caller log says so: blocked, not missed
        lines = {line.call_id: line for line in phone_log(uow.session, viewer=sue, since=at(2026, 12, 1))}
    assert (lines["m1-missed"].blocked, lines["m1-missed"].missed) == (True, False)
    fields = log_fields(lines["m1-missed"], load_profile(store.protocol), today=date(2026, 12, 7))
    assert fields["cause"] == "noAnswer (blocked: rejected)"
    assert not lines["a1-answered"].blocked
    with store.uow(readonly=True) as uow:  # the desk's pop: the answered call rang, the blocked one never does
        found = latest_ring(uow.session, user="ana")
        assert found is not None and found.call_id == "a1-answered"
        blocked_id = next(e.id for e in uow.session.exec(select(PhoneEvent)) if e.blocked)
        assert latest_ring(uow.session, user="ana", after_id=(blocked_id or 0) - 1).call_id == "a1-answered"
    # Unblocked: the same number's next ring is answered {} and a missed one is a callback again.
    with store.uow() as uow:
        unblock_number(uow, actor=sue, number="+1 (310) 555-1234")
    with listening(store, ana, clock=lambda: RING) as endpoint:
        assert endpoint.post({**SEQUENCES["missed"][0], "callId": "m2"}) == (200, {})
        assert endpoint.post({**SEQUENCES["missed"][1], "callId": "m2"}) == (200, {})
    assert [c.phone for c in _rows(store, select(Callback))] == ["+13105551234"]
    # Each block and unblock is in the trail, the number marked as personal data (a reason: its fingerprint, as
    # every "reason" in the trail).
    trail = _rows(store, select(AuditEvent).where(col(AuditEvent.action).in_(("phone.block", "phone.unblock")))
                  .order_by(col(AuditEvent.id)))
    assert [(e.action, e.field, e.actor) for e in trail] == [
        ("phone.block", "phone", "sue"), ("phone.block", "reason", "sue"), ("phone.unblock", "phone", "sue")]
    assert trail[0].new == "(personal data: see the record)" and trail[1].new.startswith("[text 23 chars hmac:")


def test_blocking_is_a_supervisors_refusals_are_one_line_and_change_nothing(store: Store, admin: Actor) -> None:
    sue = add_user(store, admin, "sue", "supervisor")
    ana = add_user(store, admin, "ana", "agent", supervisor="sue")
    with store.uow() as uow, pytest.raises(PermissionDenied, match="block or unblock callers' numbers"):
        block_number(uow, actor=ana, number="+13105551234", reason="spam")
    with store.uow() as uow, pytest.raises(InvalidInput, match="not a phone number"):
        block_number(uow, actor=sue, number="call me", reason="spam")
    with store.uow() as uow, pytest.raises(InvalidInput, match="Give the reason"):
        block_number(uow, actor=sue, number="+13105551234", reason="   ")
    with store.uow() as uow, pytest.raises(NotFound, match=r"\+13105551234 is not blocked"):
        unblock_number(uow, actor=sue, number="3105551234")
    assert _rows(store, select(BlockedNumber)) == []
    with store.uow() as uow:
        block_number(uow, actor=sue, number="+13105551234", reason="spam")
    with store.uow() as uow, pytest.raises(RuleRefused, match="blocked already"):
        block_number(uow, actor=sue, number="(310) 555-1234", reason="again")
    with store.uow(readonly=True) as uow:
        assert [(b.phone, b.reason) for b in blocked_numbers(uow.session, viewer=sue)] == [("+13105551234", "spam")]
        with pytest.raises(PermissionDenied):
            blocked_numbers(uow.session, viewer=ana)


def test_the_cli_blocks_lists_and_unblocks(db_url: str) -> None:
    code, out, _ = run(db_url, "phone", "block", "(310) 555-1234", "--reason", "nuisance calls")
    assert code == 0 and out.strip() == "Blocked (310) 555-1234: its calls are rejected (busy) and kept in the log."
    code, out, _ = run(db_url, "phone", "blocked", "--json")
    [row] = json.loads(out)
    assert code == 0 and (row["phone"], row["reason"]) == ("+13105551234", "nuisance calls")
    code, out, err = run(db_url, "phone", "block", "+13105551234", "--reason", "again")
    assert code != 0 and "blocked already" in out + err and "Traceback" not in out + err
    code, out, err = run(db_url, "phone", "block", "not a number", "--reason", "x")
    assert code != 0 and "not a phone number" in out + err
    code, out, _ = run(db_url, "phone", "unblock", "3105551234", "--json")
    assert code == 0 and json.loads(out) == {"phone": "+13105551234", "blocked": False}
    code, out, _ = run(db_url, "phone", "blocked", "--json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_the_supervisors_login_blocks_and_the_agents_listener_rejects(team: Team) -> None:
    with acting(team, "sue") as (uow, sue):
        block_number(uow, actor=sue, number="+13105551234", reason="nuisance calls")
    [row] = owner_rows(team, select(BlockedNumber))
    assert row.blocked_by == team.name("sue")
    ana = team.actor("ana")
    missed = [{**e, "user": [team.name("ana")]} if e["event"] == "newCall" else e for e in SEQUENCES["missed"]]
    with listening(team.store("ana"), ana, clock=lambda: RING) as endpoint:
        assert endpoint.post(missed[0]) == (200, REJECT)
        assert endpoint.post(missed[1]) == (200, {})
    assert {e.blocked for e in owner_rows(team, select(PhoneEvent))} == {True}
    assert owner_rows(team, select(Callback)) == []
    # The database recorded the block as the supervisor's; an agent's login may not block, nor write the table.
    recorded = owner_rows(team, select(AuditEvent).where(AuditEvent.entity == "blockednumber",
                                                         AuditEvent.action == "db.insert"))
    assert [e.actor for e in recorded] == [team.name("sue")]
    with acting(team, "ana") as (uow, me), pytest.raises(PermissionDenied):
        block_number(uow, actor=me, number="+16265550100", reason="spam")
    with acting(team, "bo") as (uow, _), pytest.raises(Exception, match="permission denied"):
        uow.session.execute(text("DELETE FROM blockednumber"))
    assert len(owner_rows(team, select(BlockedNumber))) == 1
