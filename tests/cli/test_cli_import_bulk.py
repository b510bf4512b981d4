"""`calldesk case import` streams the file, commits in batches, and a rerun after a kill imports only what is
missing (the idempotent client ids)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.cli.test_cli import run
from tests.integration.helpers import lausd

HEADER = "client_id,caller_name,phone,call_type,category,opened_at,claim\n"


def _line(n: int) -> str:
    return (f"row-{n},Caller {n},(213) 555-{n:04d},inquiry,Enrollment,2026-11-{1 + n % 20:02d}T10:00:00-08:00,"
            f"Asked about enrollment {n}\n")


def _count(db_url: str, sql: str) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def test_a_resumed_import_adds_only_what_is_missing(db_url: str, tmp_path: Path) -> None:
    full = tmp_path / "all.csv"
    full.write_text(HEADER + "".join(_line(n) for n in range(1, 26)))
    cut = tmp_path / "cut.csv"  # what a killed import had committed: its first batches
    cut.write_text(HEADER + "".join(_line(n) for n in range(1, 21)))
    code, out, err = run(db_url, "case", "import", str(cut), "--batch", "10", "--json")
    assert code == 0, err
    assert json.loads(out)["imported"] == 20
    code, out, err = run(db_url, "case", "import", str(full), "--batch", "10", "--json")
    summary = json.loads(out)
    assert code == 0 and (summary["imported"], summary["already_present"]) == (5, 20)
    assert _count(db_url, "SELECT count(*) FROM cases") == 25
    assert _count(db_url, "SELECT count(DISTINCT client_id) FROM cases") == 25
    # one audit event per imported case's opening, holding its fields
    assert _count(db_url, "SELECT count(*) FROM auditevent WHERE action = 'case.open'") == 25
    assert _count(db_url, "SELECT count(*) FROM auditevent WHERE action = 'case.open' AND changes IS NULL") == 0


def test_a_client_id_imported_before_with_other_content_is_refused(db_url: str, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text(HEADER + "".join(_line(n) for n in range(1, 4)))
    assert run(db_url, "case", "import", str(first), "--json")[0] == 0
    again = tmp_path / "again.csv"  # row 1 as written differently (same content), row 2 with another claim
    again.write_text(HEADER + _line(1).replace("Caller 1,", "  Caller 1 ,").replace("(213) 555-0001", "213.555.0001")
                     + _line(2).replace("Asked about enrollment 2", "Asked about buses") + _line(3))
    code, out, _ = run(db_url, "case", "import", str(again), "--json", "--partial")
    summary = json.loads(out)
    assert code == 1 and (summary["imported"], summary["already_present"]) == (0, 2)
    assert summary["refused"] == [{"row": 3, "reason": "Client id row-2 was imported before as case 2026-000002 "
                                                       "with different content (claim); nothing changed."}]
    assert _count(db_url, "SELECT count(*) FROM cases WHERE claim = 'Asked about buses'") == 0


def test_a_refused_row_far_down_the_file_imports_nothing(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text(HEADER + "".join(_line(n) for n in range(1, 31))
                      + "row-99,Bad Phone,not-a-phone,inquiry,Enrollment,2026-11-23T10:00:00-08:00,x\n")
    code, out, _ = run(db_url, "case", "import", str(source), "--batch", "7", "--json")
    assert code == 1 and json.loads(out)["imported"] == 0
    assert json.loads(out)["refused"] == [{"row": 32, "reason": "'not-a-phone' is not a phone number: check the "
                                                                   "digits."}]
    assert _count(db_url, "SELECT count(*) FROM cases") == 0
    code, out, _ = run(db_url, "case", "import", str(source), "--batch", "7", "--json", "--partial")
    assert code == 1 and json.loads(out)["imported"] == 30


def test_a_misspelt_header_is_refused_before_any_row(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text("caller_nam,phone\nMaria,(213) 555-0100\n")
    code, _, err = run(db_url, "case", "import", str(source))
    assert code == 1 and "did you mean 'caller_name'" in err


ROUTED = ("case_number", "call_type", "tier", "owner_role", "respond_by", "acknowledge_by", "next_follow_up_by",
          "resolve_by", "resolve_max", "next_deadline", "status", "reportable", "routing_notes", "phone_digits",
          "caller_name_key")


def test_the_bulk_path_opens_cases_exactly_as_open_case_does(db_url: str, tmp_path: Path) -> None:
    from sqlmodel import select

    from calldesk.models import Case, CaseLink
    from calldesk.profiles import load_profile
    from calldesk.store.db.store import open_store
    from calldesk.store.services.cases import open_case
    from calldesk.store.services.imports import _case_create as case_create
    from tests.conftest import ADMIN

    lines = [  # a repeat caller (by phone, then by name), three cases at one school (a trend), due process
        "a1,Maria Gomez,(213) 555-0142,inquiry,Transportation,2026-11-02T10:00:00-08:00,Bus late,Roosevelt High,no",
        "a2,Rosa Diaz,(310) 555-0100,complaint,Enrollment,2026-11-03T10:00:00-08:00,Form lost,Roosevelt High,no",
        "a3,maria  gomez,,inquiry,Transportation,2026-11-09T10:00:00-08:00,Bus again,,no",
        "a4,Ana Ruiz,213.555.0142,concern,Facilities,2026-11-10T10:00:00-08:00,Roof,Roosevelt High,no",
        "a5,Leo Park,(626) 555-0111,complaint,Special education (CSE),2026-11-11T10:00:00-08:00,IEP,,yes",
    ] + [  # then enough at one school that the trend note counts the earlier cases it does not name
        f"b{i},Kim Lee {i},(818) 555-01{i:02d},inquiry,Facilities,2026-11-{12 + i}T09:00:00-08:00,Heat,"
        "Roosevelt High,no"
        for i in range(4)
    ]
    source = tmp_path / "calls.csv"
    source.write_text("client_id,caller_name,phone,call_type,category,opened_at,claim,school,due_process\n"
                      + "\n".join(lines) + "\n")
    code, out, err = run(db_url, "case", "import", str(source), "--batch", "2", "--json")
    assert code == 0 and json.loads(out)["imported"] == 9, err
    twin = open_store(f"sqlite:///{tmp_path / 'twin.db'}", configured_user=ADMIN)
    bulk = open_store(db_url, create=False, configured_user=ADMIN)
    try:
        import csv

        with source.open() as handle:
            for row in csv.DictReader(handle):
                with twin.uow() as uow:
                    data, abuse = case_create({k: v for k, v in row.items() if v})  # row by row, as a call
                    open_case(uow, actor=twin.actor(), profile=load_profile("lausd"), data=data, abuse_marked=abuse)
        def routed(store: object) -> list[tuple[object, ...]]:
            with store.uow(readonly=True) as uow:  # type: ignore[attr-defined]
                cases = uow.session.exec(select(Case).order_by(Case.case_number)).all()
                links = len(uow.session.exec(select(CaseLink)).all())
                return [tuple(getattr(c, k) for k in ROUTED) for c in cases] + [("links", links)]
        expected, got = routed(twin), routed(bulk)
        assert got == expected
        assert any("Repeat caller" in str(r[12]) for r in got[:-1]) and any("Trend" in str(r[12]) for r in got[:-1])
        assert "7 cases about Roosevelt High in 30 days (3 earlier, then " in str(got[-2][12])
    finally:
        twin.close()
        bulk.close()


def test_case_history_lists_one_entry_per_change(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text(HEADER + _line(1))
    assert run(db_url, "case", "import", str(source))[0] == 0
    code, out, err = run(db_url, "case", "history", "2026-000001", "--json")
    assert code == 0, err
    entries = json.loads(out)
    assert [e["action"] for e in entries] == ["case.open", "clock.intake_missed"]  # a row of last month, logged now
    assert entries[0]["changes"]["category"] == [None, "Enrollment"]
    assert entries[0]["changes"]["phone"] == [None, "(personal data: see the record)"]
    code, out, _ = run(db_url, "case", "history", "2026-000001")
    # In words, as the History tab says it: who did what, never the trail's raw action names or stored values.
    assert code == 0 and "opened the case" in out and "about Enrollment" in out, out
    assert "case.open" not in out and "intake_missed" not in out and "+1213" not in out
    code, _, err = run(db_url, "case", "history", "2026-999999")
    assert code == 1 and "No case numbered 2026-999999" in err


def test_a_file_checked_on_every_core_counts_every_refusal_in_file_order(db_url: str, tmp_path: Path) -> None:
    # 2,400 rows in 8 batches (checked in worker processes), every second refused: the count is exact, the
    # report keeps the first 1,000 in the file's order, and nothing is written.
    lines = [_line(n) if n % 2 else _line(n).replace(f"(213) 555-{n:04d}", f"bad-{n}") for n in range(1, 2401)]
    source = tmp_path / "calls.csv"
    source.write_text(HEADER + "".join(lines))
    code, out, _ = run(db_url, "case", "import", str(source), "--batch", "300", "--json")
    summary = json.loads(out)
    assert code == 1 and summary["imported"] == 0 and summary["refused_count"] == 1200
    rows = [r["row"] for r in summary["refused"]]
    assert rows == list(range(3, 2003, 2))  # the first 1,000, in order (row 1 is the header)
    assert _count(db_url, "SELECT count(*) FROM cases") == 0
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(HEADER + "".join(_line(n) for n in range(1, 2401)))
    code, out, _ = run(db_url, "case", "import", str(fixed), "--batch", "300", "--json")
    assert code == 0 and json.loads(out)["imported"] == 2400
    numbers = _count(db_url, "SELECT count(*) FROM cases WHERE claim = 'Asked about enrollment ' || "
                             "substr(client_id, 5)")
    assert numbers == 2400, "every row written from the spill of its own batch"


def test_a_partial_import_reports_progress_against_the_files_rows(store: Store, staff: dict[str, Actor]) -> None:
    # With --partial there is no checking pass to count the rows: the bar was given no total and stayed at 0%
    # for the whole import. Every report now carries the file's 25 rows, the rows done rising to all of them.
    from calldesk.store.services.imports import import_cases

    lines = [_line(n).rstrip("\n").split(",") for n in range(1, 26)]
    keys = HEADER.strip().split(",")
    source = [(number, dict(zip(keys, cells, strict=True))) for number, cells in enumerate(lines, start=2)]
    for partial in (True, False):
        progress: list[tuple[int, int | None]] = []
        import_cases(store.engine, actor=staff["supervisor"], profile=lausd(), rows=lambda: iter(source),
                     partial=partial, batch=10, progress=lambda done, total, seen=progress: seen.append((done, total)))
        written = [p for p in progress if p[1] is not None]
        assert [done for done, _ in written] == [10, 20, 25] and {t for _, t in written} == {25}, (partial, progress)


def test_an_agent_imports_through_the_narrow_window(store: Store, staff: dict[str, Actor]) -> None:
    # On PostgreSQL an agent's import asks for the store's cases row by row (NarrowWindow); its first batch reset
    # the window after it took the session, and the import failed on its first row (AttributeError).
    from calldesk.store.services.imports import import_cases

    keys = HEADER.strip().split(",")
    source = [(n + 1, dict(zip(keys, _line(n).rstrip("\n").split(","), strict=True))) for n in range(1, 13)]
    summary = import_cases(store.engine, actor=staff["agent"], profile=lausd(), rows=lambda: iter(source), batch=5)
    assert (summary.imported, summary.refused_count) == (12, 0)
