"""What a person reads from the CLI's tables and lines says times in the agency's zone as rules.shown writes them,
and stored codes in words: no ISO timestamp, no raw field name (both backends)."""

from __future__ import annotations

import json
import re

from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.integration.helpers import call

ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
MOMENT = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                    r"( \d{4})? \d{2}:\d{2}")


def test_holds_and_a_purge_say_their_times_in_words(db_url: str, store: Store, staff: dict[str, Actor]) -> None:
    number = call(store, staff["agent"], caller_name="Maria Gomez", phone="2135550142").case.case_number
    assert run(db_url, "hold", "place", number, "--reason", "Gomez v. District")[0] == 0
    code, out, err = run(db_url, "hold", "list")
    assert code == 0 and number in out and MOMENT.search(out) and not ISO.search(out), out  # was ...T23:17:45+00:00
    code, out, _ = run(db_url, "hold", "list", "--json")  # (a machine format keeps its own)
    assert ISO.match(json.loads(out)[0]["placed_at"])
    code, out, err = run(db_url, "purge", "--closed-before", "2025-01-01", "--dry-run")
    assert code == 0 and "closed before Wed 1 Jan 2025 (" in out, err  # was "closed before 2025-01-01"
