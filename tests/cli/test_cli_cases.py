"""`calldesk case import/list/show`: imports go through the same rules as the desk."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.cli.test_cli import run

CSV = """caller_name,phone,call_type,category,school,opened_at,claim
Maria Gomez,(213) 555-0142,complaint,Transportation,Roosevelt High,2026-11-23T10:00:00-08:00,Bus never came
Rosa Diaz,not-a-phone,inquiry,Enrollment,,2026-11-23T11:00:00-08:00,
Maria Gomez,213-555-0142,inquiry,Transportation,,2026-11-30T09:00:00-08:00,Bus late again
"""


def test_import_applies_the_rules_reports_bad_rows_and_is_idempotent(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text(CSV)
    code, out, err = run(db_url, "case", "import", str(source), "--json")
    assert code == 1 and json.loads(out)["imported"] == 0  # all or nothing by default
    assert run(db_url, "case", "list", "--json")[1].strip() == "[]"
    code, out, err = run(db_url, "case", "import", str(source), "--json", "--partial")
    summary = json.loads(out)
    assert code == 1 and summary["imported"] == 2
    assert summary["refused"] == [{"row": 3, "reason": "'not-a-phone' is not a phone number: check the digits."}]
    code, out, _ = run(db_url, "case", "list", "--json")
    cases = {c["case_number"]: c for c in json.loads(out)}
    first, repeat = cases["2026-000001"], cases["2026-000002"]
    assert first["tier"] == "complaint" and first["resolve_by"].startswith("2026-12-16T07:59:59")  # 15 Dec, LA
    assert repeat["call_type"] == "concern" and repeat["owner_role"] == "program_specialist"
    code, out, _ = run(db_url, "case", "import", str(source), "--json", "--partial")
    assert json.loads(out)["already_present"] == 2 and json.loads(out)["imported"] == 0
    code, out, _ = run(db_url, "case", "show", "2026-000002", "--json")
    assert code == 0 and "Repeat caller" in json.loads(out)["routing_notes"]


def test_import_of_a_missing_or_odd_file_is_one_line(db_url: str, tmp_path: Path) -> None:
    code, _, err = run(db_url, "case", "import", str(tmp_path / "nope.csv"))
    assert code == 1 and "No file at" in err
    odd = tmp_path / "calls.txt"
    odd.write_text("x")
    code, _, err = run(db_url, "case", "import", str(odd))
    assert code == 1 and ".csv or .json" in err
    code, _, err = run(db_url, "case", "show", "2026-999999")
    assert code == 1 and "No case numbered 2026-999999" in err


def test_an_over_long_value_is_refused_naming_the_field(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.json"
    source.write_text(json.dumps([{"caller_name": "x" * 300, "phone": "2135550142"}]))
    code, out, _ = run(db_url, "case", "import", str(source), "--json")
    refused = json.loads(out)["refused"]
    assert code == 1 and refused[0]["reason"].startswith("Caller name is longer than 200 characters")


def test_a_csv_row_with_more_cells_than_columns_is_refused_not_a_traceback(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text("caller_name,phone,category\nMaria Gomez,2135550142,Enrollment,extra\n"
                      "Rosa Diaz,2135550177,Enrollment\n")
    code, out, err = run(db_url, "case", "import", str(source), "--json", "--partial")
    summary = json.loads(out)
    assert code == 1 and summary["imported"] == 1 and "Traceback" not in err
    assert summary["refused"] == [{"row": 2, "reason": "The row has more cells than the header has columns."}]


def test_import_refuses_misspelt_columns_vague_yes_no_and_changed_client_ids(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text("caller_name,phone,claimm\nMaria Gomez,2135550142,Bus never came\n")
    code, out, err = run(db_url, "case", "import", str(source))
    assert code == 1 and "Unknown column 'claimm' (did you mean 'claim'?)" in err and len(err.splitlines()) == 1
    source.write_text("caller_name,phone,urgent\nMaria Gomez,2135550142,maybe\n")
    code, out, err = run(db_url, "case", "import", str(source))
    assert code == 1 and "'maybe' in column urgent is not yes or no" in err
    assert run(db_url, "case", "list", "--json")[1].strip() == "[]"
    first = tmp_path / "first.json"
    first.write_text(json.dumps([{"client_id": "web-7", "caller_name": "Maria Gomez", "phone": "2135550142",
                                  "category": "Enrollment"}]))
    assert run(db_url, "case", "import", str(first))[0] == 0
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps([{"client_id": "web-7", "caller_name": "Rosa Diaz", "phone": "2135550142",
                                    "category": "Enrollment"}]))
    code, _, err = run(db_url, "case", "import", str(changed))
    assert code == 1 and "Client id web-7 was imported before" in err and "caller_name" in err
    assert run(db_url, "case", "import", str(first))[0] == 0  # the same content again is simply present


def test_a_case_opened_in_the_future_is_refused_as_a_callback_received_then_is(db_url: str, tmp_path: Path) -> None:
    # A row dated next year took next year's first number (2027-000001); it is refused as `callback add
    # --received` refuses a time to come (calldesk.rules.typed_dates.not_in_future).
    later = (datetime.now(UTC) + timedelta(days=200)).isoformat(timespec="seconds")
    source = tmp_path / "calls.csv"
    source.write_text("caller_name,phone,category,opened_at\n"
                      "Maria Gomez,2135550142,Enrollment,2026-11-23T10:00:00-08:00\n"
                      f"Rosa Diaz,2135550177,Enrollment,{later}\n")
    sentence = "The case cannot have been opened in the future: give when the call came in."
    code, out, _ = run(db_url, "case", "import", str(source), "--json")
    summary = json.loads(out)
    assert code == 1 and summary["imported"] == 0 and summary["refused"] == [{"row": 3, "reason": sentence}]
    assert run(db_url, "case", "list", "--all", "--json")[1].strip() == "[]"
    code, out, _ = run(db_url, "case", "import", str(source), "--json", "--partial")
    assert code == 1 and json.loads(out)["imported"] == 1 and json.loads(out)["refused"][0]["reason"] == sentence
    code, out, _ = run(db_url, "case", "list", "--all", "--json")
    assert [c["caller_name"] for c in json.loads(out)] == ["Maria Gomez"]


def test_a_column_named_twice_refuses_the_whole_file_naming_it(db_url: str, tmp_path: Path) -> None:
    # Before, the last caller_name silently won; it is refused as an unknown column is, before any row.
    source = tmp_path / "calls.csv"
    source.write_text("client_id,caller_name,caller_name,phone,category\n"
                      "web-1,Maria Gomez,Rosa Diaz,2135550142,Enrollment\n")
    for args in ([], ["--partial"]):
        code, out, err = run(db_url, "case", "import", str(source), *args)
        assert code == 1 and err.startswith("error:") and len(err.strip().splitlines()) == 1
        assert "Column 'caller_name' is repeated in the header; nothing was imported." in err
    same = tmp_path / "calls.json"  # a JSON object naming a key twice: the same
    same.write_text('[{"client_id": "web-1", "caller_name": "Maria Gomez", "caller_name": "Rosa Diaz", '
                    '"phone": "2135550142", "category": "Enrollment"}]')
    code, _, err = run(db_url, "case", "import", str(same), "--partial")
    assert code == 1 and "Column 'caller_name' is repeated in an object of the file" in err
    assert run(db_url, "case", "list", "--all", "--json")[1].strip() == "[]"


def test_refusal_lines_do_not_wrap_when_stderr_is_not_a_terminal(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.json"
    source.write_text(json.dumps([{"caller_name": "Maria Gomez", "phone": "2135550142",
                                   "category": "Transportation but spelt in a way no protocol has ever seen " * 2}]))
    code, _, err = run(db_url, "case", "import", str(source))
    assert code == 1 and len(err.strip().splitlines()) == 1 and len(err.splitlines()[0]) > 100
