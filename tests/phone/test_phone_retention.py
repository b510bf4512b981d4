"""Retention of the phone system's events (issue 26) in `calldesk purge`, on both backends: events older than the
profile's phone_events_kept_days go, a call linked to a case that stays is kept, a call linked to a case the purge
removes goes with it; counted in the result, a dry run included."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import select

from calldesk.models import AuditEvent, Callback, Case, PhoneEvent
from calldesk.profiles import load_profile
from calldesk.rules.phone import parse_event
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.phone import record_event
from calldesk.store.services.retention import purge
from tests.cli.test_cli import run
from tests.integration.helpers import call
from tests.reports.seed import close, la, oc, planted_case

TODAY = date(2026, 12, 1)
# The profiles keep phone events 365 days: on 1 Dec 2026 (Los Angeles) those before 1 Dec 2025 00:00 are past it.
OLD = datetime(2025, 11, 1, 10, tzinfo=la(1, 1).tzinfo)
RECENT = la(11, 20)


def _event(store: Store, actor: Actor, at: datetime, call_id: str, event: str = "newCall", **more: str) -> None:
    fields = {"event": event, "from": "+13105551234", "callId": call_id, "user": [actor.username], **more}
    with store.uow() as uow:
        record_event(uow, actor=actor, profile=load_profile(store.protocol), event=parse_event(fields), at=at)


def _calls(store: Store) -> set[str]:
    with store.uow(readonly=True) as uow:
        return set(uow.session.exec(select(PhoneEvent.call_id)))


def test_purge_removes_old_phone_events_but_those_of_a_kept_case(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    doomed = planted_case(store, staff, opened=la(1, 6))
    close(store, staff, doomed, "late", closed_at=datetime(2020, 3, 2, 12, tzinfo=la(1, 1).tzinfo))
    kept = call(store, agent).case  # open: it stays
    _event(store, agent, OLD, "old-plain")
    _event(store, agent, OLD, "old-plain", "answer")  # 2 events past 365 days, of no case: they go
    _event(store, agent, RECENT, "new-plain")  # inside the 365 days: stays
    _event(store, agent, OLD, "old-popped")  # old, but its pop opened the open case (its client id): stays
    _event(store, agent, OLD, "old-missed")
    _event(store, agent, OLD, "old-missed", "hangup", cause="noAnswer")  # a callback, filed on the open case: stays
    _event(store, agent, RECENT, "doomed-call")  # recent, but its case is purged: it follows the case
    with store.uow() as uow:  # the links as the desk makes them (the pop's case id; a callback filed on a case)
        uow.session.execute(update(Case).where(Case.id == kept.id).values(client_id="cti:old-popped"))
        uow.session.execute(update(Case).where(Case.case_number == doomed).values(client_id="cti:doomed-call"))
        uow.session.execute(update(Callback).values(case_id=kept.id))
        uow.commit()
    profile = oc()  # the planted case's protocol (Orange County keeps phone events 365 days too)
    with store.uow() as uow:
        dry = purge(uow, actor=staff["admin"], profile=profile, closed_before=TODAY, dry_run=True, today=TODAY)
    # old-plain's 2 events and doomed-call's 1: 3.
    assert (dry.cases, dry.phone_events) == (1, 3)
    assert _calls(store) == {"old-plain", "new-plain", "old-popped", "old-missed", "doomed-call"}
    with store.uow() as uow:
        done = purge(uow, actor=staff["admin"], profile=profile, closed_before=TODAY, today=TODAY)
    assert (done.cases, done.phone_events) == (1, 3)
    assert _calls(store) == {"new-plain", "old-popped", "old-missed"}
    with store.uow(readonly=True) as uow:
        [trail] = uow.session.exec(select(AuditEvent).where(AuditEvent.action == "retention.purge")).all()
    assert json.loads(trail.new or "{}")["phone_events"] == 3


def test_the_cli_purge_says_how_many_phone_events(db_url: str) -> None:
    from calldesk.store.db.store import open_store
    from tests.conftest import ADMIN

    store = open_store(db_url, configured_user=ADMIN)
    _event(store, store.actor(), OLD, "old-plain")
    store.close()
    code, out, _ = run(db_url, "purge", "--closed-before", "2026-12-01", "--dry-run", "--json")
    assert code == 0 and json.loads(out)["phone_events"] == 1
    code, out, _ = run(db_url, "purge", "--closed-before", "2026-12-01")
    assert code == 0 and "1 phone event(s) past their retention" in out
    code, out, _ = run(db_url, "purge", "--closed-before", "2026-12-01", "--json")
    assert code == 0 and json.loads(out)["phone_events"] == 0
