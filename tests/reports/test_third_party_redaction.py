"""Issue 22, "Redaction holds for people who are not the caller": a case's free text naming someone other than the
caller, with their CIN, client id and case number, leaks into no output that leaves the system (the three tracking
logs as CSV and XLSX, `export cases` as JSONL, CSV and Open311, every report format), on SQLite and PostgreSQL;
and on PostgreSQL the same holds when the agent and the supervisor work through their own logins."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from calldesk.models import CaseCreate, ResolutionUpdate
from calldesk.rules.reporting import month_period
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from calldesk.store.services.cases import close_case, open_case
from calldesk.store.services.exports import export_cases, export_log
from calldesk.store.services.follow_ups_resolution import set_resolution
from calldesk.store.services.reports import run_report
from tests.cli.test_cli import run
from tests.conftest import Team
from tests.reports.seed import la, oc
from tests.team.helpers import acting

# The caller is Quinn Caller; everyone else named below is a third party the case never stores as a person.
CALLER = "Quinn Caller"
CLAIM = ("Constituent Ana Ruiz waited 4 hours in the lobby; her worker Marco Delgado, CIN 91234567A, "
         "had told her to come in.")
STEPS = "Caller says Ms. Okafor at the Garden Grove office holds client ID A-77301 and case C-2026-004512."
EVIDENCE = "Letter from marco delgado to the client, EBT card 5077 1234 5678 9012."
RESPONSE = "Supervisor spoke with Marco Delgado; Ana Ruiz's CIN 91234567A was restored."
# What must appear nowhere: each name and each identifier, whole or its digits (checked as whole words).
LEAKS = ("Ana", "Ruiz", "Marco", "Delgado", "Okafor", "Quinn", "91234567A", "91234567", "A-77301", "77301",
         "C-2026-004512", "004512", "5077", "9012")
# Ordinary words of the same text that an export keeps: the narrative is still worth reading.
KEPT = ("waited 4 hours in the lobby", "CIN [ID]")


def _leaks(text: str) -> list[str]:
    # Case-sensitive for "Ana": the staff login "ana" is the case's opener in the logs ("Received By").
    return [word for word in LEAKS if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text,
                                                0 if word == "Ana" else re.IGNORECASE)]


def _third_party_case(store: Store, staff: dict[str, Actor]) -> str:
    """An OC CCTS complaint opened by the agent and answered and closed by the supervisor, through the services."""
    with store.uow() as uow:
        number = open_case(uow, actor=staff["agent"], profile=oc(), data=CaseCreate(
            caller_name=CALLER, phone="(714) 555-0111", call_type="complaint", category="Poor service",
            subcategory="Long wait", department="CalWORKs", claim=CLAIM, steps_taken=STEPS, evidence=EVIDENCE,
            opened_at=la(10, 20))).case.case_number
    with store.uow() as uow:
        set_resolution(uow, actor=staff["supervisor"], case_number=number,
                       data=ResolutionUpdate(response=RESPONSE, outcome="Resolved with Marco Delgado."))
    with store.uow() as uow:
        close_case(uow, actor=staff["supervisor"], case_number=number)
    return number


def test_third_parties_leak_into_no_log_export_or_report(store: Store, staff: dict[str, Actor], db_url: str,
                                                         tmp_path: Path) -> None:
    _third_party_case(store, staff)
    outputs: dict[str, str] = {}
    for log in ("ccts", "ope_matrix", "area_request_log"):
        code, out, err = run(db_url, "--protocol", "oc_ccts", "export", "log", "--month", "2026-10", "--log", log)
        assert code == 0, err
        outputs[f"log {log} csv"] = out
        target = tmp_path / f"{log}.xlsx"
        code, _, err = run(db_url, "--protocol", "oc_ccts", "export", "log", "--month", "2026-10", "--log", log,
                           "--format", "xlsx", "--out", str(target))
        assert code == 0, err
        sheet = load_workbook(target).active
        assert sheet is not None
        outputs[f"log {log} xlsx"] = "\n".join(",".join(str(c.value or "") for c in row) for row in sheet.iter_rows())
    for form in ("jsonl", "csv", "open311"):
        code, out, err = run(db_url, "--protocol", "oc_ccts", "export", "cases", "--since", "2026-10-01",
                             "--until", "2026-10-31", "--format", form)
        assert code == 0, err
        outputs[f"export cases {form}"] = out
    for form in ("table", "csv", "json", "md"):
        code, out, err = run(db_url, "--protocol", "oc_ccts", "report", "monthly", "--month", "2026-10",
                             "--format", form)
        assert code == 0, err
        outputs[f"report {form}"] = out
    leaked = {where: found for where, text in outputs.items() if (found := _leaks(text))}
    assert leaked == {}
    # The CCTS log still says what happened, with the people and numbers taken out (one row: one case).
    ccts = outputs["log ccts csv"]
    assert all(kept in ccts for kept in KEPT), ccts
    row = json.loads(outputs["export cases jsonl"].splitlines()[0])
    assert row["description"].startswith("Constituent [NAME] waited 4 hours in the lobby; her worker [NAME], CIN [ID]")
    assert row["resolution"] == "Supervisor spoke with [NAME]; [NAME]'s CIN [ID] was restored."
    # The caller's own steps before calling are in the case export (not in the log's "Action Taken"), redacted too.
    assert "client ID [ID]" in row["steps_taken"] and "Okafor" not in row["steps_taken"]
    assert "[ID]" in json.loads(outputs["export cases open311"])[0]["description"]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_supervisors_own_login_exports_no_third_party(team: Team) -> None:
    """The agent opens the case and the supervisor answers it and exports the log and the cases, each through
    their own PostgreSQL login (`db grant`), never the owner's connection."""
    profile = oc()
    with acting(team, "ana") as (uow, agent):
        number = open_case(uow, actor=agent, profile=profile, data=CaseCreate(
            caller_name=CALLER, phone="(714) 555-0111", call_type="complaint", category="Poor service",
            department="CalWORKs for Quinn Caller", claim=CLAIM, steps_taken=STEPS, evidence=EVIDENCE,
            opened_at=la(10, 20))).case.case_number
    with acting(team, "sue") as (uow, supervisor):
        set_resolution(uow, actor=supervisor, case_number=number, data=ResolutionUpdate(response=RESPONSE))
    since, until = la(10, 1, 0), la(10, 1, 0) + timedelta(days=31)
    texts = []
    with acting(team, "sue") as (uow, supervisor):
        headers, log = export_log(uow, actor=supervisor, profile=profile, since=since, until=until, log="ccts")
        cases = export_cases(uow, actor=supervisor, profile=profile, since=since, until=until, form="cases")
        opened311 = export_cases(uow, actor=supervisor, profile=profile, since=since, until=until, form="open311")
    with team.store("sue").uow(readonly=True) as reader:
        for export in (log, cases, opened311):
            rows = list(export.rows(reader.session))
            assert len(rows) == 1
            texts.append(json.dumps(rows))
    with acting(team, "sue") as (uow, supervisor):  # the report names the place as the log does
        report = run_report(uow, actor=supervisor, profile=profile, period=month_period("2026-10"))
    texts.append(json.dumps(report.numbers))
    assert report.numbers["counts"]["place"] == {"CalWORKs for [NAME]": 1}
    assert "Action Taken" in headers and all(_leaks(text) == [] for text in texts), texts
    assert "waited 4 hours" in texts[0] and "CIN [ID]" in texts[0]
