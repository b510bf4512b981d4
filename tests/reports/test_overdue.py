"""`calldesk overdue`: breached and soon-due clocks; the exit code says whether anything is breached."""

from __future__ import annotations

import json
from datetime import timedelta

from calldesk.models import CallbackCreate, CaseCreate, utcnow
from calldesk.store.callbacks import add_callback
from calldesk.store.cases import open_case
from calldesk.store.store import Store
from calldesk.store.users import Actor
from tests.cli.test_cli import run
from tests.reports.seed import la, oc


def test_overdue_exits_zero_until_a_deadline_is_breached(store: Store, staff: dict[str, Actor], db_url: str) -> None:
    with store.uow() as uow:
        open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name="Fresh Caller", phone="(714) 555-0101", call_type="complaint", category="Poor service",
            claim="Waited three hours.", opened_at=utcnow()))
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "overdue", "--within", "0", "--json")
    assert code == 0 and json.loads(out) == {"breached": 0, "soon": 0, "items": []}

    with store.uow() as uow:
        late = open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name="Old Caller", phone="(714) 555-0102", call_type="concern", category="Poor service",
            claim="Documents lost twice.", opened_at=la(10, 1)))
        add_callback(uow, actor=staff["agent"], profile=oc(), data=CallbackCreate(
            caller_name="Voicemail", phone="(714) 555-0103", received_at=utcnow() - timedelta(days=10)))
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "overdue", "--json")
    found = json.loads(out)
    assert code == 2 and found["breached"] >= 3
    whats = {(i["what"], i["case_number"]) for i in found["items"] if i["breached"]}
    assert ("follow-up", late.case.case_number) in whats and ("resolution", late.case.case_number) in whats
    assert any(i["what"] == "callback" and i["breached"] for i in found["items"])
    assert "Old Caller" not in out  # deadlines, not callers
    code, out, _ = run(db_url, "--protocol", "oc_ccts", "overdue")
    assert code == 2 and "breached" in out
