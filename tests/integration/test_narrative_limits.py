"""Every narrative has one limit (calldesk.rules.free_text, or its model's max_length), held by the store for every
channel: the desk's services, the CLI, an import, the web form and Open311 read the same figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import calldesk.models  # noqa: F401  (registers every table)
from calldesk.errors import InvalidInput
from calldesk.rules.free_text import FREE_TEXT, NARRATIVE_LIMITS, narrative_limit
from calldesk.rules.mail import MAX_TEXT_CHARS
from calldesk.rules.web_form import LIMITS
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.cli.test_cli_import_bulk import _count
from tests.integration.helpers import call

HUGE = "x" * 100_000
CLAIM = narrative_limit("cases", "claim")


def test_every_narrative_column_has_exactly_one_limit() -> None:
    tables = SQLModel.metadata.tables
    for table, kinds in FREE_TEXT.items():
        for column in kinds.narrative:
            in_model = getattr(tables[table].c[column].type, "length", None)
            stated = (table, column) in NARRATIVE_LIMITS
            assert (in_model is None) == stated, f"{table}.{column}: one limit, the model's or the rules'"
    assert set(NARRATIVE_LIMITS) <= {(t, c) for t, k in FREE_TEXT.items() for c in k.narrative}
    # The web form and the email's claim read the store's figure, not a copy of it.
    assert LIMITS["claim"] == CLAIM == MAX_TEXT_CHARS and LIMITS["evidence"] == narrative_limit("cases", "evidence")
    assert CLAIM >= 10_000  # a complaint of several typed pages fits


def test_a_claim_longer_than_its_limit_is_refused_by_the_store(store: Store, staff: dict[str, Actor]) -> None:
    with pytest.raises(InvalidInput) as refused:
        call(store, staff["agent"], claim=HUGE)
    assert refused.value.field == "claim"
    assert str(refused.value) == f"Claim is longer than {CLAIM:,} characters (100,000 typed): shorten it."
    assert len(call(store, staff["agent"], claim="y" * CLAIM).case.claim) == CLAIM  # the limit itself is kept


def test_the_cli_refuses_each_long_narrative_in_one_line_and_stores_none(db_url: str) -> None:
    code, out, err = run(db_url, "callback", "add", "--name", "Rosa", "--phone", "2135550111", "--summary", HUGE)
    assert code != 0 and err.strip().count("\n") == 0
    assert "The message is longer than 4,000 characters" in err
    assert _count(db_url, "SELECT count(*) FROM callback") == 0
    code, out, err = run(db_url, "callback", "add", "--name", "Rosa", "--phone", "2135550111", "--summary",
                         "Bus route", "--json")
    assert code == 0, err


def test_the_cli_refuses_a_long_follow_up_and_response(db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], call_type="concern").case.case_number
    code, _, err = run(db_url, "case", "follow-up", number, "--done", HUGE)
    assert code != 0 and "What was done is longer than 20,000 characters" in err
    code, _, err = run(db_url, "case", "follow-up", number, "--done", "Called the school", "--pending", HUGE)
    assert code != 0 and "What is pending is longer than 4,000 characters" in err
    assert _count(db_url, "SELECT count(*) FROM followup") == 0
    code, _, err = run(db_url, "case", "resolve", number, "--outcome", "Resolved", "--response", HUGE)
    assert code != 0 and "Response is longer than 20,000 characters" in err
    assert _count(db_url, "SELECT count(*) FROM resolution WHERE length(response) > 20000") == 0


def test_an_import_row_with_a_long_claim_is_refused_in_words(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text("client_id,caller_name,phone,call_type,category,opened_at,claim\n"
                      f"row-1,Rosa,(213) 555-0101,inquiry,Enrollment,2026-11-23T10:00:00-08:00,{HUGE}\n")
    code, out, _ = run(db_url, "case", "import", str(source), "--json")
    assert code == 1 and json.loads(out)["refused"] == [
        {"row": 2, "reason": f"Claim is longer than {CLAIM:,} characters (100,000 typed): shorten it."}]
    assert _count(db_url, "SELECT count(*) FROM cases") == 0
