"""`calldesk case import` refuses a row missing what the profile requires, with the desk's own sentence."""

from __future__ import annotations

import json
from pathlib import Path

from calldesk.rules.required import SENTENCES
from tests.cli.test_cli import run


def test_a_row_missing_required_fields_is_refused_with_the_same_sentence(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.json"
    source.write_text(json.dumps([
        {"phone": "2135550142"},
        {"caller_name": "Dana Whitfield", "call_type": "concern", "category": "Student placement"},
        {"caller_name": "Rosa Diaz", "category": "Enrollment"},
    ]))
    code, out, _ = run(db_url, "case", "import", str(source), "--json")
    assert code == 1 and json.loads(out)["imported"] == 0, "all or nothing by default"
    code, out, _ = run(db_url, "case", "import", str(source), "--json", "--partial")
    summary = json.loads(out)
    assert code == 1 and summary["imported"] == 1
    assert summary["refused"] == [{"row": 1, "reason": SENTENCES["category"][1]},
                                  {"row": 2, "reason": SENTENCES["claim"][1]}]
    assert SENTENCES["category"][1] == "Pick the call's category."
