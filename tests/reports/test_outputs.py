"""Every report format and every redacted export, through the real CLI on both backends: planted personal
data appears in none of them, and no spreadsheet cell can run as a formula."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook

from calldesk.models import CaseCreate
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import open_case
from tests.cli.test_cli import _other_admin_and_os_user_as, run
from tests.conftest import ADMIN
from tests.reports.seed import EMAIL, MARKERS, NAME, close, la, oc, planted_case

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _oc(db_url: str, *args: str) -> tuple[int, str, str]:
    return run(db_url, "--protocol", "oc_ccts", *args)


def _formula_case(store: Store, staff: dict[str, Actor]) -> None:
    with store.uow() as uow:
        number = open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name="Formula Tester", phone="(714) 555-0111", call_type="complaint", category="Poor service",
            department="-2+3", claim='=HYPERLINK("http://evil.example","click")', steps_taken="+1 call back",
            evidence="@SUM(A1:A9)", opened_at=la(10, 22))).case.case_number
    close(store, staff, number, "late", response="=cmd|' /C calc'!A0")


def _no_markers(text: str, where: str) -> None:
    for marker in MARKERS:
        assert marker.lower() not in text.lower(), f"{marker!r} leaked into {where}"


def _safe_cells(rows: list[list[str]], where: str) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA), f"{cell!r} in {where} would run as a formula"


def test_no_planted_personal_data_in_any_report_or_redacted_export(store: Store, staff: dict[str, Actor],
                                                                   db_url: str, tmp_path: Path) -> None:
    planted_case(store, staff)
    _formula_case(store, staff)
    outputs: dict[str, str] = {}
    for form in ("table", "csv", "json", "md"):
        code, out, err = _oc(db_url, "report", "monthly", "--month", "2026-10", "--format", form)
        assert code == 0, err
        outputs[f"report {form}"] = out
        target = tmp_path / f"report.{form}"
        assert _oc(db_url, "report", "monthly", "--month", "2026-10", "--format", form, "--out", str(target))[0] == 0
        outputs[f"report {form} file"] = target.read_text()
    outputs["quarterly"] = _oc(db_url, "report", "quarterly", "--quarter", "2026Q4", "--json")[1]
    for form in ("jsonl", "csv", "open311"):
        code, out, err = _oc(db_url, "export", "cases", "--since", "2026-10-01", "--until", "2026-10-31",
                             "--format", form)
        assert code == 0, err
        outputs[f"export {form}"] = out
    for log in ("ccts", "ope_matrix", "area_request_log"):
        code, out, err = _oc(db_url, "export", "log", "--month", "2026-10", "--log", log)
        assert code == 0, err
        outputs[f"log {log}"] = out
        target = tmp_path / f"{log}.xlsx"
        assert _oc(db_url, "export", "log", "--month", "2026-10", "--log", log, "--format", "xlsx",
                   "--out", str(target))[0] == 0
        sheet = load_workbook(target).active
        assert sheet is not None
        cells = [[str(c.value or "") for c in row] for row in sheet.iter_rows()]
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        _safe_cells(cells, f"{log}.xlsx")
        outputs[f"log {log} xlsx"] = "\n".join(",".join(r) for r in cells)
    for where, text in outputs.items():
        _no_markers(text, where)
    # The exports are about the cases all the same: both are there, redacted, with their text.
    lines = [json.loads(line) for line in outputs["export jsonl"].splitlines()]
    assert len(lines) == 2 and "[NAME]" in lines[0]["description"] and "[EMAIL]" in lines[0]["description"]
    assert all(r["pseudonym"].startswith("C-") for r in lines)
    open311 = json.loads(outputs["export open311"])
    assert {r["source"] for r in open311} == {"phone"} and all(r["expected_datetime"] for r in open311)
    assert not {"caller_name", "phone", "email"} & set(open311[0])
    for where in ("export csv", "log ccts", "log ope_matrix", "log area_request_log", "report csv"):
        _safe_cells(list(csv.reader(io.StringIO(outputs[where]))), where)
    assert "'=HYPERLINK" in outputs["export csv"] and "'@SUM" in outputs["export csv"]


def test_unredacted_exports_are_for_admins_and_hold_the_callers_details(
        store: Store, staff: dict[str, Actor], db_url: str) -> None:
    planted_case(store, staff)
    code, out, _ = _oc(db_url, "export", "cases", "--format", "jsonl", "--no-redact")
    assert code == 0 and NAME in out and EMAIL in out
    # An Open311 export never carries caller data, even when asked.
    code, out, _ = _oc(db_url, "export", "cases", "--format", "open311", "--no-redact")
    _no_markers(out, "open311 --no-redact")


def test_export_refusals_are_one_line(store: Store, staff: dict[str, Actor], db_url: str, tmp_path: Path) -> None:
    for args, message in [
        (["report", "monthly", "--month", "2026-13"], "is not a month"),
        (["report", "monthly", "--month", "2026-10", "--format", "pdf"], "is not a report format"),
        (["report", "quarterly", "--quarter", "2026Q9"], "is not a quarter"),
        (["report", "approve", "999"], "Only supervisors may approve reports"),
        (["export", "log", "--month", "2026-10", "--format", "xlsx"], "needs --out"),
        (["export", "log", "--month", "2026-10", "--log", "nope"], "is not a log"),
        (["export", "cases", "--since", "2026-10-31", "--until", "2026-10-01"], "is before --since"),
        (["export", "cases", "--since", "yesterday"], "is not a date"),
        (["purge", "--closed-before", "soon"], "is not a date"),
        (["caller", "export", "12"], "neither an email address nor a phone number"),
    ]:
        code, _, err = _oc(db_url, *args)
        assert code == 1 and message in err and len(err.strip().splitlines()) == 1, (args, err)


def test_report_status_and_approval_from_the_cli(store: Store, staff: dict[str, Actor], db_url: str,
                                                 tmp_path: Path) -> None:
    code, out, _ = _oc(db_url, "report", "status", "--month", "2026-10", "--json")
    status = json.loads(out)
    assert code == 0 and status["status"] == "not run" and status["report_id"] is None
    assert [(s["step"], s["due"], s["state"]) for s in status["chain"]] == [
        ("log_compiled", "2026-10-30", "overdue"), ("compilation_sent", "2026-11-06", "overdue"),
        ("draft_for_review", "2026-11-09", "overdue"), ("report_submitted", "2026-11-10", "overdue")]
    code, out, _ = _oc(db_url, "report", "monthly", "--month", "2026-10", "--json")
    report_id = json.loads(out)["report_id"]
    code, out, _ = _oc(db_url, "report", "status", "--month", "2026-10", "--json")
    # A draft exists, but no step is done until someone marks it (OC CCTS III.B: each person does their step).
    assert [s["state"] for s in json.loads(out)["chain"]] == ["overdue"] * 4
    code, out, _ = _oc(db_url, "report", "status", "--quarter", "2026Q3", "--received", "2026-11-09", "--json")
    assert code == 0 and [(s["due"], s["state"]) for s in json.loads(out)["chain"]] == [
        ("2026-11-12", "overdue"), ("2026-11-19", "overdue")]
    code, _, err = _oc(db_url, "report", "status", "--quarter", "2026Q3")
    assert code == 1 and "add --received" in err
    target = tmp_path / "log.csv"
    code, out, _ = _oc(db_url, "export", "log", "--month", "2026-10", "--out", str(target), "--json")
    assert code == 0 and json.loads(out)["rows"] == 0 and target.read_text().startswith("Date Received,")
    assert target.stat().st_mode & 0o077 == 0  # an export file is the owner's alone
    if store.backend == "sqlite":  # on PostgreSQL the CLI is the database role, the fixture's admin
        code, _, err = _oc(db_url, "report", "approve", str(report_id), "--json")
        assert code == 1 and err.strip(), "an admin does not approve reports: supervisors do"
        _other_admin_and_os_user_as(db_url, "supervisor")  # the CLI acts as the OS login, now a supervisor
        code, out, err = _oc(db_url, "report", "approve", str(report_id), "--json")
        assert code == 0 and json.loads(out)["approved_by"] == ADMIN, err
        code, out, _ = _oc(db_url, "report", "status", "--month", "2026-10", "--json")
        assert {s["state"] for s in json.loads(out)["chain"]} == {"overdue"}  # approved is not "submitted"
        code, out, _ = _oc(db_url, "report", "step", "report_submitted", "--month", "2026-10", "--json")
        marked = json.loads(out)["step"]
        assert code == 0 and marked["state"] == "done_late" and marked["done_by"] == ADMIN
        assert marked["days_late"] > 0 and "late" in marked["words"]
        code, _, err = _oc(db_url, "report", "step", "report_submitted", "--month", "2026-10")
        assert code == 1 and "already marked done by" in err
        code, _, err = _oc(db_url, "report", "step", "nope", "--month", "2026-10")
        assert code == 1 and "is not a step of this chain" in err and len(err.strip().splitlines()) == 1
    else:
        code, _, err = _oc(db_url, "report", "step", "log_compiled", "--month", "2026-10")
        assert code == 1 and "mark reporting-chain steps" in err, "an admin is not a seed role of the chain"


def test_values_that_look_like_markup_are_shown_as_typed(store: Store, staff: dict[str, Actor], db_url: str) -> None:
    with store.uow() as uow:
        open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name="Markup Tester", phone="(714) 555-0112", call_type="inquiry", department="[/] [bold]Dept",
            category="General information",
            opened_at=la(10, 12)))
    code, out, err = _oc(db_url, "report", "monthly", "--month", "2026-10")
    assert code == 0 and "Traceback" not in err and "[/] [bold]Dept" in out


def test_json_without_out_prints_the_rows_as_one_json_document(store: Store, staff: dict[str, Actor],
                                                                db_url: str) -> None:
    # --json used to be ignored without --out: the log came out as CSV, the cases as JSONL (a line each).
    planted_case(store, staff)
    _formula_case(store, staff)
    month = ["--since", "2026-10-01", "--until", "2026-10-31"]
    code, out, err = _oc(db_url, "export", "log", "--month", "2026-10", "--log", "ccts")
    headers = next(csv.reader(io.StringIO(out)))
    code, out, err = _oc(db_url, "export", "log", "--month", "2026-10", "--log", "ccts", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 2 and all(list(r) == headers for r in rows), err
    _no_markers(out, "log --json")
    jsonl = [json.loads(line) for line in _oc(db_url, "export", "cases", *month)[1].splitlines()]
    code, out, err = _oc(db_url, "export", "cases", *month, "--json")
    assert code == 0 and json.loads(out) == jsonl and len(jsonl) == 2, err
    _no_markers(out, "cases --json")
    fields = next(csv.reader(io.StringIO(_oc(db_url, "export", "cases", *month, "--format", "csv")[1])))
    code, out, err = _oc(db_url, "export", "cases", *month, "--format", "csv", "--json")
    assert code == 0 and [list(r) for r in json.loads(out)] == [fields, fields], err
    code, out, err = _oc(db_url, "export", "cases", *month, "--format", "open311", "--json")
    assert code == 0 and len(json.loads(out)) == 2, err
    _no_markers(out, "open311 --json")


def test_a_control_character_in_the_text_is_an_escape_in_the_xlsx_log(store: Store, staff: dict[str, Actor],
                                                                       db_url: str, tmp_path: Path) -> None:
    """A worksheet cannot hold ESC, BEL or most other control characters: the log was refused with a traceback
    that printed the cell's text, escapes and all, to the terminal. Now they are visible escapes in the cell."""
    with store.uow() as uow:
        open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name="Escape Tester", phone="(714) 555-0111", call_type="complaint", category="Poor service",
            department="CalWORKs", claim="\x1b]0;owned\x07The wait was \x1b[2Jlong\x0b\x9b31m", opened_at=la(10, 22)))
    written = r"\x1b]0;owned\x07The wait was \x1b[2Jlong\x0b\x9b31m"
    for log in ("ccts", "ope_matrix", "area_request_log"):
        target = tmp_path / f"{log}.xlsx"
        code, out, err = _oc(db_url, "export", "log", "--month", "2026-10", "--log", log, "--format", "xlsx",
                             "--out", str(target))
        assert code == 0 and "\x1b" not in out + err, err
        sheet = load_workbook(target).active
        assert sheet is not None
        cells = [str(c.value or "") for row in sheet.iter_rows() for c in row]
        claims = [c for c in cells if "wait" in c]
        # (The area request log has no column for the caller's words.)
        assert claims == ([] if log == "area_request_log" else [written]), (log, claims)


def test_a_callers_details_typed_into_the_school_or_department_leave_in_no_report_or_export(
        store: Store, staff: dict[str, Actor], db_url: str) -> None:
    """The school or department is typed like the claim is: a caller's name and number typed into it went out as
    typed, as a key of the monthly report's counts and trends, in the redacted exports' school, department and
    place columns, and as an Open311 request's address_id. Now they are taken out as from the claim, and the
    places that are only names of places stay whole."""
    with store.uow() as uow:
        open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name=NAME, phone="(714) 555-0187", call_type="complaint", category="Poor service",
            department="Home of Quintessa Marblewright, 714-555-0187 (qmarble@example.org)",
            claim="Nobody called back.", opened_at=la(10, 22)))
    _formula_case(store, staff)  # a place that is a place's name: kept (CalWORKs)
    with store.uow() as uow:  # September's: in October's report only as a place of the trend's earlier months
        open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name="Ottoline Brackenbury", phone="(714) 555-0142", call_type="complaint",
            category="Poor service", department="Ottoline Brackenbury's neighbour", claim="Nobody came.",
            opened_at=la(9, 15)))
    outputs: dict[str, str] = {}
    for form in ("csv", "json"):
        outputs[f"report {form}"] = _oc(db_url, "report", "monthly", "--month", "2026-10", "--format", form)[1]
    for form in ("jsonl", "csv", "open311"):
        outputs[f"export {form}"] = _oc(db_url, "export", "cases", "--since", "2026-10-01", "--until", "2026-10-31",
                                        "--format", form)[1]
    for log in ("ccts", "ope_matrix", "area_request_log"):
        outputs[f"log {log}"] = _oc(db_url, "export", "log", "--month", "2026-10", "--log", log)[1]
    for where, text in outputs.items():
        _no_markers(text, where)
        # (Rochester's matrix has a School column only.)
        assert ("Home of [NAME], [PHONE] ([EMAIL])" in text) == (where != "log ope_matrix"), (where, text)
    report = json.loads(outputs["report json"])["numbers"]
    assert report["counts"]["place"] == {"-2+3": 1, "Home of [NAME], [PHONE] ([EMAIL])": 1}
    assert list(report["trends"]["places"]) == ["-2+3", "Home of [NAME], [PHONE] ([EMAIL])", "[NAME]'s neighbour"]
    assert "Brackenbury" not in outputs["report json"] and "Brackenbury" not in outputs["report csv"]
