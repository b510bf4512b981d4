"""`calldesk overdue`: breached and soon-due clocks; the exit code says whether anything is breached."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from calldesk.models import Callback, CallbackCreate, Case, CaseCreate, utcnow
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.callbacks import add_callback
from calldesk.store.services.cases import open_case
from tests.cli.test_cli import run
from tests.reports.seed import la, oc

KINDS = ("response", "acknowledgement", "follow-up", "resolution", "callback")


def test_overdue_exits_zero_until_a_deadline_is_breached(store: Store, staff: dict[str, Actor], db_url: str) -> None:
    with store.uow() as uow:
        open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name="Fresh Caller", phone="(714) 555-0101", call_type="complaint", category="Poor service",
            claim="Waited three hours.", opened_at=utcnow()))
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "overdue", "--within", "0", "--json")
    assert code == 0, (out, _)
    assert json.loads(out) == {
        "breached": 0, "soon": 0, "by_kind": {k: {"breached": 0, "soon": 0} for k in KINDS}, "by_owner": {},
        "most_late": None, "soonest": None}

    with store.uow() as uow:
        late = open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name="Old Caller", phone="(714) 555-0102", call_type="concern", category="Poor service",
            claim="Documents lost twice.", opened_at=la(10, 1)))
        add_callback(uow, actor=staff["agent"], profile=oc(), data=CallbackCreate(
            caller_name="Voicemail", phone="(714) 555-0103", received_at=utcnow() - timedelta(days=10)))
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "overdue", "--all", "--json")
    found = json.loads(out)
    assert code == 2 and found["breached"] >= 3
    whats = {(i["what"], i["case_number"]) for i in found["items"] if i["breached"]}
    assert ("follow-up", late.case.case_number) in whats and ("resolution", late.case.case_number) in whats
    assert any(i["what"] == "callback" and i["breached"] for i in found["items"])
    assert "Old Caller" not in out  # deadlines, not callers
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "overdue")
    assert code == 2 and "breached" in out


def _planted(store: Store, staff: dict[str, Actor]) -> tuple[datetime, dict[str, str]]:
    """Four cases and three callbacks whose clocks are set by hand around `now` (the owner's connection, setting up):
    the figures below are counted from these lines."""
    now = utcnow().replace(microsecond=0)
    h = timedelta(hours=1)
    numbers: dict[str, str] = {}
    with store.uow() as uow:
        for name, phone in (("A", "0111"), ("B", "0112"), ("C", "0113"), ("D", "0114")):
            numbers[name] = open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
                caller_name=f"Caller {name}", phone=f"(714) 555-{phone}", call_type="inquiry",
                category="Poor service", claim="Waited.")).case.case_number
        ids = [add_callback(uow, actor=staff["agent"], profile=oc(), data=CallbackCreate(
            caller_name="Voicemail", phone=f"(714) 555-02{k}0")).id for k in range(3)]
    clocks = {  # case: status, owner_role, assigned_to, respond, acknowledge, follow-up, resolve
        "A": ("open", "agent", "pat", now + 2 * h, None, now - h, now - 48 * h),  # response soon; 2 breached
        "B": ("open", "supervisor", None, None, now + 5 * h, None, now + 48 * h),  # acknowledgement soon only
        "C": ("open", "agent", "sam", None, None, None, now + 30 * h),  # beyond 24 hours: not counted
        "D": ("closed", "agent", "pat", None, None, None, now - 72 * h),  # closed: not counted
    }
    with store.uow() as uow:
        for name, (status, role, who, respond, ack, follow, resolve) in clocks.items():
            pending = [d for d in (respond, ack, follow, resolve) if d]
            uow.session.execute(update(Case).where(col(Case.case_number) == numbers[name]).values(
                status=status, owner_role=role, assigned_to=who, respond_by=respond, acknowledge_by=ack,
                next_follow_up_by=follow, resolve_by=resolve, next_deadline=min(pending) if status == "open" else None))
        for callback_id, due, done in ((ids[0], now - 3 * h, None), (ids[1], now + h, None),
                                       (ids[2], now - 120 * h, now - 100 * h)):
            uow.session.execute(update(Callback).where(col(Callback.id) == callback_id).values(
                assigned_to="ana", due_at=due, done_at=done))
        uow.commit()
    numbers.update(cb1=str(ids[0]), cb2=str(ids[1]))
    return now, numbers


def test_overdue_summary_counts_by_kind_and_owner_and_names_the_most_late_and_the_soonest(
        store: Store, staff: dict[str, Actor], db_url: str) -> None:
    now, n = _planted(store, staff)
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "overdue", "--json")
    found = json.loads(out)
    # Breached: A's follow-up (now-1h) and resolution (now-48h), callback 1 (now-3h) = 3.
    # Soon (within 24 h): A's response (+2h), B's acknowledgement (+5h), callback 2 (+1h) = 3.
    # Not counted: B's resolution (+48h), C (+30h), D (closed), callback 3 (done).
    assert code == 2 and (found["breached"], found["soon"]) == (3, 3)
    assert found["by_kind"] == {"response": {"breached": 0, "soon": 1}, "acknowledgement": {"breached": 0, "soon": 1},
                                "follow-up": {"breached": 1, "soon": 0}, "resolution": {"breached": 1, "soon": 0},
                                "callback": {"breached": 1, "soon": 1}}
    # pat: A's two breached and its response; ana: the two callbacks; B has nobody assigned: its owner role.
    assert list(found["by_owner"].items()) == [("pat", {"breached": 2, "soon": 1}), ("ana", {"breached": 1, "soon": 1}),
                                               ("supervisor", {"breached": 0, "soon": 1})]
    late, soonest = found["most_late"], found["soonest"]
    assert (late["what"], late["case_number"], late["owner"]) == ("resolution", n["A"], "pat")
    assert datetime.fromisoformat(late["due"]) == now - timedelta(hours=48)
    assert (soonest["what"], soonest["callback_id"], soonest["owner"]) == ("callback", int(n["cb2"]), "ana")
    assert datetime.fromisoformat(soonest["due"]) == now + timedelta(hours=1)
    assert "items" not in found  # the list only on request

    code, out, _ = run(db_url, "--protocol", "oc_ccts", "overdue")
    assert code == 2 and "3 breached, 3 due within 24 hour(s)." in out and "Most late: resolution of case" in out
    assert "Soonest: callback" in out and "--all" in out and "BREACHED" not in out  # no list by default


def test_overdue_all_lists_every_item_breached_first_then_soonest(
        store: Store, staff: dict[str, Actor], db_url: str) -> None:
    now, n = _planted(store, staff)
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "overdue", "--all", "--json")
    assert code == 2, (out, _)
    found = json.loads(out)
    # The six counted above, by due time: A resolution -48h, callback 1 -3h, A follow-up -1h, callback 2 +1h,
    # A response +2h, B acknowledgement +5h.
    assert [(i["what"], i["case_number"] or i["callback_id"], i["breached"]) for i in found["items"]] == [
        ("resolution", n["A"], True), ("callback", int(n["cb1"]), True), ("follow-up", n["A"], True),
        ("callback", int(n["cb2"]), False), ("response", n["A"], False), ("acknowledgement", n["B"], False)]
    assert [datetime.fromisoformat(i["due"]) - now for i in found["items"]] == [
        timedelta(hours=h) for h in (-48, -3, -1, 1, 2, 5)]
    assert (found["breached"], found["soon"]) == (3, 3)
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "overdue", "--all")
    lines = [line for line in out.splitlines() if line.startswith(("BREACHED", "soon "))]
    assert code == 2 and len(lines) == 6 and [line.split()[1] for line in lines] == [
        "resolution", "callback", "follow-up", "callback", "response", "acknowledgement"]
