"""The pop's maybe-matches on both backends: a ring whose number the phone system sent another way (the
international prefix dialled, an extension run on) finds the caller's earlier cases labelled maybe, after the exact
ones; the CLI's `calldesk pop` shows them so."""

from __future__ import annotations

import json

from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.phone import pop_for
from tests.cli.test_cli import run
from tests.conftest import ADMIN
from tests.integration.helpers import call


def test_exact_cases_first_then_the_number_written_another_way(store: Store, staff: dict[str, Actor]) -> None:
    agent = staff["agent"]
    earlier = call(store, agent, phone="(310) 555-1234", category="Transportation").case.case_number
    call(store, agent, phone="(213) 555-0142")  # another caller: never listed
    with store.uow(readonly=True) as uow:
        # Exactly the stored number: the case is an exact match, nothing is a maybe.
        exact = pop_for(uow.session, viewer=agent, number="+13105551234")
        # 00 1 310 555 1234: the international prefix dropped is the stored number, so it is a maybe.
        prefixed = pop_for(uow.session, viewer=agent, number="0013105551234")
        # 1 310 555 1234 then extension 77: cut back to the stored number, a maybe.
        extended = pop_for(uow.session, viewer=agent, number="1310555123477")
    assert [c.case_number for c in exact.earlier] == [earlier] and exact.maybe == []
    assert prefixed.earlier == [] and [(m.case.case_number, m.why) for m in prefixed.maybe] == [
        (earlier, "the number without the international prefix")]
    assert extended.earlier == [] and [(m.case.case_number, m.why) for m in extended.maybe] == [
        (earlier, "the number without its extension")]
    assert extended.maybe[0].case.category == "Transportation"


def test_calldesk_pop_labels_the_maybe_matches(db_url: str) -> None:
    from calldesk.store.db.store import open_store

    store = open_store(db_url, configured_user=ADMIN)
    earlier = call(store, store.actor(), phone="(310) 555-1234", category="Transportation").case.case_number
    store.close()
    code, out, _ = run(db_url, "pop", "--number", "0013105551234")
    lines = out.splitlines()
    assert code == 0 and lines[:2] == ["Ringing: 0013105551234", "No earlier cases from this number."]
    assert lines[2].startswith(f"maybe {earlier} ") and "open inquiry Transportation" in lines[2]
    assert lines[2].endswith("(by the number without the international prefix)")
    code, out, _ = run(db_url, "pop", "--number", "0013105551234", "--json")
    found = json.loads(out)
    assert code == 0 and found["earlier"] == []
    assert [(m["case_number"], m["why"]) for m in found["maybe"]] == [
        (earlier, "the number without the international prefix")]
